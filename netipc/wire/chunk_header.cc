#include "netipc/wire/chunk_header.h"

namespace netipc::wire {

Result<ChunkHeader> decode_chunk_header(Bytes in) noexcept {
    auto chunk = decode<ChunkHeader>(in);
    if (!chunk) {
        return chunk;
    }
    if (chunk->chunk_count == 0) {
        return fail(Errc::bad_chunk, "chunk_count is zero");
    }
    if (chunk->chunk_index >= chunk->chunk_count) {
        return fail(Errc::bad_chunk, "chunk_index is not below chunk_count");
    }
    if (chunk->chunk_payload_len == 0) {
        return fail(Errc::bad_chunk, "chunk_payload_len is zero");
    }
    if (chunk->total_message_len == 0) {
        return fail(Errc::bad_chunk, "total_message_len is zero");
    }
    return chunk;
}

Result<void> check_continuation(const ChunkHeader& chunk,
                                const ChunkExpectation& expected) noexcept {
    if (chunk.message_id != expected.message_id) {
        return fail(Errc::bad_chunk, "continuation message_id differs from the message");
    }
    if (chunk.total_message_len != expected.total_message_len) {
        return fail(Errc::bad_chunk, "continuation total_message_len differs from the message");
    }
    if (chunk.chunk_count != expected.chunk_count) {
        return fail(Errc::bad_chunk, "continuation chunk_count differs from the first chunk");
    }
    if (chunk.chunk_index != expected.next_chunk_index) {
        return fail(Errc::bad_chunk, "continuation arrived out of order");
    }
    if (chunk.chunk_payload_len > expected.remaining_payload) {
        return fail(Errc::bad_chunk, "continuation carries more bytes than the message has left");
    }
    const bool last = chunk.chunk_index + 1 == chunk.chunk_count;
    if (last && chunk.chunk_payload_len != expected.remaining_payload) {
        return fail(Errc::bad_chunk, "last continuation does not complete the message");
    }
    return {};
}

Result<std::uint32_t> chunk_count_for(std::uint32_t payload_len,
                                      std::uint32_t packet_size) noexcept {
    if (packet_size <= message_header_size) {
        return fail(Errc::invalid_argument, "packet size must exceed the 32-byte header");
    }
    if (payload_len > max_message_payload) {
        return fail(Errc::invalid_argument, "payload too large for a u32 message length");
    }
    const std::uint64_t budget = packet_size - message_header_size;
    if (payload_len <= budget) {
        return 1U;
    }
    return static_cast<std::uint32_t>((payload_len + budget - 1) / budget);
}

ChunkHeader make_chunk_header(const MessageHeader& message, std::uint32_t index,
                              std::uint32_t count, std::uint32_t chunk_payload_len) noexcept {
    ChunkHeader chunk{};
    chunk.message_id = message.message_id;
    chunk.total_message_len = static_cast<std::uint32_t>(message_header_size) + message.payload_len;
    chunk.chunk_index = index;
    chunk.chunk_count = count;
    chunk.chunk_payload_len = chunk_payload_len;
    return chunk;
}

} // namespace netipc::wire
