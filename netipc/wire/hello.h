// Handshake payloads: the client's HELLO (44 bytes) and the server's
// HELLO_ACK (48 bytes), carried in CONTROL messages.
//
// Decoding checks field shape only (layout_version, reserved bytes). The
// negotiation rules (auth, profiles, limits) belong to the framing layer,
// which maps decode errors to HELLO_ACK statuses with
// handshake_status_for().
#pragma once

#include <boost/hana/define_struct.hpp>

#include "netipc/wire/constants.h"
#include "netipc/wire/layout.h"

namespace netipc::wire {

using LayoutVersion = Fixed<std::uint16_t, payload_layout_version, Errc::bad_layout>;

struct Hello {
    BOOST_HANA_DEFINE_STRUCT(Hello, (LayoutVersion, layout_version), (Reserved<2>, flags),
                             (std::uint32_t, supported_profiles),
                             (std::uint32_t, preferred_profiles),
                             (std::uint32_t, max_request_payload_bytes),
                             (std::uint32_t, max_request_batch_items),
                             (std::uint32_t, max_response_payload_bytes), // a hint
                             (std::uint32_t, max_response_batch_items),   // kept for symmetry
                             (Reserved<4>, padding), (std::uint64_t, auth_token),
                             (std::uint32_t, packet_size));
};

struct HelloAck {
    BOOST_HANA_DEFINE_STRUCT(HelloAck, (LayoutVersion, layout_version), (Reserved<2>, flags),
                             (std::uint32_t, server_supported_profiles),
                             (std::uint32_t, intersection_profiles),
                             (std::uint32_t, selected_profile),
                             (std::uint32_t, agreed_max_request_payload_bytes),
                             (std::uint32_t, agreed_max_request_batch_items),
                             (std::uint32_t, agreed_max_response_payload_bytes),
                             (std::uint32_t, agreed_max_response_batch_items),
                             (std::uint32_t, agreed_packet_size), (Reserved<4>, padding),
                             (std::uint64_t, session_id));
};

inline constexpr std::size_t hello_size = 44;
inline constexpr std::size_t hello_ack_size = 48;

static_assert(wire_size<Hello> == hello_size);
static_assert(wire_offset<Hello>(BOOST_HANA_STRING("supported_profiles")) == 4);
static_assert(wire_offset<Hello>(BOOST_HANA_STRING("preferred_profiles")) == 8);
static_assert(wire_offset<Hello>(BOOST_HANA_STRING("max_request_payload_bytes")) == 12);
static_assert(wire_offset<Hello>(BOOST_HANA_STRING("max_request_batch_items")) == 16);
static_assert(wire_offset<Hello>(BOOST_HANA_STRING("max_response_payload_bytes")) == 20);
static_assert(wire_offset<Hello>(BOOST_HANA_STRING("max_response_batch_items")) == 24);
static_assert(wire_offset<Hello>(BOOST_HANA_STRING("padding")) == 28);
static_assert(wire_offset<Hello>(BOOST_HANA_STRING("auth_token")) == 32);
static_assert(wire_offset<Hello>(BOOST_HANA_STRING("packet_size")) == 40);

static_assert(wire_size<HelloAck> == hello_ack_size);
static_assert(wire_offset<HelloAck>(BOOST_HANA_STRING("server_supported_profiles")) == 4);
static_assert(wire_offset<HelloAck>(BOOST_HANA_STRING("intersection_profiles")) == 8);
static_assert(wire_offset<HelloAck>(BOOST_HANA_STRING("selected_profile")) == 12);
static_assert(wire_offset<HelloAck>(BOOST_HANA_STRING("agreed_max_request_payload_bytes")) == 16);
static_assert(wire_offset<HelloAck>(BOOST_HANA_STRING("agreed_max_request_batch_items")) == 20);
static_assert(wire_offset<HelloAck>(BOOST_HANA_STRING("agreed_max_response_payload_bytes")) == 24);
static_assert(wire_offset<HelloAck>(BOOST_HANA_STRING("agreed_max_response_batch_items")) == 28);
static_assert(wire_offset<HelloAck>(BOOST_HANA_STRING("agreed_packet_size")) == 32);
static_assert(wire_offset<HelloAck>(BOOST_HANA_STRING("padding")) == 36);
static_assert(wire_offset<HelloAck>(BOOST_HANA_STRING("session_id")) == 40);

inline Result<Hello> decode_hello(Bytes in) noexcept {
    return decode<Hello>(in);
}
inline Result<HelloAck> decode_hello_ack(Bytes in) noexcept {
    return decode<HelloAck>(in);
}

// The HELLO_ACK status a server answers with when a HELLO fails to decode,
// per the rejection table: unknown layout_version -> INCOMPATIBLE, non-zero
// flags or padding (and any other malformation) -> BAD_ENVELOPE.
constexpr TransportStatus handshake_status_for(Errc decode_error) noexcept {
    return decode_error == Errc::bad_layout ? TransportStatus::incompatible
                                            : TransportStatus::bad_envelope;
}

} // namespace netipc::wire
