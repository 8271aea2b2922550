// The chaos run: several clients call a provider continuously while the
// provider (a separate `netipc serve cgroups-snapshot` process) is killed
// with SIGKILL and started again, many times. One run drives:
//   - a Level 2 Client on the baseline transport (UDS SEQPACKET only),
//   - a Level 2 Client on the default transport (shared memory selected),
//   - a Level 3 CgroupsSnapshotCache (default transport),
// each in its own thread, calling as fast as it can, and reports what it saw.
//
// Restarts are driven by events, never by time: the provider is killed only
// once every client has made a successful call that started after the
// current provider said READY, and a client that cannot reach a provider
// waits for the next one (woken by the restart) or retries after a short
// pause of its own. The limits below are generous bounds that turn a hang
// into a clear failure message; no outcome depends on how fast anything is.
//
// Checked, and reported as violations:
//   - every client recovers on its own after every restart;
//   - the cache, once populated, never reads as empty again;
//   - no call stays in progress past its timeouts (a generous bound);
//   - regions (.ipcshm) the killed provider left behind are removed by the
//     next provider's start;
//   - at the end: no descriptor, no mapping of the run directory and no file
//     in it is left (counted from /proc/self and the directory).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace netipc::testing::chaos {

struct ChaosOptions {
    std::string netipc_binary; // the `netipc` program to run as the provider
    int restarts = 3;          // SIGKILLs (each followed by a new provider)
    // Bound on how long every client may take to succeed against a new
    // provider; passing it is a failure, not a timing measurement.
    std::chrono::seconds recovery_limit{60};
};

struct ClientFigures {
    std::string name;
    std::uint64_t successes = 0; // calls (or cache refreshes) answered
    std::uint64_t failures = 0;  // attempts that failed (provider gone, ...)
    std::uint64_t reconnects = 0;
    std::uint64_t shm_successes = 0; // of the successes, over shared memory
};

struct ChaosReport {
    int restarts_survived = 0; // restarts after which every client recovered
    std::vector<ClientFigures> clients;
    std::uint64_t stale_regions_removed = 0; // killed providers' regions cleaned at start
    std::size_t leaked_descriptors = 0;
    std::size_t leaked_mappings = 0;
    std::vector<std::string> leftover_files;
    std::vector<std::string> violations; // empty when everything held

    [[nodiscard]] std::uint64_t total_successes() const {
        std::uint64_t total = 0;
        for (const auto& client : clients) {
            total += client.successes;
        }
        return total;
    }
};

// Runs the whole scenario in a private run directory and returns what it
// saw. Never throws for what the provider or the clients do: that lands in
// `violations`.
ChaosReport run_chaos(const ChaosOptions& options);

// The `netipc` program from the runfiles of a Bazel test or binary.
std::string netipc_binary_from_runfiles(const char* argv0 = nullptr);

} // namespace netipc::testing::chaos
