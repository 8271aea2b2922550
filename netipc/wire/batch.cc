#include "netipc/wire/batch.h"

#include <algorithm>
#include <cstring>

namespace netipc::wire {

namespace {
// Enough directory slots for typical batches without a slide; the writer
// grows past it on demand.
constexpr std::uint32_t initial_batch_slots = 16;
} // namespace

BatchBuilder::BatchBuilder(MutableBytes out, std::uint32_t max_items) noexcept
    : BatchBuilder(out, max_items, std::min(max_items, initial_batch_slots)) {}

BatchBuilder BatchBuilder::sized(MutableBytes out, std::uint32_t item_count) noexcept {
    return {out, item_count, item_count};
}

std::unexpected<Error> BatchBuilder::too_many_items() noexcept {
    return fail(Errc::limit_exceeded, "batch already holds the negotiated maximum of items");
}

Result<void> BatchBuilder::add(Bytes item) noexcept {
    auto slot = reserve(item.size());
    if (!slot) {
        return std::unexpected(slot.error());
    }
    if (!item.empty()) {
        std::memcpy(slot->data(), item.data(), item.size());
    }
    return {};
}

Result<BatchView> BatchView::parse(Bytes payload, std::uint32_t item_count) noexcept {
    auto items = PackedDirectoryView::parse(payload, item_count);
    if (!items) {
        return std::unexpected(items.error());
    }
    return BatchView(*items);
}

Result<Bytes> BatchView::at(std::uint32_t index) const noexcept {
    if (index >= size()) {
        return fail(Errc::out_of_bounds, "batch item index past the last item");
    }
    return items_.item(index);
}

} // namespace netipc::wire
