// Sending one logical message over a packet connection, chunked when the
// header and payload exceed the agreed packet size. Two forms:
//
//   send_message():          the payload is the caller's, read-only; each
//                            packet goes to the transport as gather pieces
//                            (a 32-byte header and a slice of the payload);
//   send_message_in_place(): the payload follows 32 bytes of header room in
//                            a buffer the caller lets us write; each packet
//                            goes out as one contiguous piece, its header
//                            written just in front of its slice. This is the
//                            form sessions use for every message they build:
//                            one piece is one copy on a socket and, on a
//                            data plane that lends its area (InPlaceSend),
//                            no copy at all.
//
// The payload is never copied to be split. Chunks of one message go out back
// to back; the caller must not interleave another message on the same
// connection meanwhile.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "netipc/concepts/transport.h"
#include "netipc/force_inline.h"
#include "netipc/wire/chunk_header.h"
#include "netipc/wire/message_header.h"

namespace netipc::framing {

// Sends `header` + `payload` as one logical message. header.payload_len must
// equal payload.size() (Errc::invalid_argument otherwise). The deadline
// covers every chunk.
template <PacketConnection Connection>
Result<void> send_message(Connection& connection, const wire::MessageHeader& header,
                          wire::Bytes payload, std::uint32_t packet_size, Deadline deadline) {
    if (header.payload_len != payload.size()) {
        return fail(Errc::invalid_argument, "header payload_len differs from the payload size");
    }
    auto chunk_count = wire::chunk_count_for(header.payload_len, packet_size);
    if (!chunk_count) {
        return std::unexpected(chunk_count.error());
    }
    const std::size_t budget = packet_size - wire::message_header_size;

    std::array<std::byte, wire::message_header_size> header_bytes{};
    wire::encode_message_header(header, header_bytes.data());
    const wire::Bytes first_slice = payload.first(std::min(budget, payload.size()));
    const std::array<wire::Bytes, 2> first_packet{wire::Bytes(header_bytes), first_slice};
    if (auto sent = connection.send_packet(first_packet, deadline); !sent) {
        return sent;
    }

    std::size_t offset = first_slice.size();
    for (std::uint32_t index = 1; index < *chunk_count; ++index) {
        const wire::Bytes slice =
            payload.subspan(offset, std::min(budget, payload.size() - offset));
        const auto chunk = wire::make_chunk_header(header, index, *chunk_count,
                                                   static_cast<std::uint32_t>(slice.size()));
        std::array<std::byte, wire::chunk_header_size> chunk_bytes{};
        wire::encode_unchecked(chunk, chunk_bytes.data());
        const std::array<wire::Bytes, 2> packet{wire::Bytes(chunk_bytes), slice};
        if (auto sent = connection.send_packet(packet, deadline); !sent) {
            return sent;
        }
        offset += slice.size();
    }
    return {};
}

// A chunk's header goes into the bytes just before its slice, which the
// previous packet already carried; the first packet's header into the room.
static_assert(wire::chunk_header_size <= wire::message_header_size);

namespace detail {

// The continuation-sending part of send_message_in_place(), out of line so
// the single-packet path stays a few instructions in the caller.
template <PacketConnection Connection>
[[gnu::noinline]] Result<void> send_chunked_in_place(Connection& connection,
                                                     const wire::MessageHeader& header,
                                                     wire::MutableBytes message,
                                                     std::uint32_t packet_size, Deadline deadline) {
    auto chunk_count = wire::chunk_count_for(header.payload_len, packet_size);
    if (!chunk_count) {
        return std::unexpected(chunk_count.error());
    }
    const std::size_t budget = packet_size - wire::message_header_size;

    std::size_t offset =
        wire::message_header_size + std::min<std::size_t>(budget, header.payload_len);
    const std::array<wire::Bytes, 1> first_packet{message.first(offset)};
    if (auto sent = connection.send_packet(first_packet, deadline); !sent) {
        return sent;
    }

    for (std::uint32_t index = 1; index < *chunk_count; ++index) {
        const std::size_t slice = std::min(budget, message.size() - offset);
        std::byte* const chunk_start = message.data() + offset - wire::chunk_header_size;
        std::array<std::byte, wire::chunk_header_size> covered{};
        std::memcpy(covered.data(), chunk_start, covered.size());
        wire::encode_unchecked(
            wire::make_chunk_header(header, index, *chunk_count, static_cast<std::uint32_t>(slice)),
            chunk_start);
        const std::array<wire::Bytes, 1> packet{
            wire::Bytes(chunk_start, wire::chunk_header_size + slice)};
        auto sent = connection.send_packet(packet, deadline);
        std::memcpy(chunk_start, covered.data(), covered.size());
        if (!sent) {
            return sent;
        }
        offset += slice;
    }
    return {};
}

} // namespace detail

// Sends `message` = 32 bytes of header room + a payload of
// header.payload_len bytes as one logical message. The header is written
// into the room; each continuation's chunk header is written over the 32
// bytes before its slice for the send and put back afterwards, so on return
// the payload bytes are as they were. Errc::invalid_argument when the
// payload size and header.payload_len differ. The deadline covers every
// chunk. Always inline: a one-packet message (nearly all of them) is a
// compare, the header copy and the transport's send, in the caller's frame.
template <PacketConnection Connection>
NETIPC_FORCE_INLINE inline Result<void> send_message_in_place(Connection& connection,
                                                              const wire::MessageHeader& header,
                                                              wire::MutableBytes message,
                                                              std::uint32_t packet_size,
                                                              Deadline deadline) {
    if (message.size() < wire::message_header_size
        || header.payload_len != message.size() - wire::message_header_size) {
        return fail(Errc::invalid_argument, "header payload_len differs from the payload size");
    }
    wire::encode_message_header(header, message.data());
    if (message.size() <= packet_size && packet_size > wire::message_header_size) {
        const std::array<wire::Bytes, 1> packet{message};
        return connection.send_packet(packet, deadline);
    }
    return detail::send_chunked_in_place(connection, header, message, packet_size, deadline);
}

} // namespace netipc::framing
