// A reference model of the NetIPC handshake as each side must judge the
// first packet it receives, for the handshake_socket fuzz target.
//
// Written from the HELLO / HELLO_ACK tables and the negotiation matrix
// (netdata/plugin-ipc docs/level1-wire-envelope.md, with the newest
// refinements: a request ceiling above the server's is LIMIT_EXCEEDED),
// field by field with plain memcpy reads, independently of framing/handshake.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "netipc/error.h"
#include "tests/fuzz/fuzz_support.h"

namespace netipc::fuzz::handshake_model {

inline constexpr std::uint32_t message_magic = 0x4e495043; // "NIPC"
inline constexpr std::size_t header_size = 32;
inline constexpr std::size_t hello_packet = header_size + 44;
inline constexpr std::size_t hello_ack_packet = header_size + 48;
// The reference server reads a HELLO into 128 bytes; longer is a violation.
inline constexpr std::size_t server_receive_room = 128;

// HELLO_ACK transport_status values.
namespace status {
inline constexpr std::uint16_t ok = 0;
inline constexpr std::uint16_t bad_envelope = 1;
inline constexpr std::uint16_t auth_failed = 2;
inline constexpr std::uint16_t incompatible = 3;
inline constexpr std::uint16_t unsupported = 4;
inline constexpr std::uint16_t limit_exceeded = 5;
} // namespace status

// The server's settings the model decides with.
struct ServerSide {
    std::uint32_t supported_profiles = 0;
    std::uint32_t preferred_profiles = 0;
    std::uint32_t max_request_payload = 0;
    std::uint32_t max_response_payload = 0;
    std::uint64_t auth_token = 0;
    std::uint32_t packet_size = 0;
    std::uint64_t session_id = 0;
};

// The HELLO_ACK payload fields, as a server must fill them.
struct Ack {
    std::uint32_t server_supported = 0;
    std::uint32_t intersection = 0;
    std::uint32_t selected = 0;
    std::uint32_t request_payload = 0;
    std::uint32_t request_items = 0;
    std::uint32_t response_payload = 0;
    std::uint32_t response_items = 0;
    std::uint32_t packet_size = 0;
    std::uint64_t session_id = 0;
};

// What a server must do with a first packet: close without an answer
// (`answered` empty), or answer with a status (and, when OK, `ack`). `error`
// is what the server's handshake returns; empty on success.
struct ServerVerdict {
    std::optional<Errc> error;
    std::optional<std::uint16_t> answered;
    Ack ack{};
};

inline Errc errc_of_status(std::uint16_t s) noexcept {
    switch (s) {
        case status::bad_envelope:
            return Errc::protocol_violation;
        case status::auth_failed:
            return Errc::auth_failed;
        case status::incompatible:
            return Errc::incompatible;
        case status::unsupported:
            return Errc::unsupported;
        case status::limit_exceeded:
            return Errc::limit_exceeded;
        default:
            return Errc::internal;
    }
}

inline ServerVerdict closed(Errc error) {
    return {error, std::nullopt, {}};
}
inline ServerVerdict rejected(std::uint16_t s) {
    return {errc_of_status(s), s, {}};
}

// `first` empty: the peer closed before sending anything.
inline ServerVerdict judge_hello(std::optional<wire::Bytes> first, const ServerSide& server) {
    if (!first) {
        return closed(Errc::disconnected);
    }
    const wire::Bytes p = *first;
    if (p.size() > server_receive_room) {
        return closed(Errc::protocol_violation);
    }
    if (p.size() < header_size) {
        return closed(Errc::truncated);
    }
    if (read_at<std::uint32_t>(p, 0) != message_magic) {
        return closed(Errc::bad_magic);
    }
    const auto header_len = read_at<std::uint16_t>(p, 6);
    const auto kind = read_at<std::uint16_t>(p, 8);
    const auto code = read_at<std::uint16_t>(p, 12);
    if (read_at<std::uint16_t>(p, 4) != 1) {
        // A HELLO of another envelope version is told why.
        const bool hello_shaped = header_len == header_size && kind == 3 && code == 1;
        return hello_shaped ? rejected(status::incompatible) : closed(Errc::bad_version);
    }
    if (header_len != header_size) {
        return closed(Errc::bad_header_len);
    }
    if (kind < 1 || kind > 3) {
        return closed(Errc::bad_kind);
    }
    if (kind != 3 || code != 1) {
        return closed(Errc::protocol_violation); // not a HELLO
    }
    if (p.size() < hello_packet) {
        return closed(Errc::truncated);
    }
    if (read_at<std::uint16_t>(p, 32) != 1) {
        return rejected(status::incompatible); // another HELLO layout
    }
    if (read_at<std::uint16_t>(p, 34) != 0 || read_at<std::uint32_t>(p, 60) != 0) {
        return rejected(status::bad_envelope); // flags, padding
    }
    const auto supported = read_at<std::uint32_t>(p, 36);
    const auto preferred = read_at<std::uint32_t>(p, 40);
    const auto request_payload = read_at<std::uint32_t>(p, 44);
    const auto request_items = read_at<std::uint32_t>(p, 48);
    const auto auth = read_at<std::uint64_t>(p, 64);
    const auto packet_size = read_at<std::uint32_t>(p, 72);

    const std::uint32_t intersection = supported & server.supported_profiles;
    if (intersection == 0) {
        return rejected(status::unsupported);
    }
    if (auth != server.auth_token) {
        return rejected(status::auth_failed);
    }
    if (request_payload > server.max_request_payload) {
        return rejected(status::limit_exceeded);
    }
    const std::uint32_t agreed_packet = std::min(packet_size, server.packet_size);
    if (agreed_packet <= header_size) {
        return rejected(status::incompatible);
    }
    const std::uint32_t both_prefer = intersection & preferred & server.preferred_profiles;
    ServerVerdict verdict{std::nullopt, status::ok, {}};
    Ack& ack = verdict.ack;
    ack.server_supported = server.supported_profiles;
    ack.intersection = intersection;
    ack.selected = std::bit_floor(both_prefer != 0 ? both_prefer : intersection);
    ack.request_payload = request_payload;
    ack.request_items = request_items;
    ack.response_payload = server.max_response_payload;
    ack.response_items = request_items;
    ack.packet_size = agreed_packet;
    ack.session_id = server.session_id;
    return verdict;
}

// What the client proposed in its HELLO.
struct Proposal {
    std::uint32_t supported_profiles = 0;
    std::uint32_t request_payload = 0;
    std::uint32_t request_items = 0;
    std::uint32_t packet_size = 0;
};

// What a client must make of the first packet it receives after its HELLO:
// an error, or the accepted HELLO_ACK's fields.
struct ClientVerdict {
    std::optional<Errc> error;
    Ack ack{};
};

inline ClientVerdict judge_hello_ack(std::optional<wire::Bytes> first, const Proposal& sent) {
    if (!first) {
        return {Errc::disconnected, {}};
    }
    const wire::Bytes p = *first;
    if (p.size() > hello_ack_packet) {
        return {Errc::protocol_violation, {}};
    }
    if (p.size() < header_size) {
        return {Errc::truncated, {}};
    }
    if (read_at<std::uint32_t>(p, 0) != message_magic) {
        return {Errc::bad_magic, {}};
    }
    if (read_at<std::uint16_t>(p, 4) != 1) {
        return {Errc::incompatible, {}}; // a server of another version
    }
    if (read_at<std::uint16_t>(p, 6) != header_size) {
        return {Errc::bad_header_len, {}};
    }
    const auto kind = read_at<std::uint16_t>(p, 8);
    if (kind < 1 || kind > 3) {
        return {Errc::bad_kind, {}};
    }
    if (kind != 3 || read_at<std::uint16_t>(p, 12) != 2) {
        return {Errc::protocol_violation, {}}; // not a HELLO_ACK
    }
    if (const auto s = read_at<std::uint16_t>(p, 14); s != status::ok) {
        return {errc_of_status(s), {}};
    }
    if (p.size() < hello_ack_packet) {
        return {Errc::truncated, {}};
    }
    if (read_at<std::uint16_t>(p, 32) != 1) {
        return {Errc::incompatible, {}}; // another HELLO_ACK layout
    }
    if (read_at<std::uint16_t>(p, 34) != 0 || read_at<std::uint32_t>(p, 68) != 0) {
        return {Errc::reserved_not_zero, {}};
    }
    Ack ack;
    ack.server_supported = read_at<std::uint32_t>(p, 36);
    ack.intersection = read_at<std::uint32_t>(p, 40);
    ack.selected = read_at<std::uint32_t>(p, 44);
    ack.request_payload = read_at<std::uint32_t>(p, 48);
    ack.request_items = read_at<std::uint32_t>(p, 52);
    ack.response_payload = read_at<std::uint32_t>(p, 56);
    ack.response_items = read_at<std::uint32_t>(p, 60);
    ack.packet_size = read_at<std::uint32_t>(p, 64);
    ack.session_id = read_at<std::uint64_t>(p, 72);
    // The client may only be given what it can live with.
    const bool limits_above_proposal =
        ack.request_payload > sent.request_payload || ack.request_items > sent.request_items;
    const bool bad_profile =
        !std::has_single_bit(ack.selected) || (ack.selected & sent.supported_profiles) == 0;
    const bool bad_packet = ack.packet_size <= header_size || ack.packet_size > sent.packet_size;
    if (limits_above_proposal || bad_profile || bad_packet
        || ack.response_items != ack.request_items) {
        return {Errc::incompatible, {}};
    }
    return {std::nullopt, ack};
}

} // namespace netipc::fuzz::handshake_model
