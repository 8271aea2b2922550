// lookup-bench: the Level 3 lookup path, no transport in the measured loop.
// A SnapshotCache is filled once from a managed server in this process (the
// real refresh path, over a private run directory), the server is stopped,
// and then every lookup is what a plugin's hot path does: take a read guard
// and find (hash, name), cycling through the 16 items. Throughput counts
// lookups; each must find its item.
#include <cstdio>
#include <string>

#include "bench/driver/args.h"
#include "bench/driver/bench_config.h"
#include "bench/driver/measurement.h"
#include "bench/driver/scenarios.h"
#include "bench/driver/snapshot_items.h"
#include "cache/snapshot_cache.h"
#include "services/cgroups_snapshot_service.h"
#include "services/managed_server.h"
#include "tests/support/temp_run_dir.h"

namespace netipc::bench::driver {

namespace {

// Fills `cache` from a server serving the bench snapshot; says why not.
bool fill_cache(cache::CgroupsSnapshotCache& cache,
                const cache::CgroupsSnapshotCache::ClientType::Address& address) {
    codecs::CgroupsSnapshotData data;
    data.systemd_enabled = 1;
    data.generation = 1;
    data.items.assign(bench_snapshot_items().begin(), bench_snapshot_items().end());
    auto server = services::ManagedServer<services::CgroupsSnapshotService>::start(
        address, {}, [&data](const codecs::CgroupsSnapshotRequestView&) { return data; });
    if (!server) {
        (void)std::fprintf(stderr, "lookup-bench: cannot start the snapshot server: %s\n",
                           server.error().message().c_str());
        return false;
    }
    auto refreshed = cache.refresh();
    (*server)->stop();
    if (!refreshed) {
        (void)std::fprintf(stderr, "lookup-bench: cannot fill the cache: %s\n",
                           refreshed.error().message().c_str());
        return false;
    }
    return true;
}

// Lookups between two clock reads: enough that the clock costs nothing
// against them.
constexpr int rounds_per_check = 64;

} // namespace

int run_lookup_bench(std::uint32_t duration_s) {
    auto run_dir = testing::TempRunDir::create("netipc-lookup");
    if (!run_dir) {
        (void)std::fprintf(stderr, "lookup-bench: %s\n", run_dir.error().message().c_str());
        return 1;
    }
    const cache::CgroupsSnapshotCache::ClientType::Address address{run_dir->path(), "lookup-bench"};
    auto cache = cache::CgroupsSnapshotCache::create(address);
    if (!cache || !fill_cache(**cache, address)) {
        return 1;
    }
    const auto& items = bench_snapshot_items();
    Measurement measurement;
    std::uint64_t misses = 0;
    const std::uint64_t allocations_before = testing::heap_allocations();
    const std::uint64_t cpu_start = process_cpu_ns();
    const std::uint64_t start = wall_ns();
    const std::uint64_t end = start + std::uint64_t{duration_s} * 1'000'000'000ULL;
    std::uint64_t now = start;
    while (now < end) {
        for (int round = 0; round < rounds_per_check; ++round) {
            for (const auto& item : items) {
                const auto guard = (*cache)->read();
                const auto found = guard->find(item.hash, item.name);
                misses += found && found->path == item.path ? 0 : 1;
            }
        }
        measurement.round_trips += std::uint64_t{rounds_per_check} * items.size();
        now = wall_ns();
    }
    measurement.cpu_s = static_cast<double>(process_cpu_ns() - cpu_start) / 1e9;
    measurement.wall_s = static_cast<double>(now - start) / 1e9;
    measurement.allocations = testing::heap_allocations() - allocations_before;
    measurement.items = measurement.round_trips;
    if (misses != 0) {
        (void)std::fprintf(stderr, "lookup-bench: %llu of %llu lookups missed\n",
                           static_cast<unsigned long long>(misses),
                           static_cast<unsigned long long>(measurement.round_trips));
        measurement.failed = true;
    }
    return report("lookup", measurement);
}

} // namespace netipc::bench::driver
