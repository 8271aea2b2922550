// Level 1 batch payloads: one message (flags BATCH, item_count N) carrying N
// items of the same method behind an item directory. Items are 8-aligned and
// the payload is padded after its last item to a multiple of 8.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>

#include "netipc/wire/packed_directory.h"
#include "netipc/wire/uniform_directory.h"

namespace netipc::wire {

inline constexpr std::uint32_t no_item_limit = std::numeric_limits<std::uint32_t>::max();

// Assembles a batch payload in a caller-owned buffer (no allocation).
// Not thread-safe.
class BatchBuilder {
public:
    // `max_items` is the negotiated batch-item ceiling: adding more fails
    // with Errc::limit_exceeded. The directory starts small and grows (items
    // slide up when it does).
    explicit BatchBuilder(MutableBytes out, std::uint32_t max_items = no_item_limit) noexcept;

    // For a batch of exactly `item_count` items (the count is known up
    // front, as when answering a batch): the directory is laid out once for
    // all of them, so no item ever slides, and at most `item_count` items
    // fit (Errc::limit_exceeded beyond).
    static BatchBuilder sized(MutableBytes out, std::uint32_t item_count) noexcept;

    // Copies one encoded item into the batch.
    Result<void> add(Bytes item) noexcept;

    // Reserves `length` bytes for an item the caller encodes in place; the
    // span is valid until the next add/reserve/finish.
    Result<MutableBytes> reserve(std::size_t length) noexcept {
        if (writer_.item_count() >= max_items_) [[unlikely]] {
            return too_many_items();
        }
        return writer_.append(length);
    }

    // For an item built in place by something that needs its room up front
    // and says its length afterwards (a codec's ResponseBuilder):
    // open_item() returns all the room the next item may take,
    // commit_item(length) records the item built at its start. See
    // PackedDirectoryWriter::open_item() for the rules.
    Result<MutableBytes> open_item() noexcept {
        if (writer_.item_count() >= max_items_) [[unlikely]] {
            return too_many_items();
        }
        return writer_.open_item();
    }
    Result<void> commit_item(std::size_t length) noexcept { return writer_.commit_item(length); }

    // Returns the payload length (directory, items and tail padding).
    Result<std::size_t> finish() noexcept { return writer_.finish(TailPadding::to_alignment); }

    void reset() noexcept { writer_.reset(); }
    [[nodiscard]] std::uint32_t item_count() const noexcept { return writer_.item_count(); }

private:
    BatchBuilder(MutableBytes out, std::uint32_t max_items, std::uint32_t reserved_slots) noexcept
        : writer_(out, 0, reserved_slots), max_items_(max_items) {}
    static std::unexpected<Error> too_many_items() noexcept;

    PackedDirectoryWriter writer_;
    std::uint32_t max_items_;
};

// A batch of `item_count` items of exactly ItemLength bytes each, laid out in
// one pass: the whole directory is written up front and item i sits at a
// fixed stride, so filling an item is a plain store with no per-item
// bookkeeping. The payload is the one a BatchBuilder makes of the same
// items, byte for byte. For codecs with FixedSizePayloads
// (concepts/codec.h). Writes nothing outside `out`.
template <std::size_t ItemLength>
class UniformBatch {
public:
    static constexpr std::size_t stride = align8(ItemLength);

    // Errc::overflow when the directory and the items do not fit `out`, or
    // the packed area outgrows the u32 offsets.
    static Result<UniformBatch> lay_out(MutableBytes out, std::uint32_t item_count) noexcept {
        const std::size_t directory_len = std::size_t{item_count} * directory_entry_size;
        const std::uint64_t packed_len = std::uint64_t{item_count} * stride;
        if (directory_len > out.size() || packed_len > out.size() - directory_len
            || packed_len > std::numeric_limits<std::uint32_t>::max()) {
            return fail(Errc::overflow, "no room for the batch in the buffer");
        }
        std::byte* directory = out.data();
        write_directory(directory, item_count);
        if constexpr (stride != ItemLength) {
            // The padding behind each item is zero; the items overwrite the rest.
            std::memset(directory + directory_len, 0, packed_len);
        }
        return UniformBatch(directory + directory_len, directory_len + packed_len);
    }

    // Item `index` (< the item count): where its ItemLength bytes go.
    [[nodiscard]] std::span<std::byte, ItemLength> item(std::uint32_t index) const noexcept {
        return std::span<std::byte, ItemLength>(items_ + std::size_t{index} * stride, ItemLength);
    }
    // The payload length: directory, items and padding.
    [[nodiscard]] std::size_t payload_length() const noexcept { return length_; }

private:
    UniformBatch(std::byte* items, std::size_t length) noexcept : items_(items), length_(length) {}

    // Entry i is {i * stride, ItemLength} (uniform_directory.h). The caller
    // checked that the offsets fit the u32s.
    static void write_directory(std::byte* directory, std::uint32_t item_count) noexcept {
        write_uniform_directory(directory, item_count, static_cast<std::uint32_t>(ItemLength),
                                static_cast<std::uint32_t>(stride));
    }

    std::byte* items_;
    std::size_t length_;
};

// The items of a received batch whose directory is exactly the one
// UniformBatch<ItemLength> writes (item i at i * stride, every item
// ItemLength bytes long), as BatchView::uniform() finds it: item i is found
// without reading its directory entry, and has a length known at compile
// time, so a decoder's size checks fold away. Borrows the payload, as
// BatchView does.
template <std::size_t ItemLength>
class UniformBatchView {
public:
    static constexpr std::size_t stride = align8(ItemLength);

    [[nodiscard]] std::uint32_t size() const noexcept { return item_count_; }
    // Item `index` (< size()).
    std::span<const std::byte, ItemLength> operator[](std::uint32_t index) const noexcept {
        return std::span<const std::byte, ItemLength>(items_ + std::size_t{index} * stride,
                                                      ItemLength);
    }

private:
    friend class BatchView;
    UniformBatchView(const std::byte* items, std::uint32_t item_count) noexcept
        : items_(items), item_count_(item_count) {}

    const std::byte* items_;
    std::uint32_t item_count_;
};

// Zero-copy access to the items of a received batch payload. Borrows the
// payload bytes: valid only while the buffer that holds them is unchanged
// (for Level 2 clients, until the next call on the same client).
class BatchView {
public:
    // Validates the directory of a batch payload holding `item_count` items
    // (the outer header's item_count).
    static Result<BatchView> parse(Bytes payload, std::uint32_t item_count) noexcept;

    [[nodiscard]] std::uint32_t size() const noexcept { return items_.size(); }
    Bytes operator[](std::uint32_t index) const noexcept { return items_.item(index); }

    // Bounds-checked access for indices that come from outside.
    [[nodiscard]] Result<Bytes> at(std::uint32_t index) const noexcept;

    // The same items as a UniformBatchView when every one is exactly
    // ItemLength bytes at UniformBatch's fixed stride, which is how a
    // fixed-size method's batch is normally laid out (by netipc and by the
    // reference peers); nullopt for any other valid layout, which
    // operator[] still serves.
    template <std::size_t ItemLength>
    [[nodiscard]] std::optional<UniformBatchView<ItemLength>> uniform() const noexcept {
        if (items_.uniform_item_length() != ItemLength) {
            return std::nullopt;
        }
        return UniformBatchView<ItemLength>(items_.packed_area().data(), size());
    }

private:
    explicit BatchView(PackedDirectoryView items) noexcept : items_(items) {}
    PackedDirectoryView items_;
};

} // namespace netipc::wire
