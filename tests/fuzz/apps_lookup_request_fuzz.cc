// Fuzz target: the APPS_LOOKUP request decoder, its owned copy and the
// encoder. The model (lookup_model.h) decides the frame; each key must then
// be exactly 8 bytes with a zero reserved half.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "codecs/apps_lookup.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/lookup_checks.h"
#include "tests/fuzz/lookup_model.h"

namespace {

using netipc::Errc;
using netipc::codecs::AppsLookup;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;
namespace model = netipc::fuzz::lookup;

std::optional<Errc> key_error(wire::Bytes key) {
    if (key.size() != 8) {
        return Errc::bad_field;
    }
    if (!fuzz::all_zero(key, 4, 4)) {
        return Errc::reserved_not_zero;
    }
    return std::nullopt;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    const model::FrameModel frame = model::frame(in, model::Frame::request);
    std::optional<Errc> expected = frame.error;
    for (std::size_t i = 0; !expected && i < frame.items.size(); ++i) {
        expected = key_error(frame.items[i]);
    }
    const auto request = AppsLookup::decode_request(in);
    fuzz::check_verdict(request, expected);
    if (!request) {
        return 0;
    }
    std::vector<std::uint32_t> pids;
    std::uint32_t index = 0;
    for (const std::uint32_t pid : *request) {
        NETIPC_FUZZ_CHECK(pid == fuzz::read_at<std::uint32_t>(frame.items[index], 0));
        pids.push_back(pid);
        ++index;
    }
    model::check_request_round_trip<AppsLookup>(*request, AppsLookup::to_owned(*request),
                                                std::span<const std::uint32_t>(pids));
    return 0;
}
