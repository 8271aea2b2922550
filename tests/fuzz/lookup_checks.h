// What the lookup fuzz targets check on every accepted input, written once
// for both lookup codecs: the owned copy re-encodes to a payload that
// decodes to the same copy (and is a fixed point), a builder fed the
// decoded views writes the same bytes, and the server's budget rule keeps
// one answer per key, in order, each either whole or an echo of its key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "netipc/wire/bytes.h"
#include "tests/fuzz/fuzz_support.h"

namespace netipc::fuzz::lookup {

template <class Codec>
std::vector<std::byte> encode_exact(const typename Codec::OwnedResponse& owned) {
    std::vector<std::byte> encoded(Codec::encoded_size(owned));
    const auto written = Codec::encode_response(owned, encoded);
    NETIPC_FUZZ_CHECK(written.has_value());
    NETIPC_FUZZ_CHECK(*written == encoded.size());
    return encoded;
}

template <class Codec>
void check_request_round_trip(const typename Codec::RequestView& view,
                              const typename Codec::OwnedRequest& owned, const auto& keys) {
    NETIPC_FUZZ_CHECK(keys.size() == view.size());
    const typename Codec::Request request = Codec::request_for(keys);
    std::vector<std::byte> encoded(Codec::request_size(request));
    const auto written = Codec::encode_request(request, encoded);
    NETIPC_FUZZ_CHECK(written && *written == encoded.size());
    const auto again = Codec::decode_request(encoded);
    NETIPC_FUZZ_CHECK(again.has_value());
    NETIPC_FUZZ_CHECK(Codec::to_owned(*again) == owned);
}

// `key_of(owned item)` gives the key the item echoes.
template <class Codec, class KeyOf>
void check_budget(const typename Codec::OwnedResponse& owned, std::size_t capacity, KeyOf key_of) {
    std::vector<std::byte> buffer(capacity);
    typename Codec::ResponseBuilder builder(buffer);
    builder.set_generation(owned.generation);
    if (!builder.add_within_budget(owned.items)) {
        return; // not even the echoes fit: the server answers LIMIT_EXCEEDED
    }
    const auto length = builder.finish();
    NETIPC_FUZZ_CHECK(length.has_value());
    const auto view = Codec::decode_response(wire::Bytes(buffer).first(*length));
    NETIPC_FUZZ_CHECK(view.has_value());
    NETIPC_FUZZ_CHECK(view->size() == owned.items.size());
    bool cut = false;
    for (std::uint32_t i = 0; i < view->size(); ++i) {
        const auto item = (*view)[i];
        NETIPC_FUZZ_CHECK(Codec::echoes(item, key_of(owned.items[i])));
        const bool whole = Codec::to_owned(item) == owned.items[i];
        const bool marked = item.status == Codec::Status::payload_exceeded
                            || item.status == Codec::Status::oversized_item;
        NETIPC_FUZZ_CHECK(whole || marked);
        if (cut) {
            NETIPC_FUZZ_CHECK(item.status == Codec::Status::payload_exceeded);
        }
        cut = cut || (!whole && item.status == Codec::Status::payload_exceeded);
    }
}

template <class Codec, class KeyOf>
void check_response_round_trip(const typename Codec::ResponseView& view, KeyOf key_of) {
    const typename Codec::OwnedResponse owned = Codec::to_owned(view);
    NETIPC_FUZZ_CHECK(owned.items.size() == view.size());
    NETIPC_FUZZ_CHECK(owned.generation == view.generation());
    const std::vector<std::byte> encoded = encode_exact<Codec>(owned);
    const auto decoded = Codec::decode_response(encoded);
    NETIPC_FUZZ_CHECK(decoded.has_value());
    NETIPC_FUZZ_CHECK(Codec::to_owned(*decoded) == owned);
    NETIPC_FUZZ_CHECK(encode_exact<Codec>(Codec::to_owned(*decoded)) == encoded);

    // The views themselves are builder input too.
    std::vector<std::byte> copied(encoded.size());
    typename Codec::ResponseBuilder builder(copied, 1);
    builder.set_generation(view.generation());
    for (const auto item : view) {
        NETIPC_FUZZ_CHECK(builder.add(item).has_value());
    }
    const auto length = builder.finish();
    NETIPC_FUZZ_CHECK(length && *length == encoded.size());
    NETIPC_FUZZ_CHECK(copied == encoded);

    // With room for everything nothing is marked; with less, the rule holds.
    check_budget<Codec>(owned, encoded.size(), key_of);
    check_budget<Codec>(owned, encoded.size() / 2, key_of);
    check_budget<Codec>(owned, encoded.size() - (encoded.size() / 4), key_of);
}

} // namespace netipc::fuzz::lookup
