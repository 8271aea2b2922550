// The LookupCodec refinement of Codec: what a Level 2 client needs to split
// one logical lookup into ordinary request/response cycles and stitch the
// answers (methods 4 and 5, codecs/cgroups_lookup.h and
// codecs/apps_lookup.h). A lookup request carries many keys; its response
// has one item per key, in key order, each echoing its key.
//
//   Key                      what identifies an item (a path, a pid)
//   ItemView, Status         a decoded item and its status enum
//   request_for(keys)        the Request for a span of keys
//   key_size(key)            bytes the key takes in a request's packed area
//   echoes(item, key)        whether `item` answers `key`
//   payload_exceeded(item)   the provider ran out of room at this item
//   oversized(item)          the provider cannot fit this item at all
//   oversized_item_size(key), encode_oversized_item(key, out)
//                            the final OVERSIZED_ITEM answer for a key no
//                            request may carry, made by the client itself
//   ResponseView             generation(), size(), operator[], raw_item(i)
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

#include "netipc/concepts/codec.h"

namespace netipc {

template <class C>
concept LookupCodec =
    Codec<C>
    && requires(std::span<const typename C::Key> keys, const typename C::Key& key,
                const typename C::ItemView& item, const typename C::ResponseView& view,
                std::uint32_t index, wire::MutableBytes out) {
           { C::request_for(keys) } -> std::same_as<typename C::Request>;
           { C::key_size(key) } -> std::same_as<std::size_t>;
           { C::echoes(item, key) } -> std::same_as<bool>;
           { C::payload_exceeded(item) } -> std::same_as<bool>;
           { C::oversized(item) } -> std::same_as<bool>;
           { C::oversized_item_size(key) } -> std::same_as<std::size_t>;
           { C::encode_oversized_item(key, out) } -> std::same_as<Result<std::size_t>>;
           { view.generation() } -> std::same_as<std::uint64_t>;
           { view.size() } -> std::same_as<std::uint32_t>;
           { view[index] } -> std::same_as<typename C::ItemView>;
           { view.raw_item(index) } -> std::same_as<wire::Bytes>;
       };

namespace detail {
struct NotALookupKey {};
template <class C>
struct LookupKeyOf {
    using type = NotALookupKey;
};
template <LookupCodec C>
struct LookupKeyOf<C> {
    using type = typename C::Key;
};
} // namespace detail

// C::Key for a lookup codec, a placeholder type for any other: lets generic
// code declare lookup-only members that are never instantiated otherwise.
template <class C>
using lookup_key_t = typename detail::LookupKeyOf<C>::type;

} // namespace netipc
