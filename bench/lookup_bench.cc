// Lookup services beside the snapshot path: logical lookup calls per second
// and items (answers) per second for CGROUPS_LOOKUP and APPS_LOOKUP, next to
// CGROUPS_SNAPSHOT calls returning the same number of items, over UDS and
// SHM, Client and ManagedServer on both sides, measured in the same run.
//
//   ./bazelw run --config=opt //bench:lookup_bench -- --benchmark_min_time=0.5
//
// The argument is the number of keys per lookup (items per snapshot). The
// "split" variants give the provider an 8 KiB response ceiling, so 256 keys
// take several request/response cycles stitched into one answer. Ratios at
// the end compare items per second: lookup / snapshot of as many items.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/ratio_reporter.h"
#include "services/apps_lookup_service.h"
#include "services/cgroups_lookup_service.h"
#include "services/cgroups_snapshot_service.h"
#include "services/client.h"
#include "services/lookup_table.h"
#include "services/managed_server.h"
#include "tests/support/snapshots.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/shm_hybrid.h"
#include "transports/posix/uds_seqpacket.h"

namespace {

using netipc::services::ClientConfig;
using netipc::services::ServerConfig;
using netipc::testing::TempRunDir;
using Baseline = netipc::transports::UdsSeqpacket;
using Hybrid = netipc::transports::ShmHybrid<Baseline>;

constexpr std::uint32_t table_size = 1024;
constexpr std::uint32_t split_ceiling = 8 * 1024;

std::string path_of(std::uint32_t index) {
    return "/kubepods.slice/kubepods-burstable.slice/pod-" + std::to_string(index);
}

netipc::services::LookupTable<netipc::codecs::CgroupsLookup> cgroups_table() {
    netipc::services::LookupTable<netipc::codecs::CgroupsLookup> table;
    for (std::uint32_t i = 0; i < table_size; ++i) {
        table.put({netipc::codecs::CgroupsLookupStatus::known,
                   netipc::codecs::Orchestrator::k8s,
                   path_of(i),
                   "k8s_pod_" + std::to_string(i),
                   {{"namespace", "default"}, {"pod", "pod-" + std::to_string(i)}}});
    }
    return table;
}

netipc::services::LookupTable<netipc::codecs::AppsLookup> apps_table() {
    netipc::services::LookupTable<netipc::codecs::AppsLookup> table;
    for (std::uint32_t pid = 1; pid <= table_size; ++pid) {
        netipc::codecs::AppsLookupItem item;
        item.pid = pid;
        item.ppid = 1;
        item.uid = 1000;
        item.starttime = pid;
        item.comm = "worker-" + std::to_string(pid % 1000);
        item.cgroup_path = path_of(pid);
        item.cgroup_name = "k8s_pod_" + std::to_string(pid);
        item.orchestrator = netipc::codecs::Orchestrator::k8s;
        item.labels = {{"namespace", "default"}};
        table.put(std::move(item));
    }
    return table;
}

// The client of service S over Transport with `profiles`, connected to a
// ManagedServer answering with `handler`; skips the benchmark on failure.
template <class S, class Transport, class Handler>
void measure(benchmark::State& state, std::uint32_t profiles, const ServerConfig& server_config,
             Handler handler, auto call) {
    TempRunDir dir;
    const auto address = dir.address("lookup");
    auto server =
        netipc::services::ManagedServer<S, Transport>::start(address, server_config, handler);
    auto client = netipc::services::Client<S, Transport>::create(
        address, ClientConfig{.profiles = profiles, .preferred_profiles = profiles});
    if (!server || !client || !client->refresh()) {
        state.SkipWithError("cannot start the server or connect");
        return;
    }
    std::int64_t items = 0;
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores)
        const auto answered = call(*client);
        if (answered < 0) {
            state.SkipWithError("call failed");
            break;
        }
        items += answered;
    }
    state.SetItemsProcessed(items);
}

template <class Transport>
void cgroups_lookup(benchmark::State& state, std::uint32_t profiles, std::uint32_t ceiling) {
    const auto table = cgroups_table();
    std::vector<std::string> owned;
    for (std::int64_t i = 0; i < state.range(0); ++i) {
        owned.push_back(path_of(static_cast<std::uint32_t>((i * 7) % table_size)));
    }
    const std::vector<std::string_view> paths(owned.begin(), owned.end());
    measure<netipc::services::CgroupsLookupService, Transport>(
        state, profiles, ServerConfig{.response_payload_bytes = ceiling},
        [&table](const netipc::codecs::CgroupsLookupRequestView& request) {
            return table.answer(request);
        },
        [&paths](auto& client) -> std::int64_t {
            auto answer = client.lookup(paths);
            return answer && answer->size() == paths.size() ? answer->size() : -1;
        });
}

template <class Transport>
void apps_lookup(benchmark::State& state, std::uint32_t profiles, std::uint32_t ceiling) {
    const auto table = apps_table();
    std::vector<std::uint32_t> pids;
    for (std::int64_t i = 0; i < state.range(0); ++i) {
        pids.push_back(static_cast<std::uint32_t>(1 + ((i * 7) % table_size)));
    }
    measure<netipc::services::AppsLookupService, Transport>(
        state, profiles, ServerConfig{.response_payload_bytes = ceiling},
        [&table](const netipc::codecs::AppsLookupRequestView& request) {
            return table.answer(request);
        },
        [&pids](auto& client) -> std::int64_t {
            auto answer = client.lookup(pids);
            return answer && answer->size() == pids.size() ? answer->size() : -1;
        });
}

template <class Transport>
void snapshot(benchmark::State& state, std::uint32_t profiles) {
    const auto data = netipc::testing::make_snapshot(1, static_cast<std::uint32_t>(state.range(0)));
    measure<netipc::services::CgroupsSnapshotService, Transport>(
        state, profiles, ServerConfig{.response_payload_bytes = 1024 * 1024},
        [&data](const netipc::codecs::CgroupsSnapshotRequestView&) { return data; },
        [](auto& client) -> std::int64_t {
            auto answer = client.call(netipc::codecs::CgroupsSnapshotRequest{});
            return answer ? answer->size() : -1;
        });
}

constexpr auto uds = netipc::wire::profile::baseline;
constexpr auto shm = netipc::wire::profile::shm_hybrid;
constexpr std::uint32_t default_ceiling = 0;

void cgroups_lookup_uds(benchmark::State& state) {
    cgroups_lookup<Baseline>(state, uds, default_ceiling);
}
void cgroups_lookup_shm(benchmark::State& state) {
    cgroups_lookup<Hybrid>(state, shm, default_ceiling);
}
void cgroups_lookup_split_shm(benchmark::State& state) {
    cgroups_lookup<Hybrid>(state, shm, split_ceiling);
}
void apps_lookup_uds(benchmark::State& state) {
    apps_lookup<Baseline>(state, uds, default_ceiling);
}
void apps_lookup_shm(benchmark::State& state) {
    apps_lookup<Hybrid>(state, shm, default_ceiling);
}
void apps_lookup_split_shm(benchmark::State& state) {
    apps_lookup<Hybrid>(state, shm, split_ceiling);
}
void snapshot_uds(benchmark::State& state) {
    snapshot<Baseline>(state, uds);
}
void snapshot_shm(benchmark::State& state) {
    snapshot<Hybrid>(state, shm);
}

BENCHMARK(cgroups_lookup_uds)->Arg(1)->Arg(16)->Arg(256)->UseRealTime();
BENCHMARK(cgroups_lookup_shm)->Arg(1)->Arg(16)->Arg(256)->UseRealTime();
BENCHMARK(cgroups_lookup_split_shm)->Arg(256)->UseRealTime();
BENCHMARK(apps_lookup_uds)->Arg(1)->Arg(16)->Arg(256)->UseRealTime();
BENCHMARK(apps_lookup_shm)->Arg(1)->Arg(16)->Arg(256)->UseRealTime();
BENCHMARK(apps_lookup_split_shm)->Arg(256)->UseRealTime();
BENCHMARK(snapshot_uds)->Arg(16)->Arg(256)->UseRealTime();
BENCHMARK(snapshot_shm)->Arg(16)->Arg(256)->UseRealTime();

} // namespace

int main(int argc, char** argv) {
    netipc::bench::RecordingReporter reporter(netipc::bench::console_options());
    if (!netipc::bench::run_recording(argc, argv, reporter)) {
        return 1;
    }
    using netipc::bench::print_ratio;
    for (const char* keys : {"16", "256"}) {
        for (const char* transport : {"uds", "shm"}) {
            const std::string suffix = std::string(transport) + "/" + keys;
            print_ratio(reporter, "cgroups_lookup/snapshot items " + suffix,
                        "cgroups_lookup_" + suffix, "snapshot_" + suffix);
            print_ratio(reporter, "apps_lookup/snapshot items " + suffix, "apps_lookup_" + suffix,
                        "snapshot_" + suffix);
        }
    }
    print_ratio(reporter, "cgroups_lookup split/whole items shm/256",
                "cgroups_lookup_split_shm/256", "cgroups_lookup_shm/256");
    return 0;
}
