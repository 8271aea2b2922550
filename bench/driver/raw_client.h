// The client loop both raw ceilings share: one 40-byte message out, its
// answer in, the value checked (sent + 1), timed by measure() and reported
// with "raw" in the implementation columns. Only the exchange differs:
// a socket's send()/recv() or a shared mapping's publish()/wait().
#pragma once

#include <cstdio>
#include <optional>

#include "bench/driver/measurement.h"
#include "bench/driver/raw_message.h"

namespace netipc::bench::driver {

// `exchange(out, in)` sends `out` and fills `in` with the answer; false
// (after saying why on stderr) when it could not.
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
            if (!exchange(out, in)) {
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

} // namespace netipc::bench::driver
