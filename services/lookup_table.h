// LookupTable<Codec>: the simplest lookup provider, a fixed table of
// answers. A managed server's handler returns table.answer(request): one
// item per requested key, in order, the table's entry or the codec's
// "never heard of it" answer (cgroups: UNKNOWN_PERMANENT; apps: UNKNOWN).
//
//   services::LookupTable<codecs::CgroupsLookup> table;
//   table.put({codecs::CgroupsLookupStatus::known, codecs::Orchestrator::docker,
//              "/docker/abc", "web", {{"image", "nginx"}}});
//   auto server = ManagedServer<CgroupsLookupService>::start(
//       address, {}, [&](const codecs::CgroupsLookupRequestView& request) {
//           return table.answer(request);
//       });
//
// Fill it before serving: answer() may then run on many session threads at
// once (it only reads), but put() must not run concurrently with it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>

#include "netipc/concepts/lookup_codec.h"

namespace netipc::services {

template <LookupCodec C>
class LookupTable {
public:
    using CodecType = C;
    using Item = typename C::OwnedItem;
    using Key = typename C::Key;

    void set_generation(std::uint64_t generation) noexcept { generation_ = generation; }
    [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }

    // Adds or replaces the answer for the item's key.
    void put(Item item) {
        StoredKey key(C::key_of(item));
        entries_.insert_or_assign(std::move(key), std::move(item));
    }
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

    // The answer for one key.
    [[nodiscard]] Item find(Key key) const {
        const auto found = entries_.find(key);
        return found == entries_.end() ? C::unknown_item(key) : found->second;
    }

    // The whole answer to a request, in request order.
    [[nodiscard]] typename C::OwnedResponse answer(const typename C::RequestView& request) const {
        typename C::OwnedResponse response;
        response.generation = generation_;
        response.items.reserve(request.size());
        for (const Key key : request) {
            response.items.push_back(find(key));
        }
        return response;
    }

private:
    // Borrowed keys (paths) are stored as strings; std::less<> finds them by
    // the borrowed form without a copy.
    using StoredKey = std::conditional_t<std::is_same_v<Key, std::string_view>, std::string, Key>;

    std::map<StoredKey, Item, std::less<>> entries_;
    std::uint64_t generation_ = 0;
};

} // namespace netipc::services
