// The client side of a logical lookup that took several request/response
// cycles: it keeps a copy of every answered item (each subresponse lives in
// the session's buffer only until the next cycle) and, at the end, encodes
// them as one response under the shared generation, which it decodes into
// the view the caller gets. Used by Client::lookup() (services/client.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "codecs/lookup_frame.h"
#include "netipc/concepts/lookup_codec.h"
#include "netipc/error.h"

namespace netipc::services {

template <LookupCodec C>
class LookupStitcher {
public:
    // Forgets the items of the previous call; keeps the memory.
    void clear() noexcept {
        arena_.clear();
        spans_.clear();
    }

    // Copies one answered item, byte for byte.
    void add(wire::Bytes item) {
        const std::size_t at = arena_.size();
        arena_.insert(arena_.end(), item.begin(), item.end());
        spans_.emplace_back(at, item.size());
    }

    // The client's own OVERSIZED_ITEM answer for a key no request can carry.
    Result<void> add_oversized(const typename C::Key& key) {
        const std::size_t at = arena_.size();
        const std::size_t size = C::oversized_item_size(key);
        arena_.resize(at + size);
        auto written = C::encode_oversized_item(key, wire::MutableBytes(arena_).subspan(at, size));
        if (!written) {
            arena_.resize(at);
            return std::unexpected(written.error());
        }
        spans_.emplace_back(at, size);
        return {};
    }

    [[nodiscard]] std::size_t size() const noexcept { return spans_.size(); }

    // The stitched response, decoded. Its view borrows this stitcher's
    // buffer: valid until the next clear(). Errc::overflow when the response
    // would be larger than `max_bytes`.
    Result<typename C::ResponseView> finish(std::uint64_t generation, std::size_t max_bytes) {
        codecs::LookupPayloadSize size;
        items_.clear();
        items_.reserve(spans_.size());
        for (const auto& [at, length] : spans_) {
            size.add(length);
            items_.push_back(wire::Bytes(arena_).subspan(at, length));
        }
        if (size.total() > max_bytes) {
            return fail(Errc::overflow,
                        "stitched lookup response exceeds max_logical_lookup_response_bytes");
        }
        payload_.resize(size.total());
        auto length = codecs::encode_lookup_response(generation, items_, payload_);
        if (!length) {
            return std::unexpected(length.error());
        }
        return C::decode_response(wire::Bytes(payload_).first(*length));
    }

private:
    std::vector<std::byte> arena_;                           // the copied items, back to back
    std::vector<std::pair<std::size_t, std::size_t>> spans_; // {offset, length} in arena_
    std::vector<wire::Bytes> items_;
    std::vector<std::byte> payload_; // the stitched response
};

namespace detail {
struct NoLookupStitcher {};
template <class C>
struct LookupStitcherOf {
    using type = NoLookupStitcher;
};
template <LookupCodec C>
struct LookupStitcherOf<C> {
    using type = LookupStitcher<C>;
};
} // namespace detail

// A LookupStitcher for a lookup codec, an empty type for any other (so a
// Client of another service carries nothing for lookups).
template <class C>
using LookupStitcherFor = typename detail::LookupStitcherOf<C>::type;

} // namespace netipc::services
