// Round trips per second over shared memory: netipc sessions on
// ShmHybrid<UdsSeqpacket> (handshake on the socket, data through the
// session's SHM region) against a minimal raw shared-memory ping-pong written
// here, measured in the same run, so the ratio netipc/raw says how much of
// the shared-memory ceiling the library keeps (the goal is >= 0.90).
//
//   ./bazelw run --config=opt //bench:shm_pingpong_bench -- --benchmark_min_time=0.5
//
// Every benchmark uses wall-clock time (UseRealTime): the client thread spends
// most of a round trip waiting, so CPU time would say nothing useful.
//
// The raw ping-pong is bench/raw_shm_channel.h: what the netipc region does,
// minus everything else (spin 128 times with a pause hint, then a shared
// futex wait); the driver's cross-process raw-shm-ping-pong uses the same
// channel.
//
// Two raw ceilings, which differ only in how the consumer sleeps:
//   - timed (the primary ceiling): FUTEX_WAIT with a timeout, the time left
//     until the call's deadline (30 s from the start of each round trip,
//     Level 2's default per-call timeout). This is the wait the protocol
//     mandates, "spin, then a futex wait with a timeout", so that a dead
//     peer is noticed; netipc is held to it.
//   - untimed: FUTEX_WAIT without a timeout. Faster (no kernel timer to arm
//     and cancel), but a peer that dies leaves the other side asleep
//     forever, so no robust implementation can match it: a second line
//     for reference, never the target.
// netipc's calls carry the same 30 s deadline.
//
// netipc runs twice: with its default adaptive spin (a busy session keeps
// spinning long enough to catch the next message, transports/adaptive_spin.h)
// and with the protocol's fixed spin alone (FixedPacing), so the gain of the
// adaptive wait is measured in the same run too.
//
// The ratios compare rows of one run only. On a VM whose idle vCPUs halt,
// waking a sleeping peer can take ~40 us instead of ~2 us, and which regime a
// run lands in depends on what else the host does; a ceiling measured in the
// same run pays the same wakes, so the ratio, not an absolute time, says how
// much the library loses. For steadier ratios use
//   --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
// (the ratios then use the median of the repetitions).
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/increment_session_harness.h"
#include "bench/ratio_reporter.h"
#include "bench/raw_shm_channel.h"
#include "codecs/increment.h"
#include "framing/nipc.h"
#include "netipc/wire/batch.h"
#include "sessions/session.h"
#include "transports/posix/shm_hybrid.h"
#include "transports/posix/uds_seqpacket.h"

namespace {

using namespace netipc;
using namespace std::chrono_literals;

using Hybrid = transports::ShmHybrid<transports::UdsSeqpacket>;
using IncrementSession = Session<Hybrid, framing::Nipc, codecs::Increment>;
using FixedSpinHybrid = transports::ShmHybrid<transports::UdsSeqpacket, transports::FixedPacing>;
using FixedSpinSession = Session<FixedSpinHybrid, framing::Nipc, codecs::Increment>;

using bench::batch_message_size;
using bench::max_batch_items;
using bench::RawShmChannel;
using bench::request_direction;
using bench::response_direction;
using bench::single_message_size;
using bench::Sleep;

// --- raw ceiling -----------------------------------------------------------

// Level 2's default per-call timeout: the deadline of every raw round trip
// and of every netipc call in these benchmarks.
constexpr auto call_timeout = bench::call_timeout;

// A RawShmChannel (bench/raw_shm_channel.h) over an anonymous shared mapping
// that this process's two threads share.
class RawChannel {
public:
    explicit RawChannel(std::size_t capacity)
        : capacity_(capacity), size_(RawShmChannel::mapping_size(capacity)) {
        void* mapped =
            ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (mapped == MAP_FAILED) {
            return;
        }
        base_ = static_cast<std::byte*>(mapped);
        (void)RawShmChannel(base_, capacity_, true); // constructs the control words
    }
    RawChannel(const RawChannel&) = delete;
    RawChannel& operator=(const RawChannel&) = delete;
    ~RawChannel() {
        if (base_ != nullptr) {
            ::munmap(base_, size_);
        }
    }
    [[nodiscard]] bool ok() const noexcept { return base_ != nullptr; }
    // A view of the mapping (only when ok()); views are two words, cheap to make.
    [[nodiscard]] RawShmChannel view() const noexcept { return {base_, capacity_, false}; }

private:
    std::size_t capacity_;
    std::size_t size_;
    std::byte* base_ = nullptr;
};

// A RawChannel whose far end echoes every request back as the response.
class RawEcho {
public:
    RawEcho(std::size_t message_size, Sleep sleep) : channel_(message_size) {
        if (!channel_.ok()) {
            return;
        }
        echo_ = std::thread([channel = channel_.view(), sleep] {
            std::uint64_t last_seen = 0;
            for (;;) {
                // A server waiting for the next request has no call deadline;
                // a timed wait still bounds its sleep to notice a dead client.
                const std::uint32_t size =
                    channel.wait(request_direction, last_seen, sleep,
                                 std::chrono::steady_clock::now() + call_timeout);
                if (size == 0) {
                    return; // the client is done: the benchmark is over
                }
                channel.publish(response_direction, channel.area(request_direction), size);
            }
        });
    }
    RawEcho(const RawEcho&) = delete;
    RawEcho& operator=(const RawEcho&) = delete;
    ~RawEcho() {
        if (echo_.joinable()) {
            channel_.view().publish(request_direction, nullptr, 0);
            echo_.join();
        }
    }
    [[nodiscard]] bool ok() const noexcept { return channel_.ok(); }
    [[nodiscard]] RawShmChannel channel() const noexcept { return channel_.view(); }

private:
    RawChannel channel_;
    std::thread echo_;
};

// One message of `size` bytes there and back per iteration; the client
// copies the answer out, as a receiver that keeps it must.
void raw_round_trips(benchmark::State& state, std::size_t size, std::int64_t items_per_trip,
                     Sleep sleep) {
    RawEcho echo(size, sleep);
    if (!echo.ok()) {
        state.SkipWithError("mmap() failed");
        return;
    }
    const RawShmChannel channel = echo.channel();
    std::vector<std::byte> out(size, std::byte{0x2A});
    std::vector<std::byte> in(size);
    std::uint64_t last_seen = 0;
    // The loop variable only drives Google Benchmark's timing.
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores)
        const auto deadline = std::chrono::steady_clock::now() + call_timeout;
        channel.publish(request_direction, out.data(), out.size());
        const std::uint32_t received = channel.wait(response_direction, last_seen, sleep, deadline);
        if (received != size) {
            state.SkipWithError("raw echo answered the wrong size");
            break;
        }
        std::memcpy(in.data(), channel.area(response_direction), received);
        benchmark::DoNotOptimize(in.data());
    }
    state.SetItemsProcessed(state.iterations() * items_per_trip);
}

void raw_shm_timed_pingpong(benchmark::State& state) {
    raw_round_trips(state, single_message_size, 1, Sleep::timed);
}
BENCHMARK(raw_shm_timed_pingpong)->UseRealTime();

void raw_shm_untimed_pingpong(benchmark::State& state) {
    raw_round_trips(state, single_message_size, 1, Sleep::untimed);
}
BENCHMARK(raw_shm_untimed_pingpong)->UseRealTime();

void raw_shm_timed_batch_pingpong(benchmark::State& state) {
    const auto items = static_cast<std::uint32_t>(state.range(0));
    const std::size_t size = batch_message_size(items);
    if (size == 0) {
        state.SkipWithError("cannot size the batch message");
        return;
    }
    raw_round_trips(state, size, items, Sleep::timed);
}
BENCHMARK(raw_shm_timed_batch_pingpong)->Arg(16)->Arg(max_batch_items)->UseRealTime();

// --- netipc ------------------------------------------------------------------

void netipc_shm_increment_pingpong(benchmark::State& state) {
    bench::increment_pingpong<IncrementSession>(state, true);
}
BENCHMARK(netipc_shm_increment_pingpong)->UseRealTime();

void netipc_shm_increment_batch_pingpong(benchmark::State& state) {
    bench::increment_batch_pingpong<IncrementSession>(state, true);
}
BENCHMARK(netipc_shm_increment_batch_pingpong)->Arg(16)->Arg(max_batch_items)->UseRealTime();

void netipc_shm_fixed_spin_pingpong(benchmark::State& state) {
    bench::increment_pingpong<FixedSpinSession>(state, true);
}
BENCHMARK(netipc_shm_fixed_spin_pingpong)->UseRealTime();

void netipc_shm_fixed_spin_batch_pingpong(benchmark::State& state) {
    bench::increment_batch_pingpong<FixedSpinSession>(state, true);
}
BENCHMARK(netipc_shm_fixed_spin_batch_pingpong)->Arg(16)->UseRealTime();

} // namespace

int main(int argc, char** argv) {
    netipc::bench::RecordingReporter reporter(netipc::bench::console_options());
    if (!netipc::bench::run_recording(argc, argv, reporter)) {
        return 1;
    }
    std::printf(
        "raw-timed: spin, then a futex wait with the call's deadline (the protocol's "
        "wait, the primary ceiling); raw-untimed: a futex wait without a timeout (a "
        "dead peer would never be noticed; reference only)\n");
    netipc::bench::print_ratio(reporter, "netipc/raw-timed shm single (primary)",
                               "netipc_shm_increment_pingpong", "raw_shm_timed_pingpong");
    netipc::bench::print_ratio(reporter, "netipc/raw-untimed shm single (reference)",
                               "netipc_shm_increment_pingpong", "raw_shm_untimed_pingpong");
    netipc::bench::print_ratio(reporter, "raw-timed/raw-untimed shm single (cost of the timeout)",
                               "raw_shm_timed_pingpong", "raw_shm_untimed_pingpong");
    netipc::bench::print_ratio(reporter, "netipc adaptive/fixed spin shm single",
                               "netipc_shm_increment_pingpong", "netipc_shm_fixed_spin_pingpong");
    netipc::bench::print_ratio(reporter, "netipc adaptive/fixed spin shm batch/16",
                               "netipc_shm_increment_batch_pingpong/16",
                               "netipc_shm_fixed_spin_batch_pingpong/16");
    netipc::bench::print_ratio(reporter, "netipc fixed spin/raw-timed shm single",
                               "netipc_shm_fixed_spin_pingpong", "raw_shm_timed_pingpong");
    for (const std::uint32_t items : {16U, max_batch_items}) {
        const std::string args = std::to_string(items);
        netipc::bench::print_ratio(reporter, "netipc/raw-timed shm batch/" + args + " (primary)",
                                   "netipc_shm_increment_batch_pingpong/" + args,
                                   "raw_shm_timed_batch_pingpong/" + args);
    }
    benchmark::Shutdown();
    return 0;
}
