#include "cache/cgroups_index.h"

#include <algorithm>
#include <bit>

namespace netipc::cache {

namespace {
// Fibonacci hashing: multiplying by 2^32 / phi spreads a provider's hash
// over the high bits, which pick the slot, even when its low bits cluster.
constexpr std::uint32_t golden_ratio_32 = 0x9E3779B9U;
constexpr unsigned hash_bits = 32;
} // namespace

std::size_t CgroupsIndex::home_slot(std::uint32_t hash) const noexcept {
    return static_cast<std::size_t>((hash * golden_ratio_32) >> shift_);
}

CgroupsIndex CgroupsIndex::build(const codecs::CgroupsSnapshotView& snapshot) {
    CgroupsIndex index;
    index.generation_ = snapshot.generation();
    index.systemd_enabled_ = snapshot.systemd_enabled();
    const std::uint32_t count = snapshot.size();

    std::size_t arena_bytes = 0;
    for (const auto item : snapshot) {
        arena_bytes += item.name.size() + item.path.size() + 2;
    }
    index.arena_.reserve(arena_bytes);
    index.items_.reserve(count);

    // At least twice as many slots as items keeps probe sequences short.
    const std::size_t slot_count = std::bit_ceil(std::max<std::size_t>(2 * std::size_t{count}, 2));
    index.slots_.assign(slot_count, Slot{});
    index.shift_ = hash_bits - static_cast<unsigned>(std::countr_zero(slot_count));
    const std::size_t mask = slot_count - 1;

    for (const auto item : snapshot) {
        if (index.find(item.hash, item.name)) {
            continue;
        }
        const std::size_t name_offset = index.arena_.size();
        index.arena_.append(item.name).push_back('\0');
        index.arena_.append(item.path).push_back('\0');
        index.items_.push_back(Item{item.hash, item.options, item.enabled,
                                    static_cast<std::uint32_t>(item.name.size()),
                                    static_cast<std::uint32_t>(item.path.size()), name_offset});
        std::size_t slot = index.home_slot(item.hash);
        while (index.slots_[slot].item_plus_one != 0) {
            slot = (slot + 1) & mask;
        }
        index.slots_[slot] = Slot{item.hash, static_cast<std::uint32_t>(index.items_.size())};
    }
    return index;
}

std::optional<codecs::CgroupsItemView> CgroupsIndex::find(std::uint32_t hash,
                                                          std::string_view name) const noexcept {
    if (slots_.empty()) {
        return std::nullopt;
    }
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = home_slot(hash);; slot = (slot + 1) & mask) {
        const Slot& candidate = slots_[slot];
        if (candidate.item_plus_one == 0) {
            return std::nullopt;
        }
        if (candidate.hash == hash) {
            const Item& item = items_[candidate.item_plus_one - 1];
            const auto view = view_of(item);
            if (view.name == name) {
                return view;
            }
        }
    }
}

} // namespace netipc::cache
