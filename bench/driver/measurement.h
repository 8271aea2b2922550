// One client run's measured window: a warm-up outside it, then round trips
// for duration_s (paced by target_rps), each timed into a histogram, with
// the client's and the server's CPU time and the heap allocations made
// during the window.
//
// A step is one round trip (one request, one batch, or one pipeline of
// requests): it returns the items it completed, or nullopt after printing to
// stderr why an answer was wrong or missing, which ends the run as failed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bench/driver/args.h"
#include "bench/driver/bench_config.h"
#include "bench/driver/clock.h"
#include "bench/driver/latency_histogram.h"
#include "bench/driver/rate_limiter.h"
#include "bench/driver/server_cpu.h"
#include "tests/support/alloc_counter.h"

namespace netipc::bench::driver {

struct Measurement {
    std::uint64_t round_trips = 0; // steps completed in the window
    std::uint64_t items = 0;       // what the throughput column counts
    double wall_s = 0;
    double cpu_s = 0;
    std::optional<double> server_cpu_s; // when the server's PID is known
    std::uint64_t allocations = 0;      // heap allocations during the window
    LatencyHistogram latencies;         // per step
    bool failed = false;
};

// Steps run before the window, so buffers reach their working size and the
// connection is warm; the window then sees steady state only. At most this
// many steps, for at most warm_up_ns: a pipeline of 16 large batches is slow
// in an unoptimised build, and a warm-up must not outlast the server.
inline constexpr int warm_up_steps = 100;
inline constexpr std::uint64_t warm_up_ns = 200'000'000;

template <class Step>
void measure(const ClientArgs& args, Step step, Measurement& out) {
    const std::uint64_t warm_up_end = wall_ns() + warm_up_ns;
    for (int i = 0; i < warm_up_steps && wall_ns() < warm_up_end; ++i) {
        if (!step()) {
            out.failed = true;
            return;
        }
    }
    ServerCpu server(args.run_dir, args.service); // reads a file: before the window
    server.start();
    const std::uint64_t allocations_before = testing::heap_allocations();
    const std::uint64_t cpu_start = process_cpu_ns();
    const std::uint64_t start = wall_ns();
    const std::uint64_t end = start + std::uint64_t{args.duration_s} * 1'000'000'000ULL;
    RateLimiter limiter(args.target_rps, start);
    std::uint64_t now = start;
    while (now < end) {
        limiter.wait();
        const std::uint64_t sent = wall_ns();
        const std::optional<std::uint64_t> items = step();
        now = wall_ns();
        if (!items) {
            out.failed = true;
            break;
        }
        out.latencies.record(now - sent);
        ++out.round_trips;
        out.items += *items;
    }
    out.cpu_s = static_cast<double>(process_cpu_ns() - cpu_start) / 1e9;
    out.wall_s = static_cast<double>(now - start) / 1e9;
    out.allocations = testing::heap_allocations() - allocations_before;
    out.server_cpu_s = server.stop();
}

// Prints the CSV line on stdout (`implementation` in the client and server
// columns) and the allocation report on stderr; returns the process's exit
// status: 1 when the run failed or measured nothing.
int report(const std::string& scenario, const Measurement& measurement,
           const char* implementation = implementation_name);

} // namespace netipc::bench::driver
