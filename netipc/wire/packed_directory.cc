#include "netipc/wire/packed_directory.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <utility>

#include "netipc/wire/u32_lanes.h"
#include "netipc/wire/uniform_directory.h"

namespace netipc::wire {

PackedDirectoryWriter::PackedDirectoryWriter(MutableBytes out, std::size_t prefix_len,
                                             std::uint32_t reserved_slots) noexcept
    : out_(out),
      prefix_len_(prefix_len),
      initial_slots_(reserved_slots),
      reserved_slots_(reserved_slots) {
    refresh_geometry();
}

void PackedDirectoryWriter::refresh_geometry() noexcept {
    const std::size_t start = packed_start();
    if (start > out_.size()) {
        packed_area_ = {};
        packed_room_ = 0;
        fast_slots_ = 0;
        return;
    }
    packed_area_ = out_.subspan(start);
    packed_room_ =
        std::min<std::size_t>(packed_area_.size(), std::numeric_limits<std::uint32_t>::max());
    fast_slots_ = reserved_slots_;
}

void PackedDirectoryWriter::reset() noexcept {
    reserved_slots_ = initial_slots_;
    item_count_ = 0;
    packed_len_ = 0;
    refresh_geometry();
}

bool PackedDirectoryWriter::grow_directory(std::size_t next_length) noexcept {
    // Prefer doubling; when the buffer is tight take just one more slot, so
    // the directory never costs more room than the final payload needs.
    // Either way the item about to be added must still fit behind it.
    const auto doubled = static_cast<std::uint32_t>(std::clamp<std::uint64_t>(
        std::uint64_t{reserved_slots_} * 2U, 4U, std::numeric_limits<std::uint32_t>::max()));
    const std::array<std::uint32_t, 2> candidates{doubled, reserved_slots_ + 1U};
    const auto leaves_room = [&](std::uint32_t slots) {
        const std::size_t item_start =
            prefix_len_ + std::size_t{slots} * directory_entry_size + align8(packed_len_);
        return item_start <= out_.size() && next_length <= out_.size() - item_start;
    };
    const auto* chosen = std::ranges::find_if(candidates, leaves_room);
    if (chosen == candidates.end()) {
        return false;
    }
    const std::size_t new_start = prefix_len_ + std::size_t{*chosen} * directory_entry_size;
    std::memmove(out_.data() + new_start, out_.data() + packed_start(), packed_len_);
    reserved_slots_ = *chosen;
    refresh_geometry();
    return true;
}

void PackedDirectoryWriter::trim_directory() noexcept {
    const std::uint32_t needed = item_count_ + 1U;
    if (reserved_slots_ <= needed) {
        return;
    }
    const std::size_t new_start = prefix_len_ + std::size_t{needed} * directory_entry_size;
    if (packed_len_ != 0) { // else packed_start() may lie past the end of `out`
        std::memmove(out_.data() + new_start, out_.data() + packed_start(), packed_len_);
    }
    reserved_slots_ = needed;
    refresh_geometry();
}

Result<MutableBytes> PackedDirectoryWriter::append_slow(std::size_t length) noexcept {
    if (item_count_ == std::numeric_limits<std::uint32_t>::max()) {
        return fail(Errc::overflow, "too many items for a u32 item count");
    }
    if (item_count_ == reserved_slots_ && !grow_directory(length)) {
        return fail(Errc::overflow, "no room for another directory entry");
    }
    const std::size_t offset = align8(packed_len_);
    // Reserved slots are only a hint: when they stand in the item's way,
    // give back the ones not needed yet rather than fail a payload whose
    // final, compacted form fits the buffer.
    if (!fits(offset, length)) {
        trim_directory();
        if (!fits(offset, length)) {
            return fail(Errc::overflow, offset + length > std::numeric_limits<std::uint32_t>::max()
                                            ? "packed area exceeds the u32 offset range"
                                            : "no room for the item in the buffer");
        }
    }
    place_item(offset, length);
    return out_.subspan(packed_start() + offset, length);
}

Result<MutableBytes> PackedDirectoryWriter::open_item_slow() noexcept {
    if (item_count_ == std::numeric_limits<std::uint32_t>::max()) {
        return fail(Errc::overflow, "too many items for a u32 item count");
    }
    if (item_count_ == reserved_slots_ && !grow_directory(0)) {
        return fail(Errc::overflow, "no room for another directory entry");
    }
    const std::size_t start = packed_start() + align8(packed_len_);
    if (start > out_.size()) {
        return fail(Errc::overflow, "no room for another item in the buffer");
    }
    return out_.subspan(start);
}

Result<void> PackedDirectoryWriter::refuse_commit(std::size_t offset,
                                                  std::size_t length) const noexcept {
    const std::size_t start = packed_start() + offset;
    if (item_count_ >= reserved_slots_ || start > out_.size() || length > out_.size() - start) {
        return fail(Errc::invalid_argument, "item committed without open_item() or past its room");
    }
    return fail(Errc::overflow, "packed area exceeds the u32 offset range");
}

Result<std::size_t> PackedDirectoryWriter::finish(TailPadding padding) noexcept {
    const std::size_t final_start = prefix_len_ + std::size_t{item_count_} * directory_entry_size;
    if (final_start != packed_start()) {
        // Skip an empty move: with no item bytes placed, packed_start() may
        // lie past the end of `out`, or `out` be empty with a null data().
        if (packed_len_ != 0) {
            std::memmove(out_.data() + final_start, out_.data() + packed_start(), packed_len_);
        }
        reserved_slots_ = item_count_;
        refresh_geometry();
    }
    std::size_t end = final_start + packed_len_;
    if (padding == TailPadding::to_alignment) {
        const std::size_t padded = final_start + align8(packed_len_);
        if (padded > out_.size()) {
            return fail(Errc::overflow, "no room for the trailing alignment padding");
        }
        if (padded != end) { // memset on an empty `out` would get a null pointer
            std::memset(out_.data() + end, 0, padded - end);
        }
        end = padded;
    }
    return end;
}

namespace {

bool is_misaligned(const DirectoryEntry& entry) noexcept {
    return entry.offset % item_alignment != 0;
}
bool ends_past(const DirectoryEntry& entry, std::uint32_t limit) noexcept {
    return std::uint64_t{entry.offset} + entry.length > limit;
}

// The directory checks below take four entries (two U32x4) per step
// without a branch, at about half the instructions of a scalar loop.
constexpr std::uint32_t entries_per_vector = sizeof(U32x4) / directory_entry_size;
constexpr std::uint32_t entries_per_step = 2 * entries_per_vector;

// Entries i .. i + 3 as two vectors of two entries each.
struct FourEntries {
    U32x4 first;
    U32x4 second;
};
FourEntries load_four(const std::byte* entries, std::uint32_t i) noexcept {
    FourEntries four{};
    const std::byte* at = entries + std::size_t{i} * directory_entry_size;
    std::memcpy(&four.first, at, sizeof(four.first));
    std::memcpy(&four.second, at + sizeof(four.first), sizeof(four.second));
    return four;
}

// The lanes of two entries {offset, length, offset, length} that are bad:
// all ones where an entry's end wraps the u32 or passes `limits`.
U32x4 bad_lanes(U32x4 pair, U32x4 limits) noexcept {
    // Each lane plus its neighbour: both lanes of an entry hold its end.
    const U32x4 end = pair + __builtin_shufflevector(pair, pair, 1, 0, 3, 2);
    // The comparisons give -1 or 0 per lane; an end below the lane's own
    // value wrapped the u32.
    return __builtin_convertvector(end < pair, U32x4)
           | __builtin_convertvector(end > limits, U32x4);
}

// Whether any of the first `count` entries at `entries` is misaligned or
// ends past `limit` (a u32, so an end that wraps a u32 is past it).
bool any_bad_entry(const std::byte* entries, std::uint32_t count, std::uint32_t limit) noexcept {
    const U32x4 limits = U32x4{} + limit;
    U32x4 offset_bits{};
    U32x4 bad{};
    std::uint32_t i = 0;
    for (; i + entries_per_step <= count; i += entries_per_step) {
        const auto [first, second] = load_four(entries, i);
        offset_bits |= first | second;
        bad |= bad_lanes(first, limits) | bad_lanes(second, limits);
    }
    bool rest_bad = false; // the last count % 4 entries, one by one
    for (; i < count; ++i) {
        const auto entry = load<DirectoryEntry>(entries + std::size_t{i} * directory_entry_size);
        rest_bad |= is_misaligned(entry) || ends_past(entry, limit);
    }
    // Lanes 1 and 3 hold lengths, which need no alignment.
    const std::uint32_t offsets = offset_bits[0] | offset_bits[2];
    return offsets % item_alignment != 0 || (bad[0] | bad[1] | bad[2] | bad[3]) != 0 || rest_bad;
}

// Whether the `count` (>= 1) entries are exactly the packed layout of
// items that all have the first entry's length: entry i is {i * stride,
// length} with stride = align8(length), the layout a writer of fixed-size
// items makes, and the last item ends within `limit`. Such a directory is
// valid (every offset a multiple of 8, no end past the last one's), so this
// one branch-free pass replaces the general check, and readers find item i
// without its entry.
bool is_uniform(const std::byte* entries, std::uint32_t count, std::uint32_t limit) noexcept {
    const auto first = load<DirectoryEntry>(entries);
    const std::uint64_t stride = align8(first.length);
    if (first.offset != 0 || (count - 1) * stride + first.length > limit) {
        return false;
    }
    // Below, every expected offset is at most (count - 1) * stride, which
    // the check above keeps inside the u32 lanes.
    const auto lane_stride = static_cast<std::uint32_t>(stride);
    if (count > 1) {
        // Most directories that are not uniform differ already here, and
        // are spared the pass before the general check.
        const auto second = load<DirectoryEntry>(entries + directory_entry_size);
        if (second.offset != lane_stride || second.length != first.length) {
            return false;
        }
    }
    return is_uniform_directory(entries, count, first.length, lane_stride);
}

} // namespace

Result<PackedDirectoryView> PackedDirectoryView::parse(Bytes region,
                                                       std::uint32_t item_count) noexcept {
    const std::size_t directory_len = std::size_t{item_count} * directory_entry_size;
    if (directory_len > region.size()) {
        return fail(Errc::bad_item_count, "item directory does not fit in the payload");
    }
    PackedDirectoryView view;
    view.directory_ = region.first(directory_len);
    view.packed_ = region.subspan(directory_len);
    view.item_count_ = item_count;
    if (item_count > 0 && is_uniform(view.directory_.data(), item_count, view.packed_limit())) {
        view.uniform_ = true;
        return view;
    }
    // Batches are parsed once per message on both sides, so this check runs
    // for every item: it only finds whether any entry is bad, without a
    // branch per entry, and a bad directory (the rare case) is walked again
    // to name its first fault.
    const bool bad = any_bad_entry(view.directory_.data(), item_count, view.packed_limit());
    if (bad) [[unlikely]] {
        return std::unexpected(view.first_fault());
    }
    return view;
}

Error PackedDirectoryView::first_fault() const noexcept {
    for (std::uint32_t i = 0; i < item_count_; ++i) {
        const auto entry = load<DirectoryEntry>(directory_.data() + i * directory_entry_size);
        if (is_misaligned(entry)) {
            return fail(Errc::bad_alignment, "item offset is not a multiple of 8").error();
        }
        if (ends_past(entry, packed_limit())) {
            return fail(Errc::out_of_bounds, "item extends past the packed item area").error();
        }
    }
    // Not reached: parse() saw a bad entry, so the walk returned. Should the
    // two checks ever disagree, the directory is still refused.
    return fail(Errc::out_of_bounds, "item directory refused").error();
}

} // namespace netipc::wire
