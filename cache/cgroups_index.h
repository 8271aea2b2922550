// CgroupsIndex: an owned, immutable copy of one cgroups snapshot with O(1)
// lookup by (hash, name), the identity of a snapshot item.
//
// Why not std::unordered_map<std::string, Item>: the key already carries a
// hash the provider computed (simple_hash(name)), so a lookup never hashes
// the string; the table stores that hash beside each slot so a probe only
// touches item memory for a real candidate; all strings live in one arena,
// so an index is three allocations however many items it holds.
//
// Built once by a refresh, then only read (safe from many threads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/cgroups_snapshot.h"
#include "codecs/simple_hash.h"

namespace netipc::cache {

class CgroupsIndex {
public:
    CgroupsIndex() = default;

    // Copies every item of `snapshot`. When two items share hash and name
    // the first one wins (a well-behaved provider never sends both).
    static CgroupsIndex build(const codecs::CgroupsSnapshotView& snapshot);

    // The item with this identity; its strings are valid as long as this
    // index is (for a SnapshotCache: while the read guard is held).
    [[nodiscard]] std::optional<codecs::CgroupsItemView> find(std::uint32_t hash,
                                                              std::string_view name) const noexcept;
    // By name alone: the identity hash is simple_hash(name), as providers
    // compute it.
    [[nodiscard]] std::optional<codecs::CgroupsItemView> find(
        std::string_view name) const noexcept {
        return find(codecs::simple_hash(name), name);
    }

    [[nodiscard]] std::uint32_t size() const noexcept {
        return static_cast<std::uint32_t>(items_.size());
    }
    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
    [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }
    [[nodiscard]] std::uint32_t systemd_enabled() const noexcept { return systemd_enabled_; }
    // Item `index` (< size()), in snapshot order.
    [[nodiscard]] codecs::CgroupsItemView operator[](std::uint32_t index) const noexcept {
        return view_of(items_[index]);
    }

private:
    struct Item {
        std::uint32_t hash;
        std::uint32_t options;
        std::uint32_t enabled;
        std::uint32_t name_length;
        std::uint32_t path_length;
        std::size_t name_offset; // into arena_; the path follows the name's NUL
    };
    // One open-addressing slot: the item's hash (checked first) and its
    // position + 1 (0 marks an empty slot).
    struct Slot {
        std::uint32_t hash = 0;
        std::uint32_t item_plus_one = 0;
    };

    [[nodiscard]] codecs::CgroupsItemView view_of(const Item& item) const noexcept {
        const char* name = arena_.data() + item.name_offset;
        return {item.hash, item.options, item.enabled, std::string_view(name, item.name_length),
                std::string_view(name + item.name_length + 1, item.path_length)};
    }
    [[nodiscard]] std::size_t home_slot(std::uint32_t hash) const noexcept;

    std::vector<Item> items_;
    std::vector<Slot> slots_; // a power of two, at most half full
    std::string arena_;       // name NUL path NUL, item after item
    unsigned shift_ = 0;      // 32 - log2(slots_.size())
    std::uint64_t generation_ = 0;
    std::uint32_t systemd_enabled_ = 0;
};

} // namespace netipc::cache
