// Level 3 benchmarks: how fast a snapshot cache refreshes from a provider,
// and how fast it answers lookups next to std::unordered_map with a string
// key (the structure a consumer would otherwise write), in the same run.
//
//   ./bazelw run --config=opt //bench:cache_bench -- --benchmark_min_time=0.5
//
// Lookups are measured two ways, both honest uses of the cache:
//   held_guard   one read guard over a pass of lookups (a collection loop);
//   guard_each   a guard taken and released around every single lookup.
// The reference map is read without any lock: it is what a single-threaded
// consumer would use, so it is the bar, not a like-for-like concurrent map.
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/ratio_reporter.h"
#include "cache/read_mostly_lock.h"
#include "cache/snapshot_cache.h"
#include "codecs/simple_hash.h"
#include "services/managed_server.h"
#include "tests/support/snapshots.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/uds_seqpacket.h"

namespace {

using netipc::cache::SnapshotCache;
using netipc::codecs::CgroupsItem;
using netipc::codecs::CgroupsSnapshotBuilder;
using netipc::codecs::CgroupsSnapshotRequestView;
using netipc::codecs::simple_hash;
using netipc::services::CgroupsSnapshotService;
using netipc::services::ManagedServer;
using netipc::testing::cgroup_name;
using netipc::testing::make_snapshot;
using netipc::testing::SnapshotSource;
using netipc::testing::TempRunDir;

constexpr std::uint32_t refresh_items = 16;  // the refresh scenario
constexpr std::uint32_t lookup_items = 1000; // a busy host's cgroup count
constexpr std::uint32_t lookup_batch = 1024; // keys cycled through per pass

template <class Transport>
void snapshot_refresh(benchmark::State& state) {
    TempRunDir dir;
    SnapshotSource source(make_snapshot(1, refresh_items));
    auto server = ManagedServer<CgroupsSnapshotService, Transport>::start(
        dir.address("cgroups"), {},
        [&source](const CgroupsSnapshotRequestView& request, CgroupsSnapshotBuilder& out) {
            return source(request, out);
        });
    auto cache = SnapshotCache<CgroupsSnapshotService, Transport>::create(dir.address("cgroups"));
    if (!server || !cache || !(*cache)->refresh()) {
        state.SkipWithError("cannot start the provider or the first refresh");
        return;
    }
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores)
        if (!(*cache)->refresh()) {
            state.SkipWithError("refresh failed");
            return;
        }
    }
    state.SetItemsProcessed(state.iterations());
}
void snapshot_refresh_baseline(benchmark::State& state) {
    snapshot_refresh<netipc::transports::UdsSeqpacket>(state);
}
void snapshot_refresh_shm(benchmark::State& state) {
    snapshot_refresh<netipc::transports::DefaultTransport>(state);
}
BENCHMARK(snapshot_refresh_baseline)->UseRealTime();
BENCHMARK(snapshot_refresh_shm)->UseRealTime();

// The keys a pass looks up: names present in the snapshot (hits) or not
// (misses), with their identity hashes precomputed as a consumer has them.
struct Keys {
    std::vector<std::string> names;
    std::vector<std::uint32_t> hashes;
};

Keys make_keys(bool hits) {
    Keys keys;
    for (std::uint32_t i = 0; i < lookup_batch; ++i) {
        const std::uint32_t index = (i * 7919U) % lookup_items;
        keys.names.push_back(cgroup_name(hits ? index : index + lookup_items));
        keys.hashes.push_back(simple_hash(keys.names.back()));
    }
    return keys;
}

// A populated cache without a provider behind it: built from an in-process
// snapshot through the same index the cache publishes.
struct LocalCache {
    LocalCache() {
        source_server =
            ManagedServer<CgroupsSnapshotService, netipc::transports::UdsSeqpacket>::start(
                dir.address("cgroups"),
                netipc::services::ServerConfig{.response_payload_bytes = 1U << 20U},
                [this](const CgroupsSnapshotRequestView& request, CgroupsSnapshotBuilder& out) {
                    return source(request, out);
                })
                .value();
        cache = SnapshotCache<CgroupsSnapshotService, netipc::transports::UdsSeqpacket>::create(
                    dir.address("cgroups"))
                    .value();
        ok = cache->refresh().has_value();
        source_server->stop(); // lookups never touch the provider
    }
    TempRunDir dir;
    SnapshotSource source{make_snapshot(1, lookup_items)};
    std::unique_ptr<ManagedServer<CgroupsSnapshotService, netipc::transports::UdsSeqpacket>>
        source_server;
    std::unique_ptr<SnapshotCache<CgroupsSnapshotService, netipc::transports::UdsSeqpacket>> cache;
    bool ok = false;
};

void cache_lookup_held_guard(benchmark::State& state) {
    LocalCache local;
    const Keys keys = make_keys(state.range(0) != 0);
    if (!local.ok) {
        state.SkipWithError("could not populate the cache");
        return;
    }
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores)
        const auto guard = local.cache->read();
        for (std::uint32_t i = 0; i < lookup_batch; ++i) {
            benchmark::DoNotOptimize(guard->find(keys.hashes[i], keys.names[i]));
        }
    }
    state.SetItemsProcessed(state.iterations() * lookup_batch);
}
BENCHMARK(cache_lookup_held_guard)->ArgName("hit")->Arg(1)->Arg(0);

void cache_lookup_guard_each(benchmark::State& state) {
    LocalCache local;
    const Keys keys = make_keys(state.range(0) != 0);
    if (!local.ok) {
        state.SkipWithError("could not populate the cache");
        return;
    }
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores)
        for (std::uint32_t i = 0; i < lookup_batch; ++i) {
            const auto guard = local.cache->read();
            benchmark::DoNotOptimize(guard->find(keys.hashes[i], keys.names[i]));
        }
    }
    state.SetItemsProcessed(state.iterations() * lookup_batch);
}
BENCHMARK(cache_lookup_guard_each)->ArgName("hit")->Arg(1)->Arg(0);

void unordered_map_lookup(benchmark::State& state) {
    std::unordered_map<std::string, CgroupsItem> map;
    for (auto& item : make_snapshot(1, lookup_items).items) {
        map.emplace(item.name, item);
    }
    const Keys keys = make_keys(state.range(0) != 0);
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores)
        for (std::uint32_t i = 0; i < lookup_batch; ++i) {
            benchmark::DoNotOptimize(map.find(keys.names[i]));
        }
    }
    state.SetItemsProcessed(state.iterations() * lookup_batch);
}
BENCHMARK(unordered_map_lookup)->ArgName("hit")->Arg(1)->Arg(0);

} // namespace

int main(int argc, char** argv) {
    netipc::bench::RecordingReporter reporter(netipc::bench::console_options());
    if (!netipc::bench::run_recording(argc, argv, reporter)) {
        return 1;
    }
    std::printf("read guards: %s\n", netipc::cache::ReadMostlyLock::asymmetric()
                                         ? "asymmetric (membarrier): a plain store per guard"
                                         : "full fence per guard (no membarrier here)");
    for (const char* hit : {"hit:1", "hit:0"}) {
        const std::string suffix = std::string("/") + hit;
        netipc::bench::print_ratio(reporter, "cache(held guard)/unordered_map " + std::string(hit),
                                   "cache_lookup_held_guard" + suffix,
                                   "unordered_map_lookup" + suffix);
        netipc::bench::print_ratio(reporter, "cache(guard each)/unordered_map " + std::string(hit),
                                   "cache_lookup_guard_each" + suffix,
                                   "unordered_map_lookup" + suffix);
    }
    return 0;
}
