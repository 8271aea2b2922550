// A server side of the handshake done by hand, for tests that need a peer
// to lie: it answers a HELLO exactly as the negotiation rules say (so it
// may select a shared-memory profile) but prepares nothing, so a client
// that then tries to attach the session's region finds none. Works over
// any PacketConnection (a UDS socket, a named pipe).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "codecs/increment.h"
#include "framing/handshake.h"
#include "framing/message_receiver.h"
#include "framing/send_message.h"
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

// What a SharedMemoryLiar saw, read after join().
struct LiarReport {
    bool first_hung_up = false;     // the client closed the session it could not use
    std::uint32_t second_offer = 0; // the profiles its next HELLO offered
    bool second_served = false;     // one INCREMENT answered on that session
};

// A server that selects a shared-memory profile without preparing anything
// (answer_hello_by_hand), waits for the client to hang up, then handshakes
// the client's next connection and answers one INCREMENT on the connection
// itself: how a client's "cannot attach, reconnect without it" path is
// tested over any transport. Runs on its own thread (Catch2 assertions are
// not thread-safe): it records, the test checks.
template <class Listener>
LiarReport lie_about_shared_memory(Listener& listener, const ServerHandshakeConfig& config,
                                   Deadline deadline) {
    LiarReport report;
    auto first = listener.accept(deadline, nullptr);
    if (!first || !answer_hello_by_hand(*first, config, 1, deadline)) {
        return report;
    }
    std::array<std::byte, 64> drain{};
    report.first_hung_up = !first->receive_packet(drain, deadline, nullptr).has_value();

    auto second = listener.accept(deadline, nullptr);
    if (!second) {
        return report;
    }
    auto offered = answer_hello_by_hand(*second, config, 2, deadline);
    if (!offered) {
        return report;
    }
    report.second_offer = *offered;
    framing::MessageReceiver receiver({65536, 1000}, second->max_packet_size());
    auto request = receiver.receive(*second, deadline);
    if (!request) {
        return report;
    }
    std::array<std::byte, 8> payload{};
    auto decoded = codecs::Increment::decode_request(request->payload);
    if (!decoded || !codecs::Increment::encode_response(decoded->value + 1, payload)) {
        return report;
    }
    report.second_served =
        framing::send_message(
            *second,
            wire::make_response_header(wire::MethodCode::increment, request->header.message_id, 8),
            payload, second->max_packet_size(), deadline)
            .has_value();
    return report;
}

} // namespace netipc::testing
