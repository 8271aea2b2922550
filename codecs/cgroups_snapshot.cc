#include "codecs/cgroups_snapshot.h"

#include <cstring>
#include <limits>

namespace netipc::codecs {

namespace {

constexpr std::uint64_t nul_size = 1;

// A string field [offset, offset + length] (NUL included) must start after
// the item header, end inside the item, and be followed by its NUL.
Result<std::string_view> string_field(wire::Bytes item, std::uint32_t offset, std::uint32_t length,
                                      const char* which_oob, const char* which_nul) noexcept {
    if (offset < cgroups_item_header_size
        || std::uint64_t{offset} + length + nul_size > item.size()) {
        return fail(Errc::out_of_bounds, which_oob);
    }
    if (item[offset + length] != std::byte{0}) {
        return fail(Errc::missing_nul, which_nul);
    }
    return std::string_view(reinterpret_cast<const char*>(item.data() + offset), length);
}

} // namespace

Result<CgroupsSnapshotRequestView> CgroupsSnapshot::decode_request(wire::Bytes in) noexcept {
    auto payload = wire::decode<CgroupsSnapshotRequestPayload>(in);
    if (!payload) {
        return std::unexpected(payload.error());
    }
    return CgroupsSnapshotRequestView{};
}

Result<CgroupsItemView> CgroupsSnapshot::decode_item(wire::Bytes item) noexcept {
    if (item.size() < cgroups_item_header_size) {
        return fail(Errc::truncated, "snapshot item shorter than its 32-byte header");
    }
    auto header = wire::decode<CgroupsItemHeader>(item);
    if (!header) {
        return std::unexpected(header.error());
    }
    auto name = string_field(item, header->name_offset, header->name_length,
                             "snapshot item name lies outside the item",
                             "snapshot item name lacks its NUL terminator");
    if (!name) {
        return std::unexpected(name.error());
    }
    auto path = string_field(item, header->path_offset, header->path_length,
                             "snapshot item path lies outside the item",
                             "snapshot item path lacks its NUL terminator");
    if (!path) {
        return std::unexpected(path.error());
    }
    // Regions include their NUL: [offset, offset + length + 1).
    const std::uint64_t name_end = std::uint64_t{header->name_offset} + header->name_length + 1;
    const std::uint64_t path_end = std::uint64_t{header->path_offset} + header->path_length + 1;
    if (header->name_offset < path_end && header->path_offset < name_end) {
        return fail(Errc::overlapping_fields, "snapshot item name and path overlap");
    }
    return CgroupsItemView{header->hash, header->options, header->enabled, *name, *path};
}

Result<CgroupsSnapshotView> CgroupsSnapshot::decode_response(wire::Bytes in) noexcept {
    auto header = wire::decode<CgroupsSnapshotHeader>(in);
    if (!header) {
        return std::unexpected(header.error());
    }
    auto items = wire::PackedDirectoryView::parse(in.subspan(cgroups_snapshot_header_size),
                                                  header->item_count);
    if (!items) {
        return std::unexpected(items.error());
    }
    for (std::uint32_t i = 0; i < items->size(); ++i) {
        if (auto item = decode_item(items->item(i)); !item) {
            return std::unexpected(item.error());
        }
    }
    CgroupsSnapshotView view;
    view.systemd_enabled_ = header->systemd_enabled;
    view.generation_ = header->generation;
    view.items_ = *items;
    return view;
}

CgroupsItemView CgroupsSnapshotView::operator[](std::uint32_t index) const noexcept {
    // Validated in decode_response(), so this cannot fail.
    return *CgroupsSnapshot::decode_item(items_.item(index));
}

CgroupsItem CgroupsSnapshot::to_owned(const CgroupsItemView& item) {
    return {item.hash, item.options, item.enabled, std::string(item.name), std::string(item.path)};
}

CgroupsSnapshotData CgroupsSnapshot::to_owned(const CgroupsSnapshotView& view) {
    CgroupsSnapshotData snapshot;
    snapshot.systemd_enabled = view.systemd_enabled();
    snapshot.generation = view.generation();
    snapshot.items.reserve(view.size());
    for (const CgroupsItemView item : view) {
        snapshot.items.push_back(to_owned(item));
    }
    return snapshot;
}

std::size_t CgroupsSnapshot::encoded_size(const CgroupsSnapshotData& snapshot) noexcept {
    std::size_t packed = 0;
    for (const CgroupsItem& item : snapshot.items) {
        packed = wire::align8(packed) + cgroups_item_header_size + item.name.size() + 1
                 + item.path.size() + 1;
    }
    return cgroups_snapshot_header_size + snapshot.items.size() * wire::directory_entry_size
           + packed;
}

Result<std::size_t> CgroupsSnapshot::encode_response(const CgroupsSnapshotData& snapshot,
                                                     wire::MutableBytes out) noexcept {
    const auto item_count = static_cast<std::uint32_t>(
        std::min<std::size_t>(snapshot.items.size(), std::numeric_limits<std::uint32_t>::max()));
    CgroupsSnapshotBuilder builder(out, item_count);
    builder.set_systemd_enabled(snapshot.systemd_enabled);
    builder.set_generation(snapshot.generation);
    for (const CgroupsItem& item : snapshot.items) {
        if (auto added = builder.add(item); !added) {
            return std::unexpected(added.error());
        }
    }
    return builder.finish();
}

Result<void> CgroupsSnapshotBuilder::add(const CgroupsItemView& item) noexcept {
    constexpr std::size_t u32_max = std::numeric_limits<std::uint32_t>::max();
    if (item.name.size() > u32_max || item.path.size() > u32_max) {
        return fail(Errc::invalid_argument, "snapshot string longer than a u32 length");
    }
    const std::size_t name_offset = cgroups_item_header_size;
    const std::size_t path_offset = name_offset + item.name.size() + 1;
    const std::size_t item_size = path_offset + item.path.size() + 1;
    auto slot = items_.append(item_size);
    if (!slot) {
        return std::unexpected(slot.error());
    }
    CgroupsItemHeader header{};
    header.hash = item.hash;
    header.options = item.options;
    header.enabled = item.enabled;
    header.name_offset = static_cast<std::uint32_t>(name_offset);
    header.name_length = static_cast<std::uint32_t>(item.name.size());
    header.path_offset = static_cast<std::uint32_t>(path_offset);
    header.path_length = static_cast<std::uint32_t>(item.path.size());
    std::byte* bytes = slot->data();
    wire::encode_unchecked(header, bytes);
    if (!item.name.empty()) {
        std::memcpy(bytes + name_offset, item.name.data(), item.name.size());
    }
    bytes[name_offset + item.name.size()] = std::byte{0};
    if (!item.path.empty()) {
        std::memcpy(bytes + path_offset, item.path.data(), item.path.size());
    }
    bytes[path_offset + item.path.size()] = std::byte{0};
    return {};
}

Result<std::size_t> CgroupsSnapshotBuilder::finish() noexcept {
    const wire::MutableBytes out = items_.buffer();
    if (out.size() < cgroups_snapshot_header_size) {
        return fail(Errc::overflow, "buffer too small for the snapshot header");
    }
    auto length = items_.finish(wire::TailPadding::none);
    if (!length) {
        return length;
    }
    CgroupsSnapshotHeader header{};
    header.item_count = items_.item_count();
    header.systemd_enabled = systemd_enabled_;
    header.generation = generation_;
    wire::encode_unchecked(header, out.data());
    return length;
}

} // namespace netipc::codecs
