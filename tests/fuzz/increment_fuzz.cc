// Fuzz target: the INCREMENT codec (request and response share { u64 }).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "codecs/increment.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using netipc::Errc;
using netipc::codecs::Increment;
using netipc::codecs::IncrementBuilder;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;

// Any payload of at least 8 bytes is accepted, trailing bytes ignored, as
// the reference peers do.
std::optional<Errc> expected_error(wire::Bytes in) {
    if (in.size() < Increment::payload_size) {
        return Errc::truncated;
    }
    return std::nullopt;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    const auto request = Increment::decode_request(in);
    const auto response = Increment::decode_response(in);
    fuzz::check_verdict(request, expected_error(in));
    fuzz::check_verdict(response, expected_error(in));
    if (!request) {
        return 0;
    }
    const std::uint64_t value = Increment::to_owned(*request);
    NETIPC_FUZZ_CHECK(value == fuzz::read_at<std::uint64_t>(in, 0));
    NETIPC_FUZZ_CHECK(Increment::to_owned(*response) == value);

    std::byte encoded[Increment::payload_size];
    const wire::MutableBytes out(encoded, sizeof(encoded));
    const auto written = Increment::encode_request(value, out);
    NETIPC_FUZZ_CHECK(written && *written == Increment::request_size(value));
    NETIPC_FUZZ_CHECK(std::memcmp(encoded, in.data(), sizeof(encoded)) == 0);

    std::memset(encoded, 0, sizeof(encoded));
    IncrementBuilder builder(out);
    builder.set(value);
    const auto built = builder.finish();
    NETIPC_FUZZ_CHECK(built && *built == sizeof(encoded));
    NETIPC_FUZZ_CHECK(std::memcmp(encoded, in.data(), sizeof(encoded)) == 0);
    return 0;
}
