// The "directory + 8-aligned packed items" shape shared by Level 1 batch
// payloads and by the CGROUPS_SNAPSHOT response:
//
//   [prefix][entry 0 .. entry n-1][item 0][pad][item 1][pad] ... [item n-1]
//
// Each directory entry is {u32 offset, u32 length}; offsets are relative to
// the start of the packed item area and are multiples of 8. Padding between
// items is zero.
//
// The writer does not need the item count in advance: it reserves directory
// slots, and when they run out it doubles them and slides the packed items
// up (amortised O(1) per item). finish() compacts the directory to exactly
// item_count entries, which is what the reference byte images show.
#pragma once

#include <cstdint>

#include <boost/hana/define_struct.hpp>

#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "netipc/wire/layout.h"

namespace netipc::wire {

struct DirectoryEntry {
    BOOST_HANA_DEFINE_STRUCT(DirectoryEntry, (std::uint32_t, offset), (std::uint32_t, length));
};
inline constexpr std::size_t directory_entry_size = 8;
static_assert(wire_size<DirectoryEntry> == directory_entry_size);
static_assert(wire_offset<DirectoryEntry>(BOOST_HANA_STRING("length")) == 4);
// Entries are read with one memcpy, so the in-memory struct must match the wire.
static_assert(sizeof(DirectoryEntry) == directory_entry_size);

// Whether finish() pads the packed area after the last item to a multiple
// of 8. Level 1 batches do; the snapshot payload does not.
enum class TailPadding : bool { none = false, to_alignment = true };

// Builds a directory + packed-items region inside a caller-owned buffer.
// Not thread-safe. Writes nothing outside `out`.
class PackedDirectoryWriter {
public:
    // `prefix_len` bytes at the start of `out` are left for the caller (the
    // snapshot header); `reserved_slots` is only a hint.
    PackedDirectoryWriter(MutableBytes out, std::size_t prefix_len,
                          std::uint32_t reserved_slots = 8) noexcept;

    // Reserves `length` bytes for the next item at an 8-aligned offset and
    // returns them for the caller to fill. The span stays valid only until
    // the next call to append() or finish(). Errc::overflow if it cannot fit.
    Result<MutableBytes> append(std::size_t length) noexcept;

    // Compacts the region and returns its total length, prefix included.
    // The writer must not be used after finish() except through reset().
    Result<std::size_t> finish(TailPadding padding) noexcept;

    // Starts over on the same buffer, forgetting every item.
    void reset() noexcept;

    [[nodiscard]] std::uint32_t item_count() const noexcept { return item_count_; }
    [[nodiscard]] MutableBytes buffer() const noexcept { return out_; }

private:
    [[nodiscard]] std::size_t packed_start() const noexcept {
        return prefix_len_ + std::size_t{reserved_slots_} * directory_entry_size;
    }
    bool grow_directory(std::size_t next_length) noexcept;
    // Shrinks the directory to the slots of the items so far plus one.
    void trim_directory() noexcept;

    MutableBytes out_;
    std::size_t prefix_len_;
    std::uint32_t initial_slots_;
    std::uint32_t reserved_slots_;
    std::uint32_t item_count_ = 0;
    std::size_t packed_len_ = 0; // end of the last item, relative to the packed area
};

// A validated, read-only view of a directory + packed-items region. Borrows
// the bytes it was parsed from: valid only while they stay alive and
// unchanged.
class PackedDirectoryView {
public:
    // Validates `region` (which starts at the first directory entry) for
    // `item_count` items: the directory must fit (Errc::bad_item_count), and
    // every entry must be 8-aligned (Errc::bad_alignment) and inside the
    // packed area (Errc::out_of_bounds).
    static Result<PackedDirectoryView> parse(Bytes region, std::uint32_t item_count) noexcept;

    [[nodiscard]] std::uint32_t size() const noexcept { return item_count_; }
    // Item `index` (< size()); the bounds were checked by parse().
    [[nodiscard]] Bytes item(std::uint32_t index) const noexcept;

private:
    Bytes directory_;
    Bytes packed_;
    std::uint32_t item_count_ = 0;
};

} // namespace netipc::wire
