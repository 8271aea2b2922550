// The NetIPC handshake as pure functions: what a client proposes in HELLO,
// what a server decides and answers in HELLO_ACK, and what a client makes of
// that answer. No I/O: a transport moves the packets these functions build
// and read, so every rule here is testable byte for byte.
//
// The decision rules follow the negotiation matrix of the Level 1 wire
// envelope specification (netdata/plugin-ipc docs/level1-wire-envelope.md)
// and its newest refinements: a proposal above the server's request ceiling
// is refused with LIMIT_EXCEEDED.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "netipc/error.h"
#include "netipc/session_parameters.h"
#include "netipc/wire/hello.h"
#include "netipc/wire/message_header.h"

namespace netipc::framing {

inline constexpr std::size_t hello_packet_size = wire::message_header_size + wire::hello_size;
inline constexpr std::size_t hello_ack_packet_size =
    wire::message_header_size + wire::hello_ack_size;
using HelloPacket = std::array<std::byte, hello_packet_size>;
using HelloAckPacket = std::array<std::byte, hello_ack_packet_size>;

// --- client side ---------------------------------------------------------

wire::Hello make_hello(const ClientHandshakeConfig& config, std::uint32_t packet_size) noexcept;
HelloPacket encode_hello_packet(const wire::Hello& hello) noexcept;

// Reads the server's HELLO_ACK packet. A rejection maps its status to an
// Errc (auth_failed, unsupported, incompatible, limit_exceeded,
// protocol_violation for BAD_ENVELOPE, internal). An accepted answer must be
// coherent with what was proposed (a single selected profile the client
// supports, a packet size above 32 and not above the proposal, symmetric
// batch limits), else Errc::incompatible.
Result<SessionParameters> read_hello_ack_packet(wire::Bytes packet,
                                                const wire::Hello& sent) noexcept;

// The Errc a HELLO_ACK rejection status stands for, on either side.
Errc errc_for_rejection(wire::TransportStatus status) noexcept;

// --- server side ---------------------------------------------------------

// The server's answer to one HELLO. `status` OK means `parameters` are final
// for the session; any other status is a rejection: the server sends the
// HELLO_ACK and closes.
struct HandshakeDecision {
    wire::TransportStatus status = wire::TransportStatus::ok;
    wire::HelloAck ack{};
    SessionParameters parameters{};

    [[nodiscard]] bool accepted() const noexcept { return status == wire::TransportStatus::ok; }
};

// Applies the negotiation matrix to a decoded HELLO. Checks run in the order
// the reference server uses: profile intersection (UNSUPPORTED), auth
// (AUTH_FAILED), request ceiling (LIMIT_EXCEEDED), packet size
// (INCOMPATIBLE); a config with refuse_peer set answers AUTH_FAILED before
// all of them. `server_packet_size` is the server transport's own limit.
HandshakeDecision decide(const wire::Hello& hello, const ServerHandshakeConfig& config,
                         std::uint32_t server_packet_size, std::uint64_t session_id) noexcept;

// Reads a raw HELLO packet and decides. A packet that cannot be answered at
// all (not a HELLO, wrong magic, truncated header) is an error: the server
// closes without an answer. A HELLO with a bad envelope version or payload
// layout is answered INCOMPATIBLE; malformed reserved fields BAD_ENVELOPE.
Result<HandshakeDecision> answer_hello_packet(wire::Bytes packet,
                                              const ServerHandshakeConfig& config,
                                              std::uint32_t server_packet_size,
                                              std::uint64_t session_id) noexcept;

// The HELLO_ACK packet for a decision (a rejection carries a zeroed ack with
// layout_version 1, as the reference server sends).
HelloAckPacket encode_hello_ack_packet(const HandshakeDecision& decision) noexcept;

// The highest set bit of `mask` (0 when empty): the profile-selection rule.
constexpr std::uint32_t highest_bit(std::uint32_t mask) noexcept {
    return std::bit_floor(mask);
}

} // namespace netipc::framing
