// Fuzz target: the CGROUPS_LOOKUP request decoder, its owned copy and the
// encoder. The model (lookup_model.h) decides the frame; each key must then
// be at least a path byte and a NUL, end with NUL and hold no other NUL.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "codecs/cgroups_lookup.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/lookup_checks.h"
#include "tests/fuzz/lookup_model.h"

namespace {

using netipc::Errc;
using netipc::codecs::CgroupsLookup;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;
namespace model = netipc::fuzz::lookup;

std::optional<Errc> key_error(wire::Bytes key) {
    if (key.size() < 2) {
        return Errc::bad_field;
    }
    if (key.back() != std::byte{0}) {
        return Errc::missing_nul;
    }
    for (std::size_t i = 0; i + 1 < key.size(); ++i) {
        if (key[i] == std::byte{0}) {
            return Errc::bad_field;
        }
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
    const auto request = CgroupsLookup::decode_request(in);
    fuzz::check_verdict(request, expected);
    if (!request) {
        return 0;
    }
    std::vector<std::string_view> paths;
    std::uint32_t index = 0;
    for (const std::string_view path : *request) {
        fuzz::touch(path);
        NETIPC_FUZZ_CHECK(model::inside(path, in));
        NETIPC_FUZZ_CHECK(path.size() + 1 == frame.items[index].size());
        NETIPC_FUZZ_CHECK(static_cast<const void*>(path.data()) == frame.items[index].data());
        paths.push_back(path);
        ++index;
    }
    model::check_request_round_trip<CgroupsLookup>(*request, CgroupsLookup::to_owned(*request),
                                                   std::span<const std::string_view>(paths));
    return 0;
}
