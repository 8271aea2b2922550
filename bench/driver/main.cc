// netipc_bench: the cross-process benchmark driver. Its subcommands,
// arguments and CSV line are those of the other NetIPC implementations'
// drivers, so any client can be paired with any server:
//
//   netipc_bench uds-ping-pong-server <run_dir> <service> [duration_s]
//   netipc_bench uds-ping-pong-client <run_dir> <service> <duration_s> <target_rps>
//
// (target_rps 0: as fast as possible). The full list is in usage() below
// and docs/performance.md; bench/run-matrix runs them all.
#include <array>
#include <csignal>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "bench/driver/args.h"
#include "bench/driver/scenarios.h"

namespace {

using namespace netipc::bench::driver;

enum class Kind : std::uint8_t { server, client, pipeline_client, duration_only };

struct Subcommand {
    std::string_view name;
    Kind kind;
    int (*serve)(const ServerArgs&) = nullptr;
    int (*run)(const ClientArgs&) = nullptr;
    int (*run_for)(std::uint32_t) = nullptr;
};

const std::array subcommands = {
    Subcommand{"uds-ping-pong-server", Kind::server,
               [](const ServerArgs& a) { return serve_increment(a, Plane::uds); }},
    Subcommand{"uds-ping-pong-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_increment_client(a, Plane::uds); }},
    Subcommand{"shm-ping-pong-server", Kind::server,
               [](const ServerArgs& a) { return serve_increment(a, Plane::shm); }},
    Subcommand{"shm-ping-pong-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_increment_client(a, Plane::shm); }},
    Subcommand{"uds-batch-ping-pong-server", Kind::server,
               [](const ServerArgs& a) { return serve_increment(a, Plane::uds); }},
    Subcommand{"uds-batch-ping-pong-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_increment_batch_client(a, Plane::uds); }},
    // The SHM plane with the protocol's fixed spin only (no adaptive wait),
    // for comparison; the wire is the same, so its peers may be any driver.
    Subcommand{"shm-fixed-spin-ping-pong-server", Kind::server,
               [](const ServerArgs& a) { return serve_increment(a, Plane::shm_fixed_spin); }},
    Subcommand{"shm-fixed-spin-ping-pong-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_increment_client(a, Plane::shm_fixed_spin); }},
    Subcommand{
        "shm-fixed-spin-batch-ping-pong-client", Kind::client, nullptr,
        [](const ClientArgs& a) { return run_increment_batch_client(a, Plane::shm_fixed_spin); }},
    Subcommand{"shm-batch-ping-pong-server", Kind::server,
               [](const ServerArgs& a) { return serve_increment(a, Plane::shm); }},
    Subcommand{"shm-batch-ping-pong-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_increment_batch_client(a, Plane::shm); }},
    Subcommand{"snapshot-server", Kind::server,
               [](const ServerArgs& a) { return serve_snapshot(a, Plane::uds); }},
    Subcommand{"snapshot-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_snapshot_client(a, Plane::uds); }},
    Subcommand{"snapshot-shm-server", Kind::server,
               [](const ServerArgs& a) { return serve_snapshot(a, Plane::shm); }},
    Subcommand{"snapshot-shm-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_snapshot_client(a, Plane::shm); }},
    // Pipelines run against uds-ping-pong-server and uds-batch-ping-pong-server.
    Subcommand{"uds-pipeline-client", Kind::pipeline_client, nullptr, run_pipeline_client},
    Subcommand{"uds-pipeline-batch-client", Kind::pipeline_client, nullptr,
               run_pipeline_batch_client},
    Subcommand{"lookup-bench", Kind::duration_only, nullptr, nullptr, run_lookup_bench},
    Subcommand{"raw-uds-ping-pong-server", Kind::server,
               [](const ServerArgs& a) { return serve_raw_uds(a, raw_uds_single); }},
    Subcommand{"raw-uds-ping-pong-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_raw_uds_client(a, raw_uds_single); }},
    Subcommand{"raw-uds-batch-ping-pong-server", Kind::server,
               [](const ServerArgs& a) { return serve_raw_uds(a, raw_uds_batch); }},
    Subcommand{"raw-uds-batch-ping-pong-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_raw_uds_client(a, raw_uds_batch); }},
    Subcommand{"raw-shm-ping-pong-server", Kind::server,
               [](const ServerArgs& a) { return serve_raw_shm(a, raw_shm_single); }},
    Subcommand{"raw-shm-ping-pong-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_raw_shm_client(a, raw_shm_single); }},
    Subcommand{"raw-shm-batch-ping-pong-server", Kind::server,
               [](const ServerArgs& a) { return serve_raw_shm(a, raw_shm_batch); }},
    Subcommand{"raw-shm-batch-ping-pong-client", Kind::client, nullptr,
               [](const ClientArgs& a) { return run_raw_shm_client(a, raw_shm_batch); }},
};

const char* arguments_of(Kind kind) {
    switch (kind) {
        case Kind::server:
            return "<run_dir> <service> [duration_s]";
        case Kind::client:
            return "<run_dir> <service> <duration_s> <target_rps>";
        case Kind::pipeline_client:
            return "<run_dir> <service> <duration_s> <target_rps> <depth>";
        case Kind::duration_only:
            return "<duration_s>";
    }
    return "";
}

void usage(const char* program) {
    (void)std::fprintf(stderr, "usage:\n");
    for (const auto& subcommand : subcommands) {
        (void)std::fprintf(stderr, "  %s %.*s %s\n", program,
                           static_cast<int>(subcommand.name.size()), subcommand.name.data(),
                           arguments_of(subcommand.kind));
    }
    (void)std::fprintf(stderr,
                       "options: --auth TOKEN (decimal or 0x hex; default 0xBE4C400000C0FFEE)\n"
                       "target_rps 0 runs as fast as possible. Clients print one CSV line:\n"
                       "  scenario,client,server,throughput,p50_us,p95_us,p99_us,"
                       "client_cpu_pct,server_cpu_pct,total_cpu_pct\n");
}

int dispatch(const Subcommand& subcommand, const Parsed& parsed, std::string& error) {
    switch (subcommand.kind) {
        case Kind::server:
            if (auto args = server_args(parsed, error)) {
                return subcommand.serve(*args);
            }
            break;
        case Kind::client:
        case Kind::pipeline_client:
            if (auto args = client_args(parsed, subcommand.kind == Kind::pipeline_client, error)) {
                return subcommand.run(*args);
            }
            break;
        case Kind::duration_only:
            if (auto duration = duration_only(parsed, error)) {
                return subcommand.run_for(*duration);
            }
            break;
    }
    return -1;
}

} // namespace

int main(int argc, char** argv) {
    // A peer that goes away mid-send is an error to report, not a signal
    // that kills the run silently.
    (void)std::signal(SIGPIPE, SIG_IGN);
    const std::span<char* const> arguments(argv, static_cast<std::size_t>(argc));
    if (arguments.size() < 2) {
        usage(arguments[0]);
        return 2;
    }
    const std::string_view name = arguments[1];
    if (name == "--help" || name == "-h" || name == "help") {
        usage(arguments[0]);
        return 0;
    }
    for (const auto& subcommand : subcommands) {
        if (subcommand.name != name) {
            continue;
        }
        std::string error;
        auto parsed = split_options(arguments.subspan(2), error);
        const int status = parsed ? dispatch(subcommand, *parsed, error) : -1;
        if (status >= 0) {
            return status;
        }
        (void)std::fprintf(stderr, "%s %s: %s\n", arguments[0], arguments[1], error.c_str());
        usage(arguments[0]);
        return 2;
    }
    (void)std::fprintf(stderr, "%s: unknown subcommand '%s'\n", arguments[0], arguments[1]);
    usage(arguments[0]);
    return 2;
}
