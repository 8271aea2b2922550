// A server side of the handshake done by hand, for tests that need a peer
// to lie: it answers a HELLO exactly as the negotiation rules say (so it
// may select a shared-memory profile) but prepares nothing, so a client
// that then tries to attach the session's region finds none. Works over
// any PacketConnection (a UDS socket, a named pipe).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "framing/handshake.h"
#include "netipc/deadline.h"
#include "netipc/wire/hello.h"

namespace netipc::testing {

// Receives one HELLO and answers it per `config`, preparing nothing.
// Returns the profiles the HELLO offered, or nullopt if it went wrong.
template <class Connection>
std::optional<std::uint32_t> answer_hello_by_hand(Connection& connection,
                                                  const ServerHandshakeConfig& config,
                                                  std::uint64_t session_id, Deadline deadline) {
    std::array<std::byte, framing::hello_packet_size> hello{};
    if (!connection.receive_packet(hello, deadline, nullptr)) {
        return std::nullopt;
    }
    auto offered = wire::decode_hello(wire::Bytes(hello).subspan(wire::message_header_size));
    auto decision =
        framing::answer_hello_packet(hello, config, connection.max_packet_size(), session_id);
    if (!offered || !decision) {
        return std::nullopt;
    }
    const auto answer = framing::encode_hello_ack_packet(*decision);
    const std::array<wire::Bytes, 1> pieces{wire::Bytes(answer)};
    if (!connection.send_packet(pieces, deadline)) {
        return std::nullopt;
    }
    return offered->supported_profiles;
}

} // namespace netipc::testing
