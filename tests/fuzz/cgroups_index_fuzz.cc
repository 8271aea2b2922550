// Fuzz target: the Level 3 cgroups index built from any snapshot the decoder
// accepts. Every item must be found by its (hash, name); when a key repeats,
// the first item wins; the index holds exactly the distinct keys; and a
// lookup never returns an item whose key differs from the one asked for.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "cache/cgroups_index.h"
#include "codecs/cgroups_snapshot.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using netipc::cache::CgroupsIndex;
using netipc::codecs::CgroupsSnapshot;
namespace fuzz = netipc::fuzz;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto snapshot = CgroupsSnapshot::decode_response(fuzz::input_bytes(data, size));
    if (!snapshot) {
        return 0;
    }
    const CgroupsIndex index = CgroupsIndex::build(*snapshot);
    NETIPC_FUZZ_CHECK(index.generation() == snapshot->generation());
    NETIPC_FUZZ_CHECK(index.systemd_enabled() == snapshot->systemd_enabled());

    std::set<std::pair<std::uint32_t, std::string>> seen;
    for (const auto item : *snapshot) {
        const bool first = seen.emplace(item.hash, std::string(item.name)).second;
        const auto found = index.find(item.hash, item.name);
        NETIPC_FUZZ_CHECK(found.has_value());
        NETIPC_FUZZ_CHECK(found->hash == item.hash);
        NETIPC_FUZZ_CHECK(found->name == item.name);
        if (first) {
            NETIPC_FUZZ_CHECK(found->path == item.path);
            NETIPC_FUZZ_CHECK(found->options == item.options);
            NETIPC_FUZZ_CHECK(found->enabled == item.enabled);
        }
        // A neighbouring key: absent, or exactly that key.
        const auto other = index.find(item.hash ^ 1U, item.name);
        NETIPC_FUZZ_CHECK(!other || (other->hash == (item.hash ^ 1U) && other->name == item.name));
    }
    NETIPC_FUZZ_CHECK(index.size() == seen.size());
    for (std::uint32_t i = 0; i < index.size(); ++i) {
        NETIPC_FUZZ_CHECK(seen.contains({index[i].hash, std::string(index[i].name)}));
    }
    return 0;
}
