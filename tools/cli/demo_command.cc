// `netipc demo`: the whole story with no set-up. A private run directory,
// providers started as separate processes (`netipc serve`, this very
// program), then a consumer in this process: the handshake over the
// baseline and over SHM, a snapshot, one lookup of each kind, a Level 3
// cache that outlives a provider restart, a rough throughput figure per transport, and a clean
// shutdown that leaves nothing behind.
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cache/snapshot_cache.h"
#include "services/apps_lookup_service.h"
#include "services/cgroups_lookup_service.h"
#include "services/cgroups_snapshot_service.h"
#include "services/client.h"
#include "services/increment_service.h"
#include "tools/cli/child_process.h"
#include "tools/cli/command.h"
#include "tools/cli/demo_run_dir.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/handshake_report.h"
#include "tools/cli/lookup_json.h"
#include "tools/cli/options.h"
#include "tools/cli/report.h"
#include "tools/cli/signals.h"
#include "tools/cli/snapshot_json.h"
#include "tools/cli/this_process.h"

namespace netipc::cli {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::string_view command_name = "demo";
constexpr auto start_timeout = 10s;
constexpr auto stop_timeout = 10s;
constexpr auto throughput_window = 500ms;
constexpr int steps = 7;

struct DemoOptions {
    std::uint32_t throughput_ms = throughput_window.count();
};

// Why the demo stopped early: the message is printed, the status returned.
struct Stop {
    int status;
};

// The run directory: private, removed with its contents whatever happens
// (tools/cli/demo_run_dir.h says what it is on each platform).
using RunDir = DemoRunDir;

class Demo {
public:
    Demo(RunDir& run_dir, const TerminationSignals& signals, const DemoOptions& options)
        : run_dir_(run_dir), signals_(signals), options_(options), program_(this_program_path()) {}

    int run() {
        fmt::print("netipc demo: providers and a consumer on this machine, over NetIPC\n");
        fmt::print("run directory: {}\n", run_dir_.path());
        try_step([&] { start_providers(); });
        try_step([&] {
            handshake(transport_baseline,
                      fmt::format("the baseline ({})", baseline_transport_name()), 2);
        });
        try_step([&] {
            handshake(transport_shm, fmt::format("shared memory ({})", shm_transport_name()), 3);
        });
        try_step([&] { snapshot(); });
        try_step([&] { lookups(); });
        try_step([&] { cache(); });
        try_step([&] { throughput(); });
        if (!stopped_) {
            return clean_up();
        }
        // An early stop still asks the providers to leave politely.
        for (auto* provider : {&increment_, &snapshot_, &cgroups_lookup_, &apps_lookup_}) {
            if (*provider) {
                (void)(*provider)->signal(SIGTERM);
                (void)(*provider)->wait(stop_timeout);
            }
        }
        return stopped_->status;
    }

private:
    // Runs `step` unless an earlier one stopped the demo or a signal came.
    template <class Step>
    void try_step(Step step) {
        if (stopped_) {
            return;
        }
        if (signals_.pending() != 0) {
            stop(report_error(command_name, "interrupted"));
            return;
        }
        step();
        (void)std::fflush(stdout);
    }

    void stop(int status) {
        if (!stopped_) {
            stopped_ = Stop{status};
        }
    }
    void fail(std::string_view doing, const Error& error) {
        stop(report_failure(command_name, doing, error));
    }

    static void heading(int step, std::string_view title) {
        fmt::print("\n[{}/{}] {}\n", step, steps, title);
    }

    // Starts `netipc serve KIND` and waits for its READY line.
    std::optional<ChildProcess> start_provider(std::string_view kind,
                                               std::vector<std::string> extra = {}) {
        std::vector<std::string> arguments{
            "serve",     std::string(kind), "--run-dir",   run_dir_.path(),
            "--service", std::string(kind), "--transport", std::string(transport_shm)};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        auto child = ChildProcess::spawn(program_, arguments, false);
        if (!child) {
            fail(fmt::format("cannot start {}", program_), child.error());
            return std::nullopt;
        }
        auto line = child->read_line(start_timeout);
        if (!line || *line != "READY") {
            stop(report_error(command_name,
                              fmt::format("netipc serve {} did not print READY", kind)));
            return std::nullopt;
        }
        fmt::print("  netipc serve {:<17} pid {:<7} READY\n", kind, child->pid());
        return std::move(*child);
    }

    void start_providers() {
        heading(1, "start four providers (separate processes, all offer SHM)");
        if (program_.empty()) {
            stop(report_error(command_name, "cannot find the path of this program"));
            return;
        }
        increment_ = start_provider(kind_increment);
        if (increment_) {
            snapshot_ = start_provider(kind_cgroups_snapshot);
        }
        if (snapshot_) {
            cgroups_lookup_ = start_provider(kind_cgroups_lookup);
        }
        if (cgroups_lookup_) {
            apps_lookup_ = start_provider(kind_apps_lookup);
        }
    }

    // A ready INCREMENT client over `transport`, or nullopt (demo stopped).
    std::optional<services::Client<services::IncrementService>> increment_client(
        std::string_view transport) {
        EndpointOptions endpoint;
        endpoint.run_dir = run_dir_.path();
        endpoint.service = kind_increment;
        endpoint.transport = transport;
        auto client = services::Client<services::IncrementService>::create(endpoint.address(),
                                                                           client_config(endpoint));
        if (!client) {
            fail("cannot create a client", client.error());
            return std::nullopt;
        }
        (void)client->refresh();
        if (!client->ready()) {
            fail("cannot connect to the increment provider",
                 client->status().last_error.value_or(Error{}));
            return std::nullopt;
        }
        return std::move(*client);
    }

    void handshake(std::string_view transport, std::string_view title, int step) {
        heading(step, fmt::format("handshake over {}", title));
        const auto started = std::chrono::steady_clock::now();
        auto client = increment_client(transport);
        if (!client) {
            return;
        }
        const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - started);
        const auto session = client->status().session;
        if (!session) {
            stop(report_error(command_name, "a ready client without a session"));
            return;
        }
        const HandshakeReport report{describe_endpoint(client->address()), *session, elapsed};
        fmt::print("{}", to_text(report, "  "));
        auto answer = client->call(41);
        if (!answer) {
            fail("INCREMENT call failed", answer.error());
            return;
        }
        fmt::print("  INCREMENT 41 -> {}\n", answer->value);
    }

    void snapshot() {
        heading(4, "CGROUPS_SNAPSHOT: one call, every item");
        EndpointOptions endpoint;
        endpoint.run_dir = run_dir_.path();
        endpoint.service = kind_cgroups_snapshot;
        auto client = services::Client<services::CgroupsSnapshotService>::create(
            endpoint.address(), client_config(endpoint));
        if (!client) {
            fail("cannot create a client", client.error());
            return;
        }
        (void)client->refresh();
        auto answer = client->call(codecs::CgroupsSnapshotRequest{});
        if (!answer) {
            fail("CGROUPS_SNAPSHOT call failed", answer.error());
            return;
        }
        fmt::print("  generation {}, systemd_enabled {}, {} items\n", answer->generation(),
                   answer->systemd_enabled(), answer->size());
        fmt::print("  {:<10}  {:<7}  {:<7}  {:<29}  {}\n", "hash", "options", "enabled", "name",
                   "path");
        for (const codecs::CgroupsItemView item : *answer) {
            fmt::print("  0x{:08x}  0x{:<5x}  {:<7}  {:<29}  {}\n", item.hash, item.options,
                       item.enabled, item.name, item.path);
        }
    }

    // One lookup through a Level 2 client of service S, printed as text.
    template <class S, class Keys>
    void lookup(std::string_view kind, const Keys& keys) {
        EndpointOptions endpoint;
        endpoint.run_dir = run_dir_.path();
        endpoint.service = kind;
        auto client = services::Client<S>::create(endpoint.address(), client_config(endpoint));
        if (!client) {
            fail("cannot create a client", client.error());
            return;
        }
        (void)client->refresh();
        auto answer = client->lookup(keys);
        if (!answer) {
            fail(fmt::format("{} lookup failed", kind), answer.error());
            return;
        }
        fmt::print("  {}: generation {}, {} keys asked, {} answers in order\n", kind,
                   answer->generation(), keys.size(), answer->size());
        std::string text = lookup_to_text(*answer);
        for (std::size_t at = 0; at < text.size();) {
            const std::size_t end = text.find('\n', at);
            fmt::print("    {}\n", text.substr(at, end - at));
            at = end + 1;
        }
    }

    void lookups() {
        heading(5, "CGROUPS_LOOKUP and APPS_LOOKUP: a few keys, an answer for each");
        const std::array<std::string_view, 3> paths{
            "/system.slice/docker-4f2a9c.scope",
            "/kubepods.slice/kubepods-burstable.slice/pod-8c1d", "/no/such/cgroup"};
        lookup<services::CgroupsLookupService>(kind_cgroups_lookup,
                                               std::span<const std::string_view>(paths));
        if (stopped_) {
            return;
        }
        const std::array<std::uint32_t, 3> pids{1234, 812, 99999};
        lookup<services::AppsLookupService>(kind_apps_lookup, std::span<const std::uint32_t>(pids));
    }

    static void print_lookup(const cache::CgroupsSnapshotCache& cache, std::string_view name) {
        auto item = cache.find_copy(name);
        fmt::print("  lookup {:<16} -> {}\n", name, item ? item->path : std::string("absent"));
    }

    void cache() {
        heading(6, "Level 3 cache: refresh, lookups, and a provider restart");
        EndpointOptions endpoint;
        endpoint.run_dir = run_dir_.path();
        endpoint.service = kind_cgroups_snapshot;
        auto cache =
            cache::CgroupsSnapshotCache::create(endpoint.address(), client_config(endpoint));
        if (!cache) {
            fail("cannot create the cache", cache.error());
            return;
        }
        auto& view = **cache;
        if (auto refreshed = view.refresh(); !refreshed) {
            fail("cache refresh failed", refreshed.error());
            return;
        }
        auto status = view.status();
        fmt::print("  refresh: ok, generation {}, {} items\n", status.generation, status.items);
        print_lookup(view, "docker_nginx");
        print_lookup(view, "no-such-cgroup");

        // Stop the provider: refreshes fail, the cache keeps answering.
        if (!stop_provider(snapshot_, "cgroups-snapshot")) {
            return;
        }
        auto failed = view.refresh();
        status = view.status();
        fmt::print("  provider stopped; refresh: {}\n",
                   failed ? std::string("unexpectedly ok") : failed.error().message());
        fmt::print("  the cache still holds generation {}, {} items\n", status.generation,
                   status.items);
        print_lookup(view, "docker_nginx");

        // Restart it with a newer generation: the next refresh picks it up.
        auto next = sample_snapshot();
        next.generation = 2;
        next.items.pop_back();
        const std::string data_file = run_dir_.path() + "/generation-2.json";
        {
            std::ofstream out(data_file);
            out << dump_json(snapshot_to_json(next), true) << '\n';
            if (!out.flush()) {
                stop(report_error(command_name, fmt::format("cannot write {}", data_file)));
                return;
            }
        }
        fmt::print("  restarting the provider with newer data (generation 2, one item fewer)\n");
        snapshot_ = start_provider(kind_cgroups_snapshot, {"--data", data_file});
        std::error_code ignored;
        fs::remove(data_file, ignored); // read at start-up; the run dir must end empty
        if (!snapshot_) {
            return;
        }
        if (auto refreshed = view.refresh(); !refreshed) {
            fail("cache refresh after the restart failed", refreshed.error());
            return;
        }
        status = view.status();
        fmt::print("  refresh: ok, generation {}, {} items (refreshes: {} ok, {} failed)\n",
                   status.generation, status.items, status.refresh_successes,
                   status.refresh_failures);
    }

    // Round trips per second through a Level 2 client over `transport`.
    std::optional<double> calls_per_second(std::string_view transport) {
        auto client = increment_client(transport);
        if (!client) {
            return std::nullopt;
        }
        const auto window = std::chrono::milliseconds(options_.throughput_ms);
        const auto started = std::chrono::steady_clock::now();
        std::uint64_t value = 0;
        std::uint64_t calls = 0;
        for (;;) {
            auto answer = client->call(value);
            if (!answer) {
                fail("INCREMENT call failed", answer.error());
                return std::nullopt;
            }
            value = answer->value;
            ++calls;
            if (calls % 256 == 0 && std::chrono::steady_clock::now() - started >= window) {
                break;
            }
        }
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
        return static_cast<double>(calls) / elapsed.count();
    }

    void throughput() {
        heading(7, fmt::format("throughput: INCREMENT ping-pong, one client, {} ms per transport",
                               options_.throughput_ms));
        for (const auto transport : {transport_baseline, transport_shm}) {
            const auto rate = calls_per_second(transport);
            if (!rate) {
                return;
            }
            fmt::print("  {:<9} {:>10.0f} calls/s\n", transport, *rate);
        }
        fmt::print("  (a rough figure from this build; bench/ has the careful measurements)\n");
    }

    // Asks it to stop (SIGTERM; a stop event on Windows), then it must exit 0.
    bool stop_provider(std::optional<ChildProcess>& provider, std::string_view kind) {
        if (!provider) {
            return true;
        }
        (void)provider->signal(SIGTERM);
        const auto exit = provider->wait(stop_timeout);
        provider.reset();
        if (!exit || !exit->exited_with(0)) {
            stop(report_error(command_name,
                              fmt::format("netipc serve {} did not exit cleanly", kind)));
            return false;
        }
        return true;
    }

    int clean_up() {
        fmt::print("\nclean-up\n");
        for (auto [provider, kind] :
             {std::pair{&increment_, kind_increment}, std::pair{&snapshot_, kind_cgroups_snapshot},
              std::pair{&cgroups_lookup_, kind_cgroups_lookup},
              std::pair{&apps_lookup_, kind_apps_lookup}}) {
            if (!stop_provider(*provider, kind)) {
                return to_int(ExitCode::failure);
            }
        }
        const auto left = run_dir_.entries();
        if (!left.empty()) {
            return report_error(command_name, fmt::format("files left in the run directory: {}",
                                                          fmt::join(left, ", ")));
        }
        fmt::print("  providers asked to stop, exit status 0; run directory empty, removed\n");
        fmt::print("\ndemo complete\n");
        return to_int(ExitCode::ok);
    }

    RunDir& run_dir_;
    const TerminationSignals& signals_;
    const DemoOptions& options_;
    std::string program_;
    std::optional<ChildProcess> increment_;
    std::optional<ChildProcess> snapshot_;
    std::optional<ChildProcess> cgroups_lookup_;
    std::optional<ChildProcess> apps_lookup_;
    std::optional<Stop> stopped_;
};

int run_demo(const DemoOptions& options) {
    const TerminationSignals signals; // Ctrl-C still cleans up
    auto run_dir = RunDir::create("netipc-demo");
    if (!run_dir) {
        return report_failure(command_name, "cannot create a run directory", run_dir.error());
    }
    Demo demo(*run_dir, signals, options);
    return demo.run();
}

} // namespace

Command add_demo_command(CLI::App& program) {
    auto options = std::make_shared<DemoOptions>();
    auto* command = program.add_subcommand(
        "demo",
        "Start providers and a consumer in a private run directory and show the handshake "
        "(baseline and SHM), a snapshot, a cgroups and an apps lookup, a cache lookup and a rough "
        "throughput figure; then "
        "clean up. No arguments needed.");
    add_unsigned_option(*command, "--throughput-ms", options->throughput_ms,
                        "How long each throughput run lasts (default 500)", std::uint32_t{1},
                        std::uint32_t{10000})
        ->type_name("MS");
    command->footer(exit_code_help());
    return {command, [options] { return run_demo(*options); }};
}

} // namespace netipc::cli
