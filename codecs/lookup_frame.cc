#include "codecs/lookup_frame.h"

#include <cstring>
#include <limits>

namespace netipc::codecs {

Result<wire::PackedDirectoryView> parse_lookup_directory(wire::Bytes payload,
                                                         std::uint32_t item_count) noexcept {
    const wire::Bytes region = payload.subspan(lookup_header_size);
    auto items = wire::PackedDirectoryView::parse(region, item_count);
    if (!items) {
        return items;
    }
    // PackedDirectoryView checks each entry alone; the lookup frame also
    // demands entries in packed order that never share bytes.
    const std::byte* packed =
        region.data() + (std::size_t{item_count} * wire::directory_entry_size);
    std::size_t previous_end = 0;
    for (std::uint32_t i = 0; i < item_count; ++i) {
        const wire::Bytes item = items->item(i);
        const auto offset = static_cast<std::size_t>(item.data() - packed);
        if (i > 0 && offset < previous_end) {
            return fail(Errc::overlapping_fields,
                        "lookup directory entries overlap or are out of order");
        }
        previous_end = offset + item.size();
    }
    return items;
}

namespace {

// Compacts the frame and writes `header` (its item_count set here) in front.
template <class Header>
Result<std::size_t> finish_frame(wire::PackedDirectoryWriter& items, Header header) noexcept {
    const wire::MutableBytes out = items.buffer();
    if (out.size() < lookup_header_size) {
        return fail(Errc::overflow, "buffer too small for the lookup header");
    }
    auto length = items.finish(wire::TailPadding::none);
    if (!length) {
        return length;
    }
    header.item_count = items.item_count();
    wire::encode_unchecked(header, out.data());
    return length;
}

} // namespace

Result<std::size_t> finish_lookup_request(wire::PackedDirectoryWriter& items) noexcept {
    return finish_frame(items, LookupRequestHeader{});
}

Result<std::size_t> finish_lookup_response(wire::PackedDirectoryWriter& items,
                                           std::uint64_t generation) noexcept {
    LookupResponseHeader header{};
    header.generation = generation;
    return finish_frame(items, header);
}

Result<std::size_t> encode_lookup_response(std::uint64_t generation,
                                           std::span<const wire::Bytes> items,
                                           wire::MutableBytes out) noexcept {
    if (items.size() > std::numeric_limits<std::uint32_t>::max()) {
        return fail(Errc::overflow, "too many lookup items for a u32 item count");
    }
    wire::PackedDirectoryWriter writer(out, lookup_header_size,
                                       static_cast<std::uint32_t>(items.size()));
    for (const wire::Bytes item : items) {
        auto slot = writer.append(item.size());
        if (!slot) {
            return std::unexpected(slot.error());
        }
        if (!item.empty()) {
            std::memcpy(slot->data(), item.data(), item.size());
        }
    }
    return finish_lookup_response(writer, generation);
}

} // namespace netipc::codecs
