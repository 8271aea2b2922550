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
// up (amortised O(1) per item). A caller that knows the count reserves
// exactly that many slots and nothing ever slides. finish() compacts the
// directory to exactly item_count entries, which is what the reference byte
// images show.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>

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
    // Inline for the common case (a free directory slot and room behind
    // it): batches call it once per item.
    Result<MutableBytes> append(std::size_t length) noexcept {
        const std::size_t offset = align8(packed_len_);
        if (item_count_ < fast_slots_ && fits_packed_room(offset, length)) [[likely]] {
            place_item(offset, length);
            return packed_area_.subspan(offset, length);
        }
        return append_slow(length);
    }

    // For an item whose length is known only once it is built (a builder
    // that needs its room up front): open_item() returns all the room the
    // next item may take, from its 8-aligned start to the end of the
    // buffer; the caller builds the item at its start and then
    // commit_item()s the length it wrote. Nothing else may be called in
    // between. Directory slots reserved but not yet used are not part of the
    // room, so a writer reserved for exactly its item count offers the most.
    // Bytes written past the committed length are overwritten or never sent.
    // Errors: Errc::overflow when no item fits any more (open) or the
    // packed area outgrows the u32 offsets (commit); Errc::invalid_argument
    // for a commit without an open, or longer than the room.
    Result<MutableBytes> open_item() noexcept {
        const std::size_t offset = align8(packed_len_);
        if (item_count_ < fast_slots_ && offset <= packed_room_) [[likely]] {
            return packed_area_.subspan(offset);
        }
        return open_item_slow();
    }
    Result<void> commit_item(std::size_t length) noexcept {
        const std::size_t offset = align8(packed_len_);
        if (item_count_ < fast_slots_ && fits_packed_room(offset, length)) [[likely]] {
            place_item(offset, length);
            return {};
        }
        return refuse_commit(offset, length);
    }

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
    // Whether an item of `length` bytes at `offset` in the packed area fits
    // the buffer behind the reserved directory, and the u32 offsets.
    [[nodiscard]] bool fits(std::size_t offset, std::size_t length) const noexcept {
        const std::size_t start = packed_start() + offset;
        return start <= out_.size() && length <= out_.size() - start
               && offset + length <= std::numeric_limits<std::uint32_t>::max();
    }
    // fits() for the fast paths, from the geometry cached by
    // refresh_geometry(): valid only while item_count_ < fast_slots_.
    [[nodiscard]] bool fits_packed_room(std::size_t offset, std::size_t length) const noexcept {
        return offset <= packed_room_ && length <= packed_room_ - offset;
    }
    // Recomputes what the fast paths read, after the directory moved.
    void refresh_geometry() noexcept;
    // Records an item of `length` bytes at `offset` in the packed area (the
    // caller checked that a slot is free and that the item fits).
    void place_item(std::size_t offset, std::size_t length) noexcept {
        // Items of 8-byte multiples (the common case) need no padding;
        // skipping the empty memset() saves a libc call per item.
        if (offset != packed_len_) {
            std::memset(out_.data() + packed_start() + packed_len_, 0, offset - packed_len_);
        }
        const DirectoryEntry entry{static_cast<std::uint32_t>(offset),
                                   static_cast<std::uint32_t>(length)};
        encode_unchecked(entry, out_.data() + prefix_len_ + item_count_ * directory_entry_size);
        ++item_count_;
        packed_len_ = offset + length;
    }
    // The uncommon cases: growing or trimming the directory, and errors.
    Result<MutableBytes> append_slow(std::size_t length) noexcept;
    Result<MutableBytes> open_item_slow() noexcept;
    [[nodiscard]] Result<void> refuse_commit(std::size_t offset, std::size_t length) const noexcept;
    bool grow_directory(std::size_t next_length) noexcept;
    // Shrinks the directory to the slots of the items so far plus one.
    void trim_directory() noexcept;

    MutableBytes out_;
    std::size_t prefix_len_;
    std::uint32_t initial_slots_;
    std::uint32_t reserved_slots_;
    std::uint32_t item_count_ = 0;
    std::size_t packed_len_ = 0; // end of the last item, relative to the packed area
    // The geometry the per-item fast paths read, kept by refresh_geometry()
    // whenever reserved_slots_ changes, so an item costs two compares
    // instead of recomputing where the packed area starts and what bounds
    // it. packed_area_: from the packed area's start to the end of `out`
    // (empty when the reserved directory alone overflows `out`);
    // packed_room_: its size, capped at the u32 offset range; fast_slots_:
    // reserved_slots_, or 0 when the packed area starts past the end of
    // `out`, which sends every call to the slow paths.
    MutableBytes packed_area_;
    std::size_t packed_room_ = 0;
    std::uint32_t fast_slots_ = 0;
};

// A validated, read-only view of a directory + packed-items region. Borrows
// the bytes it was parsed from: valid only while they stay alive and
// unchanged.
class PackedDirectoryView {
public:
    // Validates `region` (which starts at the first directory entry) for
    // `item_count` items: the directory must fit (Errc::bad_item_count), and
    // every entry must be 8-aligned (Errc::bad_alignment) and inside the
    // packed area and the u32 offset range (Errc::out_of_bounds).
    static Result<PackedDirectoryView> parse(Bytes region, std::uint32_t item_count) noexcept;

    [[nodiscard]] std::uint32_t size() const noexcept { return item_count_; }
    // Item `index` (< size()); the bounds were checked by parse(). Inline:
    // callers walk every item of a batch.
    [[nodiscard]] Bytes item(std::uint32_t index) const noexcept {
        const auto entry = load<DirectoryEntry>(directory_.data() + index * directory_entry_size);
        return packed_.subspan(entry.offset, entry.length);
    }
    // The length every item has when the directory is exactly the packed
    // layout of equal items (item i at i * align8(length), what a writer of
    // fixed-size items makes): a reader can then find item i at its fixed
    // place in packed_area() without reading the directory. nullopt for any
    // other valid directory, and for an empty one.
    [[nodiscard]] std::optional<std::uint32_t> uniform_item_length() const noexcept {
        if (!uniform_) {
            return std::nullopt;
        }
        return load<DirectoryEntry>(directory_.data()).length;
    }
    // The items and their padding, from the first item's start.
    [[nodiscard]] Bytes packed_area() const noexcept { return packed_; }

private:
    // The first bad entry's error, in directory order (parse() found one).
    [[nodiscard]] Error first_fault() const noexcept;
    // Where items must end: the packed area, and never past the u32 offset
    // range (the writer never places an item there either).
    [[nodiscard]] std::uint32_t packed_limit() const noexcept {
        return static_cast<std::uint32_t>(
            std::min<std::size_t>(packed_.size(), std::numeric_limits<std::uint32_t>::max()));
    }

    Bytes directory_;
    Bytes packed_;
    std::uint32_t item_count_ = 0;
    bool uniform_ = false; // see uniform_item_length()
};

} // namespace netipc::wire
