// Sending one logical message over a packet connection, chunked when the
// header and payload exceed the agreed packet size.
//
// The payload is never copied to be split: each packet is handed to the
// transport as gather pieces (a 32-byte header and a slice of the caller's
// payload). Chunks of one message go out back to back; the caller must not
// interleave another message on the same connection meanwhile.
#pragma once

#include <array>
#include <cstdint>

#include "netipc/concepts/transport.h"
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
    wire::encode_unchecked(header, header_bytes.data());
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

} // namespace netipc::framing
