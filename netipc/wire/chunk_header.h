// The 32-byte chunk continuation header. A message larger than the agreed
// packet size travels as chunk 0 (the ordinary message header plus the first
// payload bytes) followed by continuation packets that each start with this
// header.
#pragma once

#include <boost/hana/define_struct.hpp>

#include "netipc/wire/constants.h"
#include "netipc/wire/layout.h"
#include "netipc/wire/message_header.h"

namespace netipc::wire {

struct ChunkHeader {
    BOOST_HANA_DEFINE_STRUCT(ChunkHeader,
                             (Fixed<std::uint32_t, chunk_magic, Errc::bad_magic>, magic),
                             (Fixed<std::uint16_t, envelope_version, Errc::bad_version>, version),
                             (Reserved<2>, flags), (std::uint64_t, message_id),
                             (std::uint32_t,
                              total_message_len), // header + payload of the whole message
                             (std::uint32_t, chunk_index), (std::uint32_t, chunk_count),
                             (std::uint32_t, chunk_payload_len));
};

inline constexpr std::size_t chunk_header_size = 32;
static_assert(wire_size<ChunkHeader> == chunk_header_size);
static_assert(wire_offset<ChunkHeader>(BOOST_HANA_STRING("flags")) == 6);
static_assert(wire_offset<ChunkHeader>(BOOST_HANA_STRING("message_id")) == 8);
static_assert(wire_offset<ChunkHeader>(BOOST_HANA_STRING("total_message_len")) == 16);
static_assert(wire_offset<ChunkHeader>(BOOST_HANA_STRING("chunk_index")) == 20);
static_assert(wire_offset<ChunkHeader>(BOOST_HANA_STRING("chunk_count")) == 24);
static_assert(wire_offset<ChunkHeader>(BOOST_HANA_STRING("chunk_payload_len")) == 28);

// Decodes a continuation header and applies the rules that hold for any
// chunk on its own: magic, version, zero flags, chunk_count > 0,
// chunk_index < chunk_count, chunk_payload_len > 0, total_message_len > 0.
Result<ChunkHeader> decode_chunk_header(Bytes in) noexcept;

// What a receiver knows about the message being reassembled; every
// continuation must agree with it.
struct ChunkExpectation {
    std::uint64_t message_id = 0;
    std::uint32_t total_message_len = 0;
    std::uint32_t chunk_count = 0;
    std::uint32_t next_chunk_index = 1;
    std::uint32_t remaining_payload = 0; // payload bytes still to arrive
};

// Checks a decoded continuation against the in-progress reassembly:
// message_id, total length, chunk index (strictly in order), chunk count, and
// that the chunk carries no more than the bytes still missing, and exactly
// the rest when it is the last chunk.
Result<void> check_continuation(const ChunkHeader& chunk,
                                const ChunkExpectation& expected) noexcept;

// How a message of `payload_len` bytes splits over packets of
// `packet_size` bytes: chunk 0 carries the message header, every
// continuation its own 32-byte chunk header. Returns 1 when no chunking is
// needed. Fails with Errc::invalid_argument when packet_size <= 32.
Result<std::uint32_t> chunk_count_for(std::uint32_t payload_len,
                                      std::uint32_t packet_size) noexcept;

// Builds the continuation header for chunk `index` of a message.
ChunkHeader make_chunk_header(const MessageHeader& message, std::uint32_t index,
                              std::uint32_t count, std::uint32_t chunk_payload_len) noexcept;

} // namespace netipc::wire
