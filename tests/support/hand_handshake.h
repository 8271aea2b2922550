// A server side of the handshake done by hand, for tests that need a peer
// to lie: it answers a HELLO exactly as the negotiation rules say (so it
// may select SHM_HYBRID) but prepares nothing, so a client that then tries
// to attach the session's region finds none.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>

#include "framing/handshake.h"
#include "netipc/deadline.h"
#include "netipc/wire/hello.h"

namespace netipc::testing {

// The profiles a HELLO offers, read from `connection` without consuming
// it (so a real server can still handshake over the same connection).
template <class Connection>
std::optional<std::uint32_t> peek_offered_profiles(Connection& connection, Deadline deadline) {
    std::array<std::byte, framing::hello_packet_size> hello{};
    for (;;) {
        const ssize_t got =
            ::recv(connection.native_handle(), hello.data(), hello.size(), MSG_PEEK | MSG_DONTWAIT);
        if (got == static_cast<ssize_t>(hello.size())) {
            break;
        }
        if (got >= 0 || deadline.expired()) {
            return std::nullopt; // short or closed
        }
        ::usleep(1000);
    }
    auto decoded = wire::decode_hello(wire::Bytes(hello).subspan(wire::message_header_size));
    if (!decoded) {
        return std::nullopt;
    }
    return decoded->supported_profiles;
}

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
