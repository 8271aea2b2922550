// Level 2 against Level 1: what a typed Client (state checks, retry rules,
// its abort signal, a ManagedServer worker on the other side) costs over a
// bare Session ping-pong, on both transports, measured in the same run.
//
//   ./bazelw run --config=opt //bench:client_bench -- --benchmark_min_time=0.5
//
// Prints level2/level1 ratios at the end. On this VM, check that the raw
// round trips are in the fast regime (a few microseconds): in its
// slow-wake mode every cross-thread wake costs 40-60 us and ratios mean
// little.
#include <cstdio>
#include <string>

#include <benchmark/benchmark.h>

#include "bench/increment_session_harness.h"
#include "bench/ratio_reporter.h"
#include "services/client.h"
#include "services/increment_service.h"
#include "services/managed_server.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/shm_hybrid.h"
#include "transports/posix/uds_seqpacket.h"

namespace {

using netipc::services::Client;
using netipc::services::ClientConfig;
using netipc::services::IncrementService;
using netipc::services::ManagedServer;
using Baseline = netipc::transports::UdsSeqpacket;
using Hybrid = netipc::transports::ShmHybrid<Baseline>;

template <class Transport>
void level2_increment(benchmark::State& state, std::uint32_t profiles) {
    const auto dir = netipc::testing::TempRunDir::create("netipc-bench");
    if (!dir) {
        state.SkipWithError("mkdtemp() failed");
        return;
    }
    const netipc::transports::ServiceAddress address{dir->path(), "increment"};
    auto server = ManagedServer<IncrementService, Transport>::start(
        address, {},
        [](const netipc::codecs::IncrementView& request) { return request.value + 1; });
    auto client = Client<IncrementService, Transport>::create(
        address, ClientConfig{.profiles = profiles, .preferred_profiles = profiles});
    if (!server || !client || !client->refresh()) {
        state.SkipWithError("cannot start the server or connect");
        return;
    }
    const auto session = client->status().session;
    if (!session || session->selected_profile != profiles) {
        state.SkipWithError("the session did not select the profile under test");
        return;
    }
    std::uint64_t value = 0;
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores)
        auto answer = client->call(value);
        if (!answer || answer->value != value + 1) {
            state.SkipWithError("call failed");
            break;
        }
        value = answer->value;
    }
    state.SetItemsProcessed(state.iterations());
}

void level1_uds(benchmark::State& state) {
    netipc::bench::increment_pingpong<
        netipc::Session<Baseline, netipc::framing::Nipc, netipc::codecs::Increment>>(state, false);
}
void level2_uds(benchmark::State& state) {
    level2_increment<Baseline>(state, netipc::wire::profile::baseline);
}
void level1_shm(benchmark::State& state) {
    netipc::bench::increment_pingpong<
        netipc::Session<Hybrid, netipc::framing::Nipc, netipc::codecs::Increment>>(state, true);
}
void level2_shm(benchmark::State& state) {
    level2_increment<Hybrid>(state, netipc::wire::profile::shm_hybrid);
}
BENCHMARK(level1_uds)->UseRealTime();
BENCHMARK(level2_uds)->UseRealTime();
BENCHMARK(level1_shm)->UseRealTime();
BENCHMARK(level2_shm)->UseRealTime();

} // namespace

int main(int argc, char** argv) {
    netipc::bench::RecordingReporter reporter(netipc::bench::console_options());
    if (!netipc::bench::run_recording(argc, argv, reporter)) {
        return 1;
    }
    netipc::bench::print_ratio(reporter, "level2/level1 uds", "level2_uds", "level1_uds");
    netipc::bench::print_ratio(reporter, "level2/level1 shm", "level2_shm", "level1_shm");
    return 0;
}
