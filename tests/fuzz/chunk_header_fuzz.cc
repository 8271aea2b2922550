// Fuzz target: the 32-byte chunk continuation header and the reassembly
// check a receiver applies to every continuation.
//
// Input: [32-byte chunk header][optional 24 bytes of expectation deltas].
// The reassembly expectation is derived from the header's own fields, each
// XORed with the matching delta (u64 message_id, u32 total_message_len,
// u32 chunk_count, u32 next_chunk_index, u32 remaining_payload; missing
// bytes count as zero). So a bare header, like the reference vectors,
// checks against a consistent expectation, and any deviation the fuzzer
// picks is a single field away. chunk_count_for() is checked on the side
// with the header's numbers as arbitrary inputs.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "netipc/wire/chunk_header.h"
#include "netipc/wire/constants.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using netipc::Errc;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;

std::optional<Errc> expected_error(wire::Bytes in) {
    if (in.size() < wire::chunk_header_size) {
        return Errc::truncated;
    }
    if (fuzz::read_at<std::uint32_t>(in, 0) != wire::chunk_magic) {
        return Errc::bad_magic;
    }
    if (fuzz::read_at<std::uint16_t>(in, 4) != wire::envelope_version) {
        return Errc::bad_version;
    }
    if (!fuzz::all_zero(in, 6, 2)) {
        return Errc::reserved_not_zero;
    }
    const auto total_message_len = fuzz::read_at<std::uint32_t>(in, 16);
    const auto chunk_index = fuzz::read_at<std::uint32_t>(in, 20);
    const auto chunk_count = fuzz::read_at<std::uint32_t>(in, 24);
    const auto chunk_payload_len = fuzz::read_at<std::uint32_t>(in, 28);
    if (chunk_count == 0 || chunk_index >= chunk_count || chunk_payload_len == 0
        || total_message_len == 0) {
        return Errc::bad_chunk;
    }
    return std::nullopt;
}

// Bytes [32, 56) of the input, zero-filled past its end.
struct Deltas {
    std::uint64_t message_id = 0;
    std::uint32_t total_message_len = 0;
    std::uint32_t chunk_count = 0;
    std::uint32_t next_chunk_index = 0;
    std::uint32_t remaining_payload = 0;
};

Deltas read_deltas(wire::Bytes in) {
    std::byte raw[24] = {};
    if (in.size() > wire::chunk_header_size) {
        const std::size_t available = in.size() - wire::chunk_header_size;
        std::memcpy(raw, in.data() + wire::chunk_header_size,
                    available < sizeof(raw) ? available : sizeof(raw));
    }
    const wire::Bytes bytes(raw, sizeof(raw));
    return {fuzz::read_at<std::uint64_t>(bytes, 0), fuzz::read_at<std::uint32_t>(bytes, 8),
            fuzz::read_at<std::uint32_t>(bytes, 12), fuzz::read_at<std::uint32_t>(bytes, 16),
            fuzz::read_at<std::uint32_t>(bytes, 20)};
}

void check_continuation_rules(const wire::ChunkHeader& chunk, wire::Bytes in) {
    const Deltas deltas = read_deltas(in);
    wire::ChunkExpectation expected;
    expected.message_id = chunk.message_id ^ deltas.message_id;
    expected.total_message_len = chunk.total_message_len ^ deltas.total_message_len;
    expected.chunk_count = chunk.chunk_count ^ deltas.chunk_count;
    expected.next_chunk_index = chunk.chunk_index ^ deltas.next_chunk_index;
    expected.remaining_payload = chunk.chunk_payload_len ^ deltas.remaining_payload;

    // Decoding guaranteed chunk_index < chunk_count, so index + 1 cannot wrap.
    const bool last = chunk.chunk_index + 1 == chunk.chunk_count;
    const bool acceptable = chunk.message_id == expected.message_id
                            && chunk.total_message_len == expected.total_message_len
                            && chunk.chunk_count == expected.chunk_count
                            && chunk.chunk_index == expected.next_chunk_index
                            && chunk.chunk_payload_len <= expected.remaining_payload
                            && (!last || chunk.chunk_payload_len == expected.remaining_payload);
    const auto verdict = wire::check_continuation(chunk, expected);
    NETIPC_FUZZ_CHECK(verdict.has_value() == acceptable);
    if (!verdict) {
        NETIPC_FUZZ_CHECK(verdict.error().code == Errc::bad_chunk);
    }
}

// make_chunk_header() must rebuild exactly the header a sender of this
// message would have put on the wire.
void check_rebuilds(const wire::ChunkHeader& chunk, wire::Bytes in) {
    if (chunk.total_message_len < wire::message_header_size) {
        return; // no message header could describe it
    }
    const auto message = wire::make_request_header(
        wire::MethodCode::increment, chunk.message_id,
        chunk.total_message_len - static_cast<std::uint32_t>(wire::message_header_size));
    const auto rebuilt = wire::make_chunk_header(message, chunk.chunk_index, chunk.chunk_count,
                                                 chunk.chunk_payload_len);
    fuzz::check_reencodes(rebuilt, in);
}

// Every packet carries packet_size - 32 payload bytes (chunk 0 behind the
// message header, continuations behind their chunk header).
void check_chunk_count(std::uint32_t payload_len, std::uint32_t packet_size) {
    const auto count = wire::chunk_count_for(payload_len, packet_size);
    // Too small a packet, or a payload whose whole message length would not
    // fit a u32, cannot be chunked.
    if (packet_size <= wire::message_header_size || payload_len > wire::max_message_payload) {
        NETIPC_FUZZ_CHECK(!count.has_value());
        NETIPC_FUZZ_CHECK(count.error().code == Errc::invalid_argument);
        return;
    }
    NETIPC_FUZZ_CHECK(count.has_value());
    const std::uint64_t budget = packet_size - wire::message_header_size;
    const std::uint64_t needed = payload_len == 0 ? 1 : (payload_len + budget - 1) / budget;
    NETIPC_FUZZ_CHECK(*count == needed);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    const auto chunk = wire::decode_chunk_header(in);
    fuzz::check_verdict(chunk, expected_error(in));
    if (in.size() >= wire::chunk_header_size) {
        check_chunk_count(fuzz::read_at<std::uint32_t>(in, 16),
                          fuzz::read_at<std::uint32_t>(in, 28));
    }
    if (!chunk) {
        return 0;
    }
    fuzz::check_reencodes(*chunk, in);
    check_rebuilds(*chunk, in);
    check_continuation_rules(*chunk, in);
    return 0;
}
