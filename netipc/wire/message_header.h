// The 32-byte outer message header that starts every NetIPC message, and the
// receiver-side validation the envelope specification requires.
#pragma once

#include <boost/hana/define_struct.hpp>

#include "netipc/wire/constants.h"
#include "netipc/wire/layout.h"

namespace netipc::wire {

struct MessageHeader {
    BOOST_HANA_DEFINE_STRUCT(MessageHeader,
                             (Fixed<std::uint32_t, message_magic, Errc::bad_magic>, magic),
                             (Fixed<std::uint16_t, envelope_version, Errc::bad_version>, version),
                             (Fixed<std::uint16_t, 32, Errc::bad_header_len>, header_len),
                             (MessageKind, kind), (std::uint16_t, flags), (std::uint16_t, code),
                             (TransportStatus, transport_status), (std::uint32_t, payload_len),
                             (std::uint32_t, item_count), (std::uint64_t, message_id));

    [[nodiscard]] bool is_batch() const noexcept { return (flags & flags::batch) != 0; }
};

inline constexpr std::size_t message_header_size = 32;
// The largest payload a message can carry: header + payload must fit a u32.
inline constexpr std::uint32_t max_message_payload = 0xffffffffU - message_header_size;
static_assert(wire_size<MessageHeader> == message_header_size);
static_assert(wire_offset<MessageHeader>(BOOST_HANA_STRING("magic")) == 0);
static_assert(wire_offset<MessageHeader>(BOOST_HANA_STRING("version")) == 4);
static_assert(wire_offset<MessageHeader>(BOOST_HANA_STRING("header_len")) == 6);
static_assert(wire_offset<MessageHeader>(BOOST_HANA_STRING("kind")) == 8);
static_assert(wire_offset<MessageHeader>(BOOST_HANA_STRING("flags")) == 10);
static_assert(wire_offset<MessageHeader>(BOOST_HANA_STRING("code")) == 12);
static_assert(wire_offset<MessageHeader>(BOOST_HANA_STRING("transport_status")) == 14);
static_assert(wire_offset<MessageHeader>(BOOST_HANA_STRING("payload_len")) == 16);
static_assert(wire_offset<MessageHeader>(BOOST_HANA_STRING("item_count")) == 20);
static_assert(wire_offset<MessageHeader>(BOOST_HANA_STRING("message_id")) == 24);

// Ceilings a receiver enforces in one direction of a session, as negotiated
// in the handshake (requests on the server side, responses on the client).
struct DirectionalLimits {
    std::uint32_t max_payload_bytes = defaults::max_payload_bytes;
    std::uint32_t max_batch_items = 1;

    friend bool operator==(const DirectionalLimits&, const DirectionalLimits&) = default;
};

// Decodes a header and checks the envelope rules that need no session state:
// magic, version, header_len, and kind in REQUEST..CONTROL.
Result<MessageHeader> decode_message_header(Bytes in) noexcept;

// Checks a decoded header against the negotiated directional limits:
// payload_len and item_count must not exceed them (Errc::limit_exceeded).
Result<void> check_limits(const MessageHeader& header, const DirectionalLimits& limits) noexcept;

// Convenience constructors for the common header shapes.
MessageHeader make_request_header(MethodCode code, std::uint64_t message_id,
                                  std::uint32_t payload_len) noexcept;
MessageHeader make_response_header(MethodCode code, std::uint64_t message_id,
                                   std::uint32_t payload_len,
                                   TransportStatus status = TransportStatus::ok) noexcept;
MessageHeader make_control_header(ControlCode code, std::uint32_t payload_len,
                                  TransportStatus status = TransportStatus::ok) noexcept;

} // namespace netipc::wire
