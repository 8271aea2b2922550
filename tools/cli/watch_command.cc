// `netipc watch cgroups-snapshot`: a Level 3 cache refreshed in a loop, one
// line per refresh with the connection state, the cached generation and
// item count, the refresh counters and any lookups asked for. Stop the
// provider and start it again to see the cache keep its items meanwhile.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cache/snapshot_cache.h"
#include "tools/cli/command.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/options.h"
#include "tools/cli/report.h"
#include "tools/cli/signals.h"
#include "tools/cli/snapshot_json.h"

namespace netipc::cli {

namespace {

constexpr std::string_view command_name = "watch";

struct WatchOptions {
    std::string kind;
    EndpointOptions endpoint;
    std::uint32_t interval_ms = 1000;
    std::uint32_t timeout_ms = 5000;
    std::uint32_t count = 0; // 0: until a signal
    std::vector<std::string> lookups;
    bool json = false;
};

// Local wall-clock time as HH:MM:SS.mmm.
std::string clock_text() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    // fmt's localtime: thread-safe on every platform (localtime_r is POSIX).
    const std::tm local = fmt::localtime(seconds);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()
        % 1000;
    return fmt::format("{:02}:{:02}:{:02}.{:03}", local.tm_hour, local.tm_min, local.tm_sec,
                       millis);
}

// A JSON string literal: quotes and escapes, so a value with blanks stays
// one field on the line.
std::string json_quoted(std::string_view text) {
    return dump_json(nlohmann::ordered_json(std::string(text)), false);
}

void print_refresh(const WatchOptions& options, const cache::CgroupsSnapshotCache& cache,
                   const Result<void>& refreshed) {
    const auto status = cache.status();
    std::string error;
    if (!refreshed) {
        error = refreshed.error().message();
    }
    if (options.json) {
        nlohmann::ordered_json line;
        line["time"] = clock_text();
        line["state"] = std::string(services::to_string(status.connection));
        line["refresh"] = refreshed ? "ok" : "failed";
        line["generation"] = status.generation;
        line["items"] = status.items;
        line["refreshes_ok"] = status.refresh_successes;
        line["refreshes_failed"] = status.refresh_failures;
        line["error"] = refreshed ? nlohmann::ordered_json() : nlohmann::ordered_json(error);
        nlohmann::ordered_json lookups = nlohmann::ordered_json::object();
        for (const auto& name : options.lookups) {
            auto item = cache.find_copy(std::string_view(name));
            lookups[name] = item ? item_to_json(item->view()) : nlohmann::ordered_json();
        }
        line["lookups"] = std::move(lookups);
        fmt::print("{}\n", dump_json(line, false));
    } else {
        std::string line = fmt::format(
            "{} state={} refresh={} generation={} items={} refreshes_ok={} refreshes_failed={}",
            clock_text(), services::to_string(status.connection), refreshed ? "ok" : "failed",
            status.generation, status.items, status.refresh_successes, status.refresh_failures);
        if (!refreshed) {
            line += fmt::format(" error={}", json_quoted(error));
        }
        for (const auto& name : options.lookups) {
            auto item = cache.find_copy(std::string_view(name));
            line += fmt::format(" lookup[{}]={}", name, item ? json_quoted(item->path) : "absent");
        }
        fmt::print("{}\n", line);
    }
    (void)std::fflush(stdout); // one line per refresh, even into a pipe
}

// SnapshotCache::refresh() answers a client that cannot connect with
// Errc::not_ready from the call it then tries, which hides why (nothing
// listening, a refused token, ...). Connecting first keeps that cause.
Result<void> refresh(cache::CgroupsSnapshotCache& cache) {
    auto& client = cache.client();
    (void)client.refresh();
    std::optional<Error> connect_error;
    if (!client.ready()) {
        connect_error = client.status().last_error;
    }
    auto refreshed = cache.refresh();
    if (!refreshed && refreshed.error().code == Errc::not_ready && connect_error) {
        return std::unexpected(*connect_error);
    }
    return refreshed;
}

int run_watch(WatchOptions& options) {
    if (options.endpoint.service.empty()) {
        options.endpoint.service = options.kind;
    }
    const TerminationSignals signals;
    services::ClientConfig config = client_config(options.endpoint);
    config.call_timeout = std::chrono::milliseconds(options.timeout_ms);
    config.connect_timeout = config.call_timeout;
    auto cache = cache::CgroupsSnapshotCache::create(options.endpoint.address(), config);
    if (!cache) {
        return report_failure(command_name, "cannot create the cache", cache.error());
    }
    for (std::uint32_t refreshes = 1;; ++refreshes) {
        const auto refreshed = refresh(**cache);
        print_refresh(options, **cache, refreshed);
        if (options.count != 0 && refreshes == options.count) {
            return refreshed ? to_int(ExitCode::ok) : to_int(exit_code_for(refreshed.error().code));
        }
        if (signals.wait_for(std::chrono::milliseconds(options.interval_ms)) != 0) {
            return to_int(ExitCode::ok);
        }
    }
}

} // namespace

Command add_watch_command(CLI::App& program) {
    auto options = std::make_shared<WatchOptions>();
    auto* command = program.add_subcommand(
        "watch",
        "Keep a Level 3 snapshot cache and refresh it in a loop, one line per refresh: the "
        "cache keeps its items while the provider is away.");
    command->add_option("kind", options->kind, "cgroups-snapshot (the one snapshot service)")
        ->required()
        ->check(CLI::IsMember({std::string(kind_cgroups_snapshot)}))
        ->type_name("KIND");
    add_endpoint_options(*command, options->endpoint, ServiceOption::defaults_to_kind);
    add_unsigned_option(*command, "--interval", options->interval_ms,
                        "Time between refreshes, in milliseconds (default 1000)")
        ->type_name("MS");
    add_unsigned_option(*command, "--timeout", options->timeout_ms,
                        "Bound on each connect and refresh call, in milliseconds (default 5000)",
                        std::uint32_t{1})
        ->type_name("MS");
    add_unsigned_option(*command, "--count", options->count,
                        "Stop after N refreshes; the exit status is the last refresh's (default: "
                        "run until SIGINT/SIGTERM, then exit 0)",
                        std::uint32_t{1});
    command
        ->add_option("--lookup", options->lookups,
                     "Look NAME up in the cache after every refresh (repeatable)")
        ->allow_extra_args(false) // one NAME per --lookup
        ->type_name("NAME");
    command->add_flag("--json", options->json, "One JSON object per line");
    command->footer(exit_code_help());
    return {command, [options] { return run_watch(*options); }};
}

} // namespace netipc::cli
