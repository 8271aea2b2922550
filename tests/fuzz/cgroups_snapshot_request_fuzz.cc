// Fuzz target: the 4-byte CGROUPS_SNAPSHOT request.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "codecs/cgroups_snapshot.h"
#include "netipc/wire/constants.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using netipc::Errc;
using netipc::codecs::CgroupsSnapshot;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;

std::optional<Errc> expected_error(wire::Bytes in) {
    if (in.size() < netipc::codecs::cgroups_request_size) {
        return Errc::truncated;
    }
    if (fuzz::read_at<std::uint16_t>(in, 0) != wire::payload_layout_version) {
        return Errc::bad_layout;
    }
    if (!fuzz::all_zero(in, 2, 2)) {
        return Errc::reserved_not_zero;
    }
    return std::nullopt;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    const auto request = CgroupsSnapshot::decode_request(in);
    fuzz::check_verdict(request, expected_error(in));
    if (!request) {
        return 0;
    }
    NETIPC_FUZZ_CHECK(CgroupsSnapshot::to_owned(*request).layout_version
                      == wire::payload_layout_version);

    // The request has exactly one valid encoding, so re-encoding gives back
    // the 4 bytes that were accepted.
    std::byte encoded[netipc::codecs::cgroups_request_size];
    const auto written =
        CgroupsSnapshot::encode_request({}, wire::MutableBytes(encoded, sizeof(encoded)));
    NETIPC_FUZZ_CHECK(written && *written == sizeof(encoded));
    NETIPC_FUZZ_CHECK(std::memcmp(encoded, in.data(), sizeof(encoded)) == 0);
    return 0;
}
