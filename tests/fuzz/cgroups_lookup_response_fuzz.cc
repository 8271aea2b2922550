// Fuzz target: the CGROUPS_LOOKUP response decoder, the owned copy, the
// encoder and the builder's budget rule. The model (lookup_model.h) decides
// the frame and the strings; the item header rules are modelled here, in
// the decoder's order: size, layout_version, reserved fields, status, path
// present, nothing but the path on an item that is not KNOWN.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "codecs/cgroups_lookup.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/lookup_checks.h"
#include "tests/fuzz/lookup_model.h"

namespace {

using netipc::Errc;
using netipc::codecs::CgroupsLookup;
using netipc::codecs::CgroupsLookupItem;
using netipc::codecs::CgroupsLookupItemView;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;
namespace model = netipc::fuzz::lookup;

constexpr std::size_t item_header = 28;

std::optional<Errc> item_error(wire::Bytes item) {
    if (item.size() < item_header) {
        return Errc::truncated;
    }
    if (fuzz::read_at<std::uint16_t>(item, 0) != 1) {
        return Errc::bad_layout;
    }
    if (!fuzz::all_zero(item, 6, 2) || !fuzz::all_zero(item, 26, 2)) {
        return Errc::reserved_not_zero;
    }
    const auto status = fuzz::read_at<std::uint16_t>(item, 2);
    if (status > 4) {
        return Errc::bad_status;
    }
    const auto path_length = fuzz::read_at<std::uint32_t>(item, 12);
    const auto name_length = fuzz::read_at<std::uint32_t>(item, 20);
    const auto label_count = fuzz::read_at<std::uint16_t>(item, 24);
    if (path_length == 0) {
        return Errc::bad_field;
    }
    if (status != 0
        && (fuzz::read_at<std::uint16_t>(item, 4) != 0 || name_length != 0 || label_count != 0)) {
        return Errc::bad_field;
    }
    return model::strings_and_labels(item, item_header,
                                     {{fuzz::read_at<std::uint32_t>(item, 8), path_length},
                                      {fuzz::read_at<std::uint32_t>(item, 16), name_length}},
                                     label_count);
}

void check_item(const CgroupsLookupItemView& item, wire::Bytes raw, wire::Bytes in) {
    fuzz::touch(item.path);
    fuzz::touch(item.name);
    NETIPC_FUZZ_CHECK(model::inside(item.path, in));
    NETIPC_FUZZ_CHECK(model::inside(item.name, in));
    NETIPC_FUZZ_CHECK(static_cast<std::uint16_t>(item.status)
                      == fuzz::read_at<std::uint16_t>(raw, 2));
    NETIPC_FUZZ_CHECK(static_cast<std::uint16_t>(item.orchestrator)
                      == fuzz::read_at<std::uint16_t>(raw, 4));
    NETIPC_FUZZ_CHECK(item.labels.size() == fuzz::read_at<std::uint16_t>(raw, 24));
    for (const auto label : item.labels) {
        fuzz::touch(label.key);
        fuzz::touch(label.value);
        NETIPC_FUZZ_CHECK(!label.key.empty());
        NETIPC_FUZZ_CHECK(model::inside(label.key, in));
        NETIPC_FUZZ_CHECK(model::inside(label.value, in));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    const model::FrameModel frame = model::frame(in, model::Frame::response);
    std::optional<Errc> expected = frame.error;
    for (std::size_t i = 0; !expected && i < frame.items.size(); ++i) {
        expected = item_error(frame.items[i]);
    }
    const auto response = CgroupsLookup::decode_response(in);
    fuzz::check_verdict(response, expected);
    if (!response) {
        return 0;
    }
    NETIPC_FUZZ_CHECK(response->generation() == fuzz::read_at<std::uint64_t>(in, 8));
    NETIPC_FUZZ_CHECK(response->size() == frame.items.size());
    std::uint32_t index = 0;
    for (const CgroupsLookupItemView item : *response) {
        check_item(item, frame.items[index], in);
        NETIPC_FUZZ_CHECK(response->raw_item(index).data() == frame.items[index].data());
        ++index;
    }
    model::check_response_round_trip<CgroupsLookup>(
        *response, [](const CgroupsLookupItem& item) { return std::string_view(item.path); });
    return 0;
}
