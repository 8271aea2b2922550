// The 32-byte chunk continuation header: construction, per-chunk validation
// (decode_chunk_header), reassembly validation (check_continuation) and the
// chunk-count arithmetic.
#include "netipc/wire/chunk_header.h"

#include <cstdint>

#include <catch2/catch.hpp>

#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using namespace netipc::wire;
using netipc::test::Buffer;

// A 1000-byte message (968 payload bytes) split into 4 chunks.
MessageHeader sample_message() {
    return make_request_header(MethodCode::string_reverse, 7, 968);
}

Buffer encoded(const ChunkHeader& chunk) {
    Buffer out(chunk_header_size);
    REQUIRE_OK(encode(chunk, out));
    return out;
}

Buffer valid_chunk() {
    return encoded(make_chunk_header(sample_message(), 1, 4, 224));
}

// The receiver's state right after chunk 0 delivered 200 payload bytes.
ChunkExpectation after_first_chunk() {
    ChunkExpectation expected;
    expected.message_id = 7;
    expected.total_message_len = 1000;
    expected.chunk_count = 4;
    expected.next_chunk_index = 1;
    expected.remaining_payload = 968 - 200;
    return expected;
}

} // namespace

TEST_CASE("make_chunk_header repeats the whole message length and identity", "[wire]") {
    const ChunkHeader chunk = make_chunk_header(sample_message(), 2, 4, 300);
    REQUIRE(chunk.message_id == 7);
    REQUIRE(chunk.total_message_len == 1000); // header included
    REQUIRE(chunk.chunk_index == 2);
    REQUIRE(chunk.chunk_count == 4);
    REQUIRE(chunk.chunk_payload_len == 300);
}

TEST_CASE("chunk header round trip", "[wire]") {
    const Buffer bytes = valid_chunk();
    REQUIRE(test::peek<std::uint32_t>(bytes, 0) == chunk_magic);
    REQUIRE(test::peek<std::uint16_t>(bytes, 4) == envelope_version);
    REQUIRE(test::peek<std::uint16_t>(bytes, 6) == 0);
    auto decoded = decode_chunk_header(bytes);
    REQUIRE_OK(decoded);
    REQUIRE(decoded->message_id == 7);
    REQUIRE(decoded->total_message_len == 1000);
    REQUIRE(decoded->chunk_index == 1);
    REQUIRE(decoded->chunk_count == 4);
    REQUIRE(decoded->chunk_payload_len == 224);
}

TEST_CASE("chunk header encode needs 32 bytes", "[wire]") {
    Buffer exact(chunk_header_size);
    REQUIRE_OK(encode(make_chunk_header(sample_message(), 1, 4, 224), exact));
    Buffer short_by_one(chunk_header_size - 1);
    REQUIRE_ERRC(encode(make_chunk_header(sample_message(), 1, 4, 224), short_by_one),
                 Errc::overflow);
}

TEST_CASE("chunk header rejects a truncated header", "[wire]") {
    REQUIRE_ERRC(decode_chunk_header(test::first_bytes(valid_chunk(), 31)), Errc::truncated);
}

TEST_CASE("chunk header rejects a bad magic", "[wire]") {
    Buffer bytes = valid_chunk();
    // A message header where a continuation is expected.
    test::patch<std::uint32_t>(bytes, 0, message_magic);
    REQUIRE_ERRC(decode_chunk_header(bytes), Errc::bad_magic);
}

TEST_CASE("chunk header rejects a bad version", "[wire]") {
    Buffer bytes = valid_chunk();
    test::patch<std::uint16_t>(bytes, 4, 2);
    REQUIRE_ERRC(decode_chunk_header(bytes), Errc::bad_version);
}

TEST_CASE("chunk header rejects non-zero flags", "[wire]") {
    Buffer bytes = valid_chunk();
    test::patch<std::uint16_t>(bytes, 6, 0x0100);
    REQUIRE_ERRC(decode_chunk_header(bytes), Errc::reserved_not_zero);
}

TEST_CASE("chunk header rejects chunk_count 0", "[wire]") {
    Buffer bytes = valid_chunk();
    test::patch<std::uint32_t>(bytes, 20, 0); // index 0 too, so only the count is wrong
    test::patch<std::uint32_t>(bytes, 24, 0);
    REQUIRE_ERRC(decode_chunk_header(bytes), Errc::bad_chunk);
}

TEST_CASE("chunk header rejects chunk_index >= chunk_count", "[wire]") {
    Buffer bytes = valid_chunk();
    test::patch<std::uint32_t>(bytes, 20, 4);
    REQUIRE_ERRC(decode_chunk_header(bytes), Errc::bad_chunk);
    test::patch<std::uint32_t>(bytes, 20, 5);
    REQUIRE_ERRC(decode_chunk_header(bytes), Errc::bad_chunk);
    test::patch<std::uint32_t>(bytes, 20, 3); // the last valid index
    REQUIRE_OK(decode_chunk_header(bytes));
}

TEST_CASE("chunk header rejects chunk_payload_len 0", "[wire]") {
    Buffer bytes = valid_chunk();
    test::patch<std::uint32_t>(bytes, 28, 0);
    REQUIRE_ERRC(decode_chunk_header(bytes), Errc::bad_chunk);
}

TEST_CASE("chunk header rejects total_message_len 0", "[wire]") {
    Buffer bytes = valid_chunk();
    test::patch<std::uint32_t>(bytes, 16, 0);
    REQUIRE_ERRC(decode_chunk_header(bytes), Errc::bad_chunk);
}

TEST_CASE("check_continuation accepts the expected next chunk", "[wire]") {
    const ChunkHeader chunk = make_chunk_header(sample_message(), 1, 4, 256);
    REQUIRE_OK(check_continuation(chunk, after_first_chunk()));
}

TEST_CASE("check_continuation rejects a different message_id", "[wire]") {
    ChunkHeader chunk = make_chunk_header(sample_message(), 1, 4, 256);
    chunk.message_id = 8;
    REQUIRE_ERRC(check_continuation(chunk, after_first_chunk()), Errc::bad_chunk);
}

TEST_CASE("check_continuation rejects a different total length", "[wire]") {
    ChunkHeader chunk = make_chunk_header(sample_message(), 1, 4, 256);
    chunk.total_message_len = 968; // payload only: the header must be included
    REQUIRE_ERRC(check_continuation(chunk, after_first_chunk()), Errc::bad_chunk);
}

TEST_CASE("check_continuation rejects a different chunk count", "[wire]") {
    const ChunkHeader chunk = make_chunk_header(sample_message(), 1, 5, 256);
    REQUIRE_ERRC(check_continuation(chunk, after_first_chunk()), Errc::bad_chunk);
}

TEST_CASE("check_continuation rejects an out-of-order index", "[wire]") {
    // Skipping ahead and repeating chunk 0 are both out of order.
    for (std::uint32_t index : {0U, 2U, 3U}) {
        INFO("index " << index);
        const ChunkHeader chunk = make_chunk_header(sample_message(), index, 4, 256);
        REQUIRE_ERRC(check_continuation(chunk, after_first_chunk()), Errc::bad_chunk);
    }
}

TEST_CASE("check_continuation rejects more bytes than remain", "[wire]") {
    const ChunkHeader chunk = make_chunk_header(sample_message(), 1, 4, 768 + 1);
    REQUIRE_ERRC(check_continuation(chunk, after_first_chunk()), Errc::bad_chunk);
}

TEST_CASE("check_continuation rejects a short last chunk", "[wire]") {
    ChunkExpectation expected = after_first_chunk();
    expected.next_chunk_index = 3;
    expected.remaining_payload = 100;
    REQUIRE_ERRC(check_continuation(make_chunk_header(sample_message(), 3, 4, 99), expected),
                 Errc::bad_chunk);
    // Exactly the rest completes the message.
    REQUIRE_OK(check_continuation(make_chunk_header(sample_message(), 3, 4, 100), expected));
}

TEST_CASE("chunk_count_for splits by the per-packet payload budget", "[wire]") {
    // 64-byte packets leave 32 payload bytes after either 32-byte header.
    auto count = chunk_count_for(159, 64);
    REQUIRE_OK(count);
    REQUIRE(*count == 5);
    REQUIRE(*chunk_count_for(0, 64) == 1);
    REQUIRE(*chunk_count_for(32, 64) == 1);
    REQUIRE(*chunk_count_for(33, 64) == 2);
    REQUIRE(*chunk_count_for(64, 64) == 2);
    REQUIRE(*chunk_count_for(65, 64) == 3);
    REQUIRE(*chunk_count_for(1, 33) == 1);
    // The largest describable payload: one byte per packet, or one packet.
    REQUIRE(*chunk_count_for(netipc::wire::max_message_payload, 33)
            == netipc::wire::max_message_payload);
    REQUIRE(*chunk_count_for(netipc::wire::max_message_payload, 0xFFFFFFFFU) == 1);
}

TEST_CASE("chunk_count_for rejects packets that cannot carry payload", "[wire]") {
    REQUIRE_ERRC(chunk_count_for(10, 32), Errc::invalid_argument);
    REQUIRE_ERRC(chunk_count_for(10, 1), Errc::invalid_argument);
    REQUIRE_ERRC(chunk_count_for(0, 0), Errc::invalid_argument);
}

TEST_CASE("chunk_count_for refuses a payload whose message length would wrap a u32", "[wire]") {
    auto count = netipc::wire::chunk_count_for(netipc::wire::max_message_payload + 1, 4096);
    REQUIRE_FALSE(count.has_value());
    CHECK(count.error().code == netipc::Errc::invalid_argument);
    CHECK(netipc::wire::chunk_count_for(netipc::wire::max_message_payload, 4096).has_value());
}
