// Packets a hostile peer sends, built with the library's wire encoders and
// then patched: a test names the field it breaks (header_at::magic, ...),
// never a hand-counted byte.
//
//   auto bad = patched(response_packet(1, increment_payload(42)), header_at::magic, 0U);
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <vector>

#include <boost/hana/string.hpp>

#include "codecs/increment.h"
#include "framing/handshake.h"
#include "netipc/wire/batch.h"
#include "netipc/wire/chunk_header.h"
#include "netipc/wire/hello.h"
#include "netipc/wire/message_header.h"

namespace netipc::testing::hostile {

using Packet = std::vector<std::byte>;

// Where the fields of the outer message header lie.
namespace header_at {
inline constexpr std::size_t magic =
    wire::wire_offset<wire::MessageHeader>(BOOST_HANA_STRING("magic"));
inline constexpr std::size_t version =
    wire::wire_offset<wire::MessageHeader>(BOOST_HANA_STRING("version"));
inline constexpr std::size_t header_len =
    wire::wire_offset<wire::MessageHeader>(BOOST_HANA_STRING("header_len"));
inline constexpr std::size_t kind =
    wire::wire_offset<wire::MessageHeader>(BOOST_HANA_STRING("kind"));
inline constexpr std::size_t payload_len =
    wire::wire_offset<wire::MessageHeader>(BOOST_HANA_STRING("payload_len"));
} // namespace header_at

// Where the fields of a HELLO_ACK packet (header + payload) lie.
namespace hello_ack_at {
inline constexpr std::size_t flags =
    wire::message_header_size + wire::wire_offset<wire::HelloAck>(BOOST_HANA_STRING("flags"));
inline constexpr std::size_t padding =
    wire::message_header_size + wire::wire_offset<wire::HelloAck>(BOOST_HANA_STRING("padding"));
inline constexpr std::size_t agreed_packet_size =
    wire::message_header_size
    + wire::wire_offset<wire::HelloAck>(BOOST_HANA_STRING("agreed_packet_size"));
} // namespace hello_ack_at

// Where the fields of a HELLO packet lie.
namespace hello_at {
inline constexpr std::size_t flags =
    wire::message_header_size + wire::wire_offset<wire::Hello>(BOOST_HANA_STRING("flags"));
} // namespace hello_at

// `packet` with sizeof(T) bytes at `offset` replaced by `value`.
template <class T>
Packet patched(Packet packet, std::size_t offset, T value) {
    if (offset + sizeof(T) > packet.size()) {
        throw std::out_of_range("patch past the end of the packet");
    }
    std::memcpy(packet.data() + offset, &value, sizeof(T));
    return packet;
}

// The first `size` bytes of `packet`.
inline Packet truncated(Packet packet, std::size_t size) {
    packet.resize(std::min(size, packet.size()));
    return packet;
}

template <wire::WireLayout S>
Packet encoded(const S& value) {
    Packet bytes(wire::wire_size<S>);
    wire::encode_unchecked(value, bytes.data());
    return bytes;
}

// The encoded header, then `payload`.
inline Packet message_packet(const wire::MessageHeader& header, wire::Bytes payload) {
    Packet packet = encoded(header);
    packet.insert(packet.end(), payload.begin(), payload.end());
    return packet;
}

// The packets a compliant sender makes of one message over packets of
// `packet_size` bytes: the header and the first slice, then continuations.
inline std::vector<Packet> chunked_message(const wire::MessageHeader& header, wire::Bytes payload,
                                           std::uint32_t packet_size) {
    const std::uint32_t count = wire::chunk_count_for(header.payload_len, packet_size).value();
    const std::size_t budget = packet_size - wire::message_header_size;
    std::vector<Packet> packets;
    packets.push_back(message_packet(header, payload.first(std::min(budget, payload.size()))));
    for (std::uint32_t index = 1; index < count; ++index) {
        const wire::Bytes slice = payload.subspan(index * budget);
        const wire::Bytes piece = slice.first(std::min(budget, slice.size()));
        Packet chunk = encoded(wire::make_chunk_header(header, index, count,
                                                       static_cast<std::uint32_t>(piece.size())));
        chunk.insert(chunk.end(), piece.begin(), piece.end());
        packets.push_back(std::move(chunk));
    }
    return packets;
}

// Where the fields of a continuation's chunk header lie.
namespace chunk_at {
inline constexpr std::size_t message_id =
    wire::wire_offset<wire::ChunkHeader>(BOOST_HANA_STRING("message_id"));
inline constexpr std::size_t chunk_index =
    wire::wire_offset<wire::ChunkHeader>(BOOST_HANA_STRING("chunk_index"));
inline constexpr std::size_t chunk_count =
    wire::wire_offset<wire::ChunkHeader>(BOOST_HANA_STRING("chunk_count"));
inline constexpr std::size_t chunk_payload_len =
    wire::wire_offset<wire::ChunkHeader>(BOOST_HANA_STRING("chunk_payload_len"));
} // namespace chunk_at

// An INCREMENT payload (request or response: the same 8 bytes).
inline Packet increment_payload(std::uint64_t value) {
    Packet payload(codecs::Increment::payload_size);
    (void)codecs::Increment::encode_response(value, payload);
    return payload;
}

// A batch payload of INCREMENT items (directory, items, padding).
inline Packet increment_batch(std::initializer_list<std::uint64_t> values) {
    Packet room(64 + values.size() * 16);
    auto batch = wire::BatchBuilder::sized(room, static_cast<std::uint32_t>(values.size()));
    for (const std::uint64_t value : values) {
        (void)batch.add(increment_payload(value));
    }
    room.resize(batch.finish().value());
    return room;
}

// Where the fields of batch directory entry `index` lie in a batch payload.
inline std::size_t directory_offset_at(std::size_t index) {
    return index * wire::directory_entry_size;
}
inline std::size_t directory_length_at(std::size_t index) {
    return index * wire::directory_entry_size + sizeof(std::uint32_t);
}

inline wire::MessageHeader increment_response(
    std::uint64_t message_id, std::size_t payload_len,
    wire::TransportStatus status = wire::TransportStatus::ok) {
    return wire::make_response_header(wire::MethodCode::increment, message_id,
                                      static_cast<std::uint32_t>(payload_len), status);
}
inline wire::MessageHeader increment_request(std::uint64_t message_id, std::size_t payload_len) {
    return wire::make_request_header(wire::MethodCode::increment, message_id,
                                     static_cast<std::uint32_t>(payload_len));
}
inline wire::MessageHeader as_batch(wire::MessageHeader header, std::uint32_t items) {
    header.flags = wire::flags::batch;
    header.item_count = items;
    return header;
}

// A single INCREMENT response answering `message_id` with `value`.
inline Packet increment_response_packet(std::uint64_t message_id, std::uint64_t value) {
    const Packet payload = increment_payload(value);
    return message_packet(increment_response(message_id, payload.size()), payload);
}
// A single INCREMENT request.
inline Packet increment_request_packet(std::uint64_t message_id, std::uint64_t value) {
    const Packet payload = increment_payload(value);
    return message_packet(increment_request(message_id, payload.size()), payload);
}

// The HELLO a client with `config` sends over packets of `packet_size`.
inline Packet hello_packet(const ClientHandshakeConfig& config, std::uint32_t packet_size) {
    const auto packet = framing::encode_hello_packet(framing::make_hello(config, packet_size));
    return {packet.begin(), packet.end()};
}

// The HELLO_ACK a compliant server with `server` would answer to a client
// with `client` (whatever packet size that client proposes above
// `packet_size`): the agreed packet size is `packet_size`.
inline Packet hello_ack_packet(const ClientHandshakeConfig& client,
                               const ServerHandshakeConfig& server, std::uint32_t packet_size,
                               std::uint64_t session_id) {
    const wire::Hello hello = framing::make_hello(client, wire::max_message_payload);
    const auto decision = framing::decide(hello, server, packet_size, session_id);
    const auto packet = framing::encode_hello_ack_packet(decision);
    return {packet.begin(), packet.end()};
}

} // namespace netipc::testing::hostile
