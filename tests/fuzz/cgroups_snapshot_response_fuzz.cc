// Fuzz target: the CGROUPS_SNAPSHOT response decoder, the owned copy and
// the encoder.
//
// The reference model below applies the rejection rules of the snapshot
// specification in the decoder's documented order: snapshot header, item
// directory (every entry), then every item (header, name, path, overlap).
// Every accepted snapshot is read completely, copied, re-encoded, decoded
// again and compared, and the re-encoding must be a fixed point.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "codecs/cgroups_snapshot.h"
#include "netipc/wire/constants.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using netipc::Errc;
using netipc::codecs::CgroupsItemView;
using netipc::codecs::CgroupsSnapshot;
using netipc::codecs::CgroupsSnapshotData;
using netipc::codecs::CgroupsSnapshotView;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;

constexpr std::size_t snapshot_header_size = 24;
constexpr std::size_t item_header_size = 32;
constexpr std::size_t entry_size = 8;

// A string field [offset, offset + length] (NUL included) inside an item.
std::optional<Errc> string_error(wire::Bytes item, std::uint32_t offset, std::uint32_t length) {
    if (offset < item_header_size || std::uint64_t{offset} + length + 1 > item.size()) {
        return Errc::out_of_bounds;
    }
    if (item[std::size_t{offset} + length] != std::byte{0}) {
        return Errc::missing_nul;
    }
    return std::nullopt;
}

std::optional<Errc> item_error(wire::Bytes item) {
    if (item.size() < item_header_size) {
        return Errc::truncated;
    }
    if (fuzz::read_at<std::uint16_t>(item, 0) != wire::payload_layout_version) {
        return Errc::bad_layout;
    }
    if (!fuzz::all_zero(item, 2, 2)) {
        return Errc::reserved_not_zero;
    }
    const auto name_offset = fuzz::read_at<std::uint32_t>(item, 16);
    const auto name_length = fuzz::read_at<std::uint32_t>(item, 20);
    const auto path_offset = fuzz::read_at<std::uint32_t>(item, 24);
    const auto path_length = fuzz::read_at<std::uint32_t>(item, 28);
    if (auto error = string_error(item, name_offset, name_length)) {
        return error;
    }
    if (auto error = string_error(item, path_offset, path_length)) {
        return error;
    }
    const std::uint64_t name_end = std::uint64_t{name_offset} + name_length + 1;
    const std::uint64_t path_end = std::uint64_t{path_offset} + path_length + 1;
    if (name_offset < path_end && path_offset < name_end) {
        return Errc::overlapping_fields;
    }
    return std::nullopt;
}

wire::Bytes packed_area(wire::Bytes in, std::uint32_t item_count) {
    return in.subspan(snapshot_header_size + std::size_t{item_count} * entry_size);
}

wire::Bytes model_item(wire::Bytes in, std::uint32_t item_count, std::uint32_t index) {
    const std::size_t entry = snapshot_header_size + std::size_t{index} * entry_size;
    return packed_area(in, item_count)
        .subspan(fuzz::read_at<std::uint32_t>(in, entry),
                 fuzz::read_at<std::uint32_t>(in, entry + 4));
}

std::optional<Errc> expected_error(wire::Bytes in) {
    if (in.size() < snapshot_header_size) {
        return Errc::truncated;
    }
    if (fuzz::read_at<std::uint16_t>(in, 0) != wire::payload_layout_version) {
        return Errc::bad_layout;
    }
    if (!fuzz::all_zero(in, 2, 2) || !fuzz::all_zero(in, 12, 4)) {
        return Errc::reserved_not_zero;
    }
    const auto item_count = fuzz::read_at<std::uint32_t>(in, 4);
    if (std::uint64_t{item_count} * entry_size > in.size() - snapshot_header_size) {
        return Errc::bad_item_count;
    }
    const std::uint64_t packed_len = packed_area(in, item_count).size();
    for (std::uint32_t i = 0; i < item_count; ++i) {
        const std::size_t entry = snapshot_header_size + std::size_t{i} * entry_size;
        const auto offset = fuzz::read_at<std::uint32_t>(in, entry);
        const auto length = fuzz::read_at<std::uint32_t>(in, entry + 4);
        if (offset % 8 != 0) {
            return Errc::bad_alignment;
        }
        if (std::uint64_t{offset} + length > packed_len) {
            return Errc::out_of_bounds;
        }
    }
    for (std::uint32_t i = 0; i < item_count; ++i) {
        if (auto error = item_error(model_item(in, item_count, i))) {
            return error;
        }
    }
    return std::nullopt;
}

bool inside(std::string_view text, wire::Bytes in) {
    const auto* begin = reinterpret_cast<const std::byte*>(text.data());
    // text.size() + 1: the NUL belongs to the field too.
    return begin >= in.data() && begin + text.size() + 1 <= in.data() + in.size();
}

void check_item(const CgroupsItemView& item, wire::Bytes raw, wire::Bytes in) {
    fuzz::touch(item.name);
    fuzz::touch(item.path);
    NETIPC_FUZZ_CHECK(inside(item.name, in));
    NETIPC_FUZZ_CHECK(inside(item.path, in));
    // Both are C strings: the byte after each view is its NUL.
    NETIPC_FUZZ_CHECK(item.name.data()[item.name.size()] == '\0');
    NETIPC_FUZZ_CHECK(item.path.data()[item.path.size()] == '\0');

    NETIPC_FUZZ_CHECK(item.hash == fuzz::read_at<std::uint32_t>(raw, 4));
    NETIPC_FUZZ_CHECK(item.options == fuzz::read_at<std::uint32_t>(raw, 8));
    NETIPC_FUZZ_CHECK(item.enabled == fuzz::read_at<std::uint32_t>(raw, 12));
    NETIPC_FUZZ_CHECK(reinterpret_cast<const std::byte*>(item.name.data())
                      == raw.data() + fuzz::read_at<std::uint32_t>(raw, 16));
    NETIPC_FUZZ_CHECK(item.name.size() == fuzz::read_at<std::uint32_t>(raw, 20));
    NETIPC_FUZZ_CHECK(reinterpret_cast<const std::byte*>(item.path.data())
                      == raw.data() + fuzz::read_at<std::uint32_t>(raw, 24));
    NETIPC_FUZZ_CHECK(item.path.size() == fuzz::read_at<std::uint32_t>(raw, 28));
}

// Encodes `snapshot` into a buffer of exactly encoded_size() bytes.
std::vector<std::byte> encode_exact(const CgroupsSnapshotData& snapshot) {
    std::vector<std::byte> encoded(CgroupsSnapshot::encoded_size(snapshot));
    const auto written = CgroupsSnapshot::encode_response(snapshot, encoded);
    NETIPC_FUZZ_CHECK(written.has_value());
    NETIPC_FUZZ_CHECK(*written == encoded.size());
    return encoded;
}

// The builder's directory reservation is only a hint: whatever it is, a
// buffer of exactly encoded_size() bytes holds the snapshot, and the bytes
// are the same.
void check_builder(const CgroupsSnapshotData& owned, const std::vector<std::byte>& expected,
                   std::uint32_t reserved_items) {
    std::vector<std::byte> buffer(expected.size());
    netipc::codecs::CgroupsSnapshotBuilder builder(buffer, reserved_items);
    builder.set_systemd_enabled(owned.systemd_enabled);
    builder.set_generation(owned.generation);
    for (const auto& item : owned.items) {
        const auto added = builder.add(item);
        NETIPC_FUZZ_CHECK(added.has_value());
    }
    const auto length = builder.finish();
    NETIPC_FUZZ_CHECK(length && *length == expected.size());
    NETIPC_FUZZ_CHECK(buffer == expected);
}

void check_round_trip(const CgroupsSnapshotData& owned) {
    const std::vector<std::byte> encoded = encode_exact(owned);
    check_builder(owned, encoded, 0);
    check_builder(owned, encoded, 8); // the default
    check_builder(owned, encoded, 1000);
    const auto decoded = CgroupsSnapshot::decode_response(encoded);
    NETIPC_FUZZ_CHECK(decoded.has_value());
    const CgroupsSnapshotData again = CgroupsSnapshot::to_owned(*decoded);
    NETIPC_FUZZ_CHECK(again == owned);
    // The encoder's output is canonical: encoding it again changes nothing.
    NETIPC_FUZZ_CHECK(encode_exact(again) == encoded);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    const auto snapshot = CgroupsSnapshot::decode_response(in);
    fuzz::check_verdict(snapshot, expected_error(in));
    if (!snapshot) {
        return 0;
    }
    const std::uint32_t item_count = fuzz::read_at<std::uint32_t>(in, 4);
    NETIPC_FUZZ_CHECK(snapshot->size() == item_count);
    NETIPC_FUZZ_CHECK(snapshot->empty() == (item_count == 0));
    NETIPC_FUZZ_CHECK(snapshot->systemd_enabled() == fuzz::read_at<std::uint32_t>(in, 8));
    NETIPC_FUZZ_CHECK(snapshot->generation() == fuzz::read_at<std::uint64_t>(in, 16));

    std::uint32_t index = 0;
    for (const CgroupsItemView item : *snapshot) {
        NETIPC_FUZZ_CHECK(index < item_count);
        check_item(item, model_item(in, item_count, index), in);
        const CgroupsItemView by_index = (*snapshot)[index];
        NETIPC_FUZZ_CHECK(by_index.name.data() == item.name.data());
        NETIPC_FUZZ_CHECK(by_index.path.data() == item.path.data());
        ++index;
    }
    NETIPC_FUZZ_CHECK(index == item_count);

    const CgroupsSnapshotData owned = CgroupsSnapshot::to_owned(*snapshot);
    NETIPC_FUZZ_CHECK(owned.items.size() == item_count);
    for (std::uint32_t i = 0; i < item_count; ++i) {
        const CgroupsItemView item = (*snapshot)[i];
        NETIPC_FUZZ_CHECK(owned.items[i].name == item.name);
        NETIPC_FUZZ_CHECK(owned.items[i].path == item.path);
        NETIPC_FUZZ_CHECK(owned.items[i].hash == item.hash);
    }
    check_round_trip(owned);
    return 0;
}
