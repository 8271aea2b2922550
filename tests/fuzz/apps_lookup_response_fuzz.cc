// Fuzz target: the APPS_LOOKUP response decoder, the owned copy, the
// encoder and the builder's budget rule. The model (lookup_model.h) decides
// the frame and the strings; the item header rules are modelled here, in
// the decoder's order: size, layout_version, reserved fields, statuses,
// then the rules by status.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "codecs/apps_lookup.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/lookup_checks.h"
#include "tests/fuzz/lookup_model.h"

namespace {

using netipc::Errc;
using netipc::codecs::AppsLookup;
using netipc::codecs::AppsLookupItem;
using netipc::codecs::AppsLookupItemView;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;
namespace model = netipc::fuzz::lookup;

constexpr std::size_t item_header = 60;

// The rules by pid status and cgroup status; true when they hold.
bool status_rules_hold(wire::Bytes item) {
    const auto status = fuzz::read_at<std::uint16_t>(item, 2);
    const auto orchestrator = fuzz::read_at<std::uint16_t>(item, 4);
    const auto cgroup_status = fuzz::read_at<std::uint16_t>(item, 6);
    const auto comm = fuzz::read_at<std::uint32_t>(item, 36);
    const auto path = fuzz::read_at<std::uint32_t>(item, 44);
    const auto name = fuzz::read_at<std::uint32_t>(item, 52);
    const auto labels = fuzz::read_at<std::uint16_t>(item, 56);
    if (comm > 15) {
        return false;
    }
    if (status != 0) {
        return orchestrator == 0 && cgroup_status == 0
               && fuzz::read_at<std::uint32_t>(item, 12) == 0
               && fuzz::read_at<std::uint32_t>(item, 16) == 0xFFFFFFFFU
               && fuzz::read_at<std::uint64_t>(item, 24) == 0 && comm == 0 && path == 0 && name == 0
               && labels == 0;
    }
    if (comm == 0) {
        return false;
    }
    const bool bare = orchestrator == 0 && name == 0 && labels == 0;
    switch (cgroup_status) {
        case 0:
            return path != 0;
        case 1:
            return bare;
        case 2:
            return bare && path != 0;
        default:
            return bare && path == 0;
    }
}

std::optional<Errc> item_error(wire::Bytes item) {
    if (item.size() < item_header) {
        return Errc::truncated;
    }
    if (fuzz::read_at<std::uint16_t>(item, 0) != 1) {
        return Errc::bad_layout;
    }
    if (!fuzz::all_zero(item, 20, 4) || !fuzz::all_zero(item, 58, 2)) {
        return Errc::reserved_not_zero;
    }
    if (fuzz::read_at<std::uint16_t>(item, 2) > 3 || fuzz::read_at<std::uint16_t>(item, 6) > 3) {
        return Errc::bad_status;
    }
    if (!status_rules_hold(item)) {
        return Errc::bad_field;
    }
    return model::strings_and_labels(
        item, item_header,
        {{fuzz::read_at<std::uint32_t>(item, 32), fuzz::read_at<std::uint32_t>(item, 36)},
         {fuzz::read_at<std::uint32_t>(item, 40), fuzz::read_at<std::uint32_t>(item, 44)},
         {fuzz::read_at<std::uint32_t>(item, 48), fuzz::read_at<std::uint32_t>(item, 52)}},
        fuzz::read_at<std::uint16_t>(item, 56));
}

void check_item(const AppsLookupItemView& item, wire::Bytes raw, wire::Bytes in) {
    for (const std::string_view text : {item.comm, item.cgroup_path, item.cgroup_name}) {
        fuzz::touch(text);
        NETIPC_FUZZ_CHECK(model::inside(text, in));
    }
    NETIPC_FUZZ_CHECK(item.pid == fuzz::read_at<std::uint32_t>(raw, 8));
    NETIPC_FUZZ_CHECK(item.ppid == fuzz::read_at<std::uint32_t>(raw, 12));
    NETIPC_FUZZ_CHECK(item.uid == fuzz::read_at<std::uint32_t>(raw, 16));
    NETIPC_FUZZ_CHECK(item.starttime == fuzz::read_at<std::uint64_t>(raw, 24));
    NETIPC_FUZZ_CHECK(item.labels.size() == fuzz::read_at<std::uint16_t>(raw, 56));
    for (const auto label : item.labels) {
        fuzz::touch(label.key);
        fuzz::touch(label.value);
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
    const auto response = AppsLookup::decode_response(in);
    fuzz::check_verdict(response, expected);
    if (!response) {
        return 0;
    }
    NETIPC_FUZZ_CHECK(response->generation() == fuzz::read_at<std::uint64_t>(in, 8));
    std::uint32_t index = 0;
    for (const AppsLookupItemView item : *response) {
        check_item(item, frame.items[index], in);
        ++index;
    }
    NETIPC_FUZZ_CHECK(index == frame.items.size());
    model::check_response_round_trip<AppsLookup>(
        *response, [](const AppsLookupItem& item) { return item.pid; });
    return 0;
}
