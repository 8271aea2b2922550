// The chaos run of tests/chaos/chaos_run.h in its short form: a few
// SIGKILL restarts of the provider while three clients call. The long form
// is //tests/chaos:chaos_soak (manual).
#include <catch2/catch.hpp>

#include "tests/chaos/chaos_run.h"
#include "tests/support/watchdog.h"

namespace {

using namespace std::chrono_literals;
using netipc::testing::Watchdog;
namespace chaos = netipc::testing::chaos;

constexpr int restarts = 3;

TEST_CASE("clients and a cache recover from SIGKILL restarts of their provider, leaking nothing",
          "[chaos]") {
    chaos::ChaosOptions options;
    options.netipc_binary = chaos::netipc_binary_from_runfiles();
    options.restarts = restarts;
    // The run ends itself on a hang (its own bounds); this is the last resort.
    const Watchdog watchdog(600s, "the chaos run");
    const auto report = chaos::run_chaos(options);

    for (const auto& violation : report.violations) {
        UNSCOPED_INFO("violation: " << violation);
    }
    CHECK(report.violations.empty());
    CHECK(report.restarts_survived == restarts);
    REQUIRE(report.clients.size() == 3);
    for (const auto& client : report.clients) {
        INFO(client.name);
        // Each client succeeded against every one of the restarts + 1 providers.
        CHECK(client.successes >= restarts + 1);
        // ... and reconnected after each kill.
        CHECK(client.reconnects >= restarts);
    }
    // The shared-memory client and the cache really used shared memory.
    CHECK(report.clients[0].shm_successes == 0);
    CHECK(report.clients[1].shm_successes > 0);
    CHECK(report.clients[2].shm_successes > 0);
    // Each killed provider left its SHM sessions' regions (two clients use
    // SHM), and the next start removed them.
    CHECK(report.stale_regions_removed >= restarts);
    CHECK(report.leaked_descriptors == 0);
    CHECK(report.leaked_mappings == 0);
    CHECK(report.leftover_files.empty());
}

} // namespace
