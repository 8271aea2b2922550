// Fuzz target: the 32-byte outer message header and the negotiated-limit
// check a receiver applies to it.
//
// Input: [32-byte header][optional u32 max_payload_bytes, u32 max_batch_items].
// The optional limits let the fuzzer steer check_limits() to both outcomes;
// without them the defaults apply.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "netipc/wire/constants.h"
#include "netipc/wire/message_header.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using netipc::Errc;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;

// The envelope rules, in wire order (the first offending field decides).
std::optional<Errc> expected_error(wire::Bytes in) {
    if (in.size() < wire::message_header_size) {
        return Errc::truncated;
    }
    if (fuzz::read_at<std::uint32_t>(in, 0) != wire::message_magic) {
        return Errc::bad_magic;
    }
    if (fuzz::read_at<std::uint16_t>(in, 4) != wire::envelope_version) {
        return Errc::bad_version;
    }
    if (fuzz::read_at<std::uint16_t>(in, 6) != wire::message_header_size) {
        return Errc::bad_header_len;
    }
    const auto kind = fuzz::read_at<std::uint16_t>(in, 8);
    if (kind < 1 || kind > 3) { // REQUEST, RESPONSE, CONTROL
        return Errc::bad_kind;
    }
    return std::nullopt;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    const auto header = wire::decode_message_header(in);
    fuzz::check_verdict(header, expected_error(in));
    if (!header) {
        return 0;
    }
    fuzz::check_reencodes(*header, in);
    NETIPC_FUZZ_CHECK(header->is_batch()
                      == ((fuzz::read_at<std::uint16_t>(in, 10) & wire::flags::batch) != 0));

    wire::DirectionalLimits limits;
    if (in.size() >= wire::message_header_size + 8) {
        limits.max_payload_bytes = fuzz::read_at<std::uint32_t>(in, 32);
        limits.max_batch_items = fuzz::read_at<std::uint32_t>(in, 36);
    }
    const auto verdict = wire::check_limits(*header, limits);
    const bool within = header->payload_len <= limits.max_payload_bytes
                        && header->payload_len <= wire::max_message_payload
                        && header->item_count <= limits.max_batch_items;
    NETIPC_FUZZ_CHECK(verdict.has_value() == within);
    if (!verdict) {
        NETIPC_FUZZ_CHECK(verdict.error().code == Errc::limit_exceeded);
    }
    return 0;
}
