// The long chaos run (manual): `chaos_soak [--restarts N]` (default 200)
// kills and restarts the provider N times under three calling clients and
// prints the figures; exit status 0 when nothing broke.
//
//   ./bazelw test //tests/chaos:chaos_soak --test_output=all
//   ./bazelw test //tests/chaos:chaos_soak --test_output=all --test_arg=--restarts=1000
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tests/chaos/chaos_run.h"

namespace chaos = netipc::testing::chaos;

int main(int argc, char** argv) {
    chaos::ChaosOptions options;
    options.restarts = 200;
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument(argv[i]);
        if (argument.starts_with("--restarts=")) {
            options.restarts = std::atoi(argument.substr(11).data());
        } else if (argument == "--restarts" && i + 1 < argc) {
            options.restarts = std::atoi(argv[++i]);
        } else {
            fmt::print(stderr, "usage: chaos_soak [--restarts N]\n");
            return 2;
        }
    }
    if (options.restarts < 1) {
        fmt::print(stderr, "chaos_soak: --restarts must be at least 1\n");
        return 2;
    }
    options.netipc_binary = chaos::netipc_binary_from_runfiles(argv[0]);
    const auto report = chaos::run_chaos(options);

    fmt::print("restarts survived: {} of {}\n", report.restarts_survived, options.restarts);
    for (const auto& client : report.clients) {
        fmt::print("  {:<16} answered {:>9}  failed {:>7}  reconnects {:>6}  over SHM {:>9}\n",
                   client.name, client.successes, client.failures, client.reconnects,
                   client.shm_successes);
    }
    fmt::print("calls answered: {}\n", report.total_successes());
    fmt::print("stale regions removed by the next start: {}\n", report.stale_regions_removed);
    fmt::print("leaked descriptors: {}, mappings: {}, files: {}\n", report.leaked_descriptors,
               report.leaked_mappings, report.leftover_files.size());
    for (const auto& violation : report.violations) {
        fmt::print("VIOLATION: {}\n", violation);
    }
    const bool clean = report.violations.empty() && report.restarts_survived == options.restarts
                       && report.leaked_descriptors == 0 && report.leaked_mappings == 0
                       && report.leftover_files.empty();
    fmt::print("{}\n", clean ? "PASS" : "FAIL");
    return clean ? EXIT_SUCCESS : EXIT_FAILURE;
}
