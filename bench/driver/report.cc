// The driver's output: the one CSV line every NetIPC driver prints,
//   scenario,client,server,throughput,p50_us,p95_us,p99_us,client_cpu_pct,server_cpu_pct,total_cpu_pct
// and, on stderr, the heap allocations the measured window made.
#include <cstdio>

#include "bench/driver/bench_config.h"
#include "bench/driver/measurement.h"

namespace netipc::bench::driver {

int report(const std::string& scenario, const Measurement& measurement,
           const char* implementation) {
    if (measurement.failed) {
        (void)std::fprintf(stderr, "%s: failed after %llu round trips; no result\n",
                           scenario.c_str(),
                           static_cast<unsigned long long>(measurement.round_trips));
        return 1;
    }
    if (measurement.round_trips == 0 || measurement.wall_s <= 0) {
        (void)std::fprintf(stderr, "%s: no round trip completed in the window\n", scenario.c_str());
        return 1;
    }
    const double throughput = static_cast<double>(measurement.items) / measurement.wall_s;
    const double client_cpu = 100.0 * measurement.cpu_s / measurement.wall_s;
    // 0.0 when the server's PID is unknown, as the other drivers print it
    // for their harnesses to fill in.
    const double server_cpu = 100.0 * measurement.server_cpu_s.value_or(0.0) / measurement.wall_s;
    const auto& latencies = measurement.latencies;
    (void)std::printf("%s,%s,%s,%.0f,%.3f,%.3f,%.3f,%.1f,%.1f,%.1f\n", scenario.c_str(),
                      implementation, implementation, throughput,
                      latencies.percentile_ns(50) / 1000, latencies.percentile_ns(95) / 1000,
                      latencies.percentile_ns(99) / 1000, client_cpu, server_cpu,
                      client_cpu + server_cpu);
    (void)std::fflush(stdout);
    (void)std::fprintf(stderr,
                       "%s: heap allocations in steady state: %llu in %llu round trips "
                       "(%.6f per request)\n",
                       scenario.c_str(), static_cast<unsigned long long>(measurement.allocations),
                       static_cast<unsigned long long>(measurement.round_trips),
                       static_cast<double>(measurement.allocations)
                           / static_cast<double>(measurement.round_trips));
    return 0;
}

} // namespace netipc::bench::driver
