// The 32-byte outer message header that starts every NetIPC message, and the
// receiver-side validation the envelope specification requires.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>

#include <boost/hana/define_struct.hpp>

#include "netipc/force_inline.h"
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

namespace detail {

// MessageHeader's 32 wire bytes as one plain struct, so that encoding and
// decoding a header on the per-message path is a single 32-byte copy
// instead of ten field-by-field stores and loads. The wire is host byte
// order (wire/bytes.h), so this holds on any host whose natural alignment
// puts the members at the Hana layout's offsets; the static_asserts below
// check exactly that against MessageHeader, which stays the one
// description of the layout: a host where they fail does not compile
// instead of sending wrong bytes. tests/unit/message_header_test.cc checks
// that both paths write and read the same bytes.
struct MessageHeaderImage {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t header_len;
    std::uint16_t kind;
    std::uint16_t flags;
    std::uint16_t code;
    std::uint16_t transport_status;
    std::uint32_t payload_len;
    std::uint32_t item_count;
    std::uint64_t message_id;
};

} // namespace detail

// NOLINTBEGIN(cppcoreguidelines-pro-type-member-init): offsetof needs no instance
static_assert(sizeof(detail::MessageHeaderImage) == message_header_size);
static_assert(std::is_trivially_copyable_v<detail::MessageHeaderImage>);
static_assert(offsetof(detail::MessageHeaderImage, magic)
              == wire_offset<MessageHeader>(BOOST_HANA_STRING("magic")));
static_assert(offsetof(detail::MessageHeaderImage, version)
              == wire_offset<MessageHeader>(BOOST_HANA_STRING("version")));
static_assert(offsetof(detail::MessageHeaderImage, header_len)
              == wire_offset<MessageHeader>(BOOST_HANA_STRING("header_len")));
static_assert(offsetof(detail::MessageHeaderImage, kind)
              == wire_offset<MessageHeader>(BOOST_HANA_STRING("kind")));
static_assert(offsetof(detail::MessageHeaderImage, flags)
              == wire_offset<MessageHeader>(BOOST_HANA_STRING("flags")));
static_assert(offsetof(detail::MessageHeaderImage, code)
              == wire_offset<MessageHeader>(BOOST_HANA_STRING("code")));
static_assert(offsetof(detail::MessageHeaderImage, transport_status)
              == wire_offset<MessageHeader>(BOOST_HANA_STRING("transport_status")));
static_assert(offsetof(detail::MessageHeaderImage, payload_len)
              == wire_offset<MessageHeader>(BOOST_HANA_STRING("payload_len")));
static_assert(offsetof(detail::MessageHeaderImage, item_count)
              == wire_offset<MessageHeader>(BOOST_HANA_STRING("item_count")));
static_assert(offsetof(detail::MessageHeaderImage, message_id)
              == wire_offset<MessageHeader>(BOOST_HANA_STRING("message_id")));
// NOLINTEND(cppcoreguidelines-pro-type-member-init)

// Writes `header`'s 32 wire bytes at `out` (which has room for them): the
// same bytes as wire::encode_unchecked(header, out), in one copy. Always
// inline: every message sent passes here.
NETIPC_FORCE_INLINE inline void encode_message_header(const MessageHeader& header,
                                                      std::byte* out) noexcept {
    const detail::MessageHeaderImage image{
        .magic = message_magic,
        .version = envelope_version,
        .header_len = message_header_size,
        .kind = static_cast<std::uint16_t>(header.kind),
        .flags = header.flags,
        .code = header.code,
        .transport_status = static_cast<std::uint16_t>(header.transport_status),
        .payload_len = header.payload_len,
        .item_count = header.item_count,
        .message_id = header.message_id,
    };
    std::memcpy(out, &image, sizeof(image));
}

// Ceilings a receiver enforces in one direction of a session, as negotiated
// in the handshake (requests on the server side, responses on the client).
struct DirectionalLimits {
    std::uint32_t max_payload_bytes = defaults::max_payload_bytes;
    std::uint32_t max_batch_items = 1;

    friend bool operator==(const DirectionalLimits&, const DirectionalLimits&) = default;
};

// Decodes a header and checks the envelope rules that need no session state:
// magic, version, header_len, and kind in REQUEST..CONTROL, in that order
// (the first offending field decides the error, as wire::decode<> does).
// Always inline, and one 32-byte copy: every received message passes here.
NETIPC_FORCE_INLINE inline Result<MessageHeader> decode_message_header(Bytes in) noexcept {
    if (in.size() < message_header_size) {
        return fail(Errc::truncated, "input shorter than the fixed layout");
    }
    detail::MessageHeaderImage image{};
    std::memcpy(&image, in.data(), sizeof(image));
    if (image.magic != message_magic) {
        return fail(Errc::bad_magic, "fixed-value field holds an unexpected value");
    }
    if (image.version != envelope_version) {
        return fail(Errc::bad_version, "fixed-value field holds an unexpected value");
    }
    if (image.header_len != message_header_size) {
        return fail(Errc::bad_header_len, "fixed-value field holds an unexpected value");
    }
    const auto kind = static_cast<MessageKind>(image.kind);
    switch (kind) {
        case MessageKind::request:
        case MessageKind::response:
        case MessageKind::control:
            break;
        default:
            return fail(Errc::bad_kind, "message kind is not REQUEST, RESPONSE or CONTROL");
    }
    MessageHeader header{};
    header.kind = kind;
    header.flags = image.flags;
    header.code = image.code;
    header.transport_status = static_cast<TransportStatus>(image.transport_status);
    header.payload_len = image.payload_len;
    header.item_count = image.item_count;
    header.message_id = image.message_id;
    return header;
}

// Checks a decoded header against the negotiated directional limits:
// payload_len and item_count must not exceed them (Errc::limit_exceeded).
// Always inline: every message sent or received passes here.
NETIPC_FORCE_INLINE inline Result<void> check_limits(const MessageHeader& header,
                                                     const DirectionalLimits& limits) noexcept {
    // A whole message (header + payload) must be describable by the chunk
    // header's u32 total_message_len, whatever the negotiated ceiling.
    if (header.payload_len > max_message_payload) {
        return fail(Errc::limit_exceeded, "payload_len leaves no room for the header in a u32");
    }
    if (header.payload_len > limits.max_payload_bytes) {
        return fail(Errc::limit_exceeded, "payload_len exceeds the negotiated payload ceiling");
    }
    if (header.item_count > limits.max_batch_items) {
        return fail(Errc::limit_exceeded, "item_count exceeds the negotiated batch-item ceiling");
    }
    return {};
}

// Convenience constructors for the common header shapes. Inline, so a
// session builds the header it sends in registers, straight into its encode,
// instead of calling out for a struct it then copies.
constexpr MessageHeader make_request_header(MethodCode code, std::uint64_t message_id,
                                            std::uint32_t payload_len) noexcept {
    MessageHeader header{};
    header.kind = MessageKind::request;
    header.code = static_cast<std::uint16_t>(code);
    header.transport_status = TransportStatus::ok;
    header.payload_len = payload_len;
    header.item_count = 1;
    header.message_id = message_id;
    return header;
}

constexpr MessageHeader make_response_header(
    MethodCode code, std::uint64_t message_id, std::uint32_t payload_len,
    TransportStatus status = TransportStatus::ok) noexcept {
    MessageHeader header = make_request_header(code, message_id, payload_len);
    header.kind = MessageKind::response;
    header.transport_status = status;
    return header;
}

constexpr MessageHeader make_control_header(ControlCode code, std::uint32_t payload_len,
                                            TransportStatus status = TransportStatus::ok) noexcept {
    MessageHeader header{};
    header.kind = MessageKind::control;
    header.code = static_cast<std::uint16_t>(code);
    header.transport_status = status;
    header.payload_len = payload_len;
    header.item_count = 1;
    header.message_id = 0;
    return header;
}

} // namespace netipc::wire
