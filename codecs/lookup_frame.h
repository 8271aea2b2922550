// The payload frame shared by CGROUPS_LOOKUP (method 4) and APPS_LOOKUP
// (method 5) requests and responses (netdata/plugin-ipc
// docs/codec-cgroups-lookup.md and docs/codec-apps-lookup.md):
//
//   [16-byte header][item_count directory entries {u32 offset, u32 length}]
//   [key or item 0][zero padding to 8][key or item 1] ... [last one]
//
// Offsets count from the packed area (after the directory), every key or
// item starts on a multiple of 8 within it, and nothing follows the last
// one. This is the method's own item directory, not a Level 1 batch: the
// message itself is one ordinary request or response.
//
// Also here: the server's response budget rule, which both lookup builders
// apply when they answer a whole request.
#pragma once

#include <cstdint>
#include <ranges>
#include <span>

#include <boost/hana/define_struct.hpp>

#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "netipc/wire/hello.h"
#include "netipc/wire/layout.h"
#include "netipc/wire/packed_directory.h"

namespace netipc::codecs {

struct LookupRequestHeader {
    BOOST_HANA_DEFINE_STRUCT(LookupRequestHeader, (wire::LayoutVersion, layout_version),
                             (wire::Reserved<2>, flags), (std::uint32_t, item_count),
                             (wire::Reserved<4>, reserved0), (wire::Reserved<4>, reserved1));
};

// Bytes 8-15 are one u64 generation, not the request's reserved fields.
struct LookupResponseHeader {
    BOOST_HANA_DEFINE_STRUCT(LookupResponseHeader, (wire::LayoutVersion, layout_version),
                             (wire::Reserved<2>, flags), (std::uint32_t, item_count),
                             (std::uint64_t, generation));
};

inline constexpr std::size_t lookup_header_size = 16;
static_assert(wire::wire_size<LookupRequestHeader> == lookup_header_size);
static_assert(wire::wire_offset<LookupRequestHeader>(BOOST_HANA_STRING("item_count")) == 4);
static_assert(wire::wire_offset<LookupRequestHeader>(BOOST_HANA_STRING("reserved0")) == 8);
static_assert(wire::wire_offset<LookupRequestHeader>(BOOST_HANA_STRING("reserved1")) == 12);
static_assert(wire::wire_size<LookupResponseHeader> == lookup_header_size);
static_assert(wire::wire_offset<LookupResponseHeader>(BOOST_HANA_STRING("generation")) == 8);

// Validates the directory after a lookup header for `item_count` entries:
// it must fit (Errc::bad_item_count), every entry be 8-aligned
// (Errc::bad_alignment) and inside the packed area (Errc::out_of_bounds),
// and the entries ascend without overlapping (Errc::overlapping_fields).
Result<wire::PackedDirectoryView> parse_lookup_directory(wire::Bytes payload,
                                                         std::uint32_t item_count) noexcept;

// Exact payload size for keys or items of the sizes added, in order.
class LookupPayloadSize {
public:
    void add(std::size_t length) noexcept {
        packed_ = wire::align8(packed_) + length;
        ++count_;
    }
    [[nodiscard]] std::size_t total() const noexcept {
        return lookup_header_size + (count_ * wire::directory_entry_size) + packed_;
    }
    [[nodiscard]] std::size_t count() const noexcept { return count_; }

private:
    std::size_t count_ = 0;
    std::size_t packed_ = 0;
};

// Writes the header of a request or response whose directory and packed
// area `items` holds, and returns the payload length.
Result<std::size_t> finish_lookup_request(wire::PackedDirectoryWriter& items) noexcept;
Result<std::size_t> finish_lookup_response(wire::PackedDirectoryWriter& items,
                                           std::uint64_t generation) noexcept;

// A response whose items are already encoded (copied byte for byte): how a
// Level 2 client stitches the items of several subresponses into one.
Result<std::size_t> encode_lookup_response(std::uint64_t generation,
                                           std::span<const wire::Bytes> items,
                                           wire::MutableBytes out) noexcept;

// How an item that is not answered in full is marked.
enum class LookupCut : std::uint8_t {
    payload_exceeded, // the budget ran out here: the client asks again
    oversized_item,   // does not fit even as the response's first item: final
};

// The server's budget rule (netdata/plugin-ipc docs/level2-typed-api.md,
// lookup contracts; the exact test is settled from the reference C
// builder): an item is answered in full only when it fits in `capacity`
// together with echo-only copies of every later item. The first item that
// does not fit, and every later one, is marked PAYLOAD_EXCEEDED (the key
// echoed, nothing else), unless it is the response's first item: that one
// is OVERSIZED_ITEM and the next item is tried in turn. The response thus
// always carries one item per key, so the client can stitch and re-ask.
//
// `Builder` provides item_count(), size_of(item) -> Result<size_t> (which
// also checks the item), echo_size(item), add(item) and
// add_echo(item, LookupCut). It must be empty.
template <class Builder, std::ranges::sized_range Items>
Result<void> add_within_budget(Builder& builder, const Items& items, std::size_t capacity) {
    if (builder.item_count() != 0) {
        return fail(Errc::invalid_argument, "a budgeted lookup answer starts on an empty builder");
    }
    const std::size_t count = std::ranges::size(items);
    // Room the echo-only copies of the items not decided yet take, each
    // padded to 8 (the last one's padding is given back below).
    std::size_t echo_reserve = 0;
    std::size_t last_echo_padding = 0;
    for (const auto& item : items) {
        const std::size_t echo = builder.echo_size(item);
        echo_reserve += wire::align8(echo);
        last_echo_padding = wire::align8(echo) - echo;
    }
    const std::size_t fixed = lookup_header_size + (count * wire::directory_entry_size);
    if (capacity < fixed) {
        return fail(Errc::overflow, "no room for the lookup header and directory");
    }
    std::size_t packed = 0;
    std::size_t index = 0;
    bool exceeded = false;
    for (const auto& item : items) {
        const std::size_t echo = builder.echo_size(item);
        echo_reserve -= wire::align8(echo);
        const bool last = index + 1 == count;
        ++index;
        if (!exceeded) {
            auto size = builder.size_of(item);
            if (!size) {
                return std::unexpected(size.error());
            }
            const std::size_t end = wire::align8(packed) + *size;
            const std::size_t needed =
                last ? end : wire::align8(end) + echo_reserve - last_echo_padding;
            if (needed <= capacity - fixed) {
                if (auto added = builder.add(item); !added) {
                    return added;
                }
                packed = end;
                continue;
            }
            exceeded = index != 1;
        }
        const LookupCut cut = exceeded ? LookupCut::payload_exceeded : LookupCut::oversized_item;
        if (auto marked = builder.add_echo(item, cut); !marked) {
            return marked;
        }
        packed = wire::align8(packed) + echo;
    }
    return {};
}

} // namespace netipc::codecs
