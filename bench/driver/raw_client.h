// The client loops the raw ceilings share, timed by measure() and reported
// with "raw" in the implementation columns. Only the exchange differs
// between the planes: a socket's send()/recv() or a shared mapping's
// publish()/wait().
//
//   single: one 40-byte message out, its answer in, the value checked
//           (sent + 1); throughput in round trips.
//   batch:  one batch message out per round trip, its sizes from the
//           seeded BatchSizes the netipc batch rows use, every item checked;
//           throughput in items.
#pragma once

#include <cstdio>
#include <optional>
#include <span>
#include <vector>

#include "bench/driver/batch_sizes.h"
#include "bench/driver/measurement.h"
#include "bench/driver/raw_message.h"

namespace netipc::bench::driver {

// `exchange(out, in)` sends `out` and fills `in` (as many bytes as `out`)
// with the answer; false (after saying why on stderr) when it could not.
template <class Exchange>
int run_raw_ping_pong(const ClientArgs& args, const char* scenario, Exchange exchange) {
    RawMessage out{};
    RawMessage in{};
    std::uint64_t counter = 0;
    Measurement measurement;
    measure(
        args,
        [&]() -> std::optional<std::uint64_t> {
            set_raw_value(out.data(), counter);
            if (!exchange(std::span<const std::byte>(out), std::span<std::byte>(in))) {
                return std::nullopt;
            }
            if (raw_value(in.data()) != counter + 1) {
                (void)std::fprintf(stderr, "%s: wrong answer to %llu\n", scenario,
                                   static_cast<unsigned long long>(counter));
                return std::nullopt;
            }
            ++counter;
            return 1;
        },
        measurement);
    return report(scenario, measurement, raw_implementation);
}

template <class Exchange>
int run_raw_batch_ping_pong(const ClientArgs& args, const char* scenario, Exchange exchange) {
    // Both buffers at their largest before the window: no step allocates.
    std::vector<std::byte> out(raw_batch_capacity);
    std::vector<std::byte> in(raw_batch_capacity);
    std::uint64_t counter = 0;
    const auto round_trip = [&](std::uint32_t items) -> std::optional<std::uint64_t> {
        // What netipc's client does per batch: lays out the directory and
        // the values.
        write_raw_batch_directory(out.data(), items);
        for (std::uint32_t i = 0; i < items; ++i) {
            set_raw_batch_value(out.data(), items, i, counter + i);
        }
        const std::size_t size = raw_batch_message_size(items);
        if (!exchange(std::span<const std::byte>(out.data(), size),
                      std::span<std::byte>(in.data(), size))) {
            return std::nullopt;
        }
        for (std::uint32_t i = 0; i < items; ++i) {
            const std::uint64_t sent = counter + i;
            const std::uint64_t got = raw_batch_value(in.data(), items, i);
            if (got != sent + 1) {
                (void)std::fprintf(stderr, "%s: batch item %u/%u: sent %llu, got %llu\n", scenario,
                                   i, items, static_cast<unsigned long long>(sent),
                                   static_cast<unsigned long long>(got));
                return std::nullopt;
            }
        }
        counter += items;
        return items;
    };
    BatchSizes sizes;
    Measurement measurement;
    measure(args, [&] { return round_trip(sizes.next()); }, measurement);
    return report(scenario, measurement, raw_implementation);
}

// The loop `scenario` measures, over `exchange`.
template <class Exchange>
int run_raw_client(const ClientArgs& args, const RawScenario& scenario, Exchange exchange) {
    return scenario.batch ? run_raw_batch_ping_pong(args, scenario.name, exchange)
                          : run_raw_ping_pong(args, scenario.name, exchange);
}

} // namespace netipc::bench::driver
