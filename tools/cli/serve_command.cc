// `netipc serve KIND`: a managed server for one service kind, e.g. a fake
// provider to test a consumer against. Prints READY once it accepts
// connections; SIGINT, SIGTERM or SIGHUP stop it cleanly (socket and SHM
// files removed, exit status 0).
#include <algorithm>
#include <bit>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <ranges>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "services/apps_lookup_service.h"
#include "services/cgroups_lookup_service.h"
#include "services/cgroups_snapshot_service.h"
#include "services/defaults.h"
#include "services/increment_service.h"
#include "services/lookup_table.h"
#include "services/managed_server.h"
#include "services/string_reverse_service.h"
#include "tools/cli/command.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/lookup_json.h"
#include "tools/cli/options.h"
#include "tools/cli/report.h"
#include "tools/cli/signals.h"
#include "tools/cli/snapshot_json.h"
#include "tools/cli/this_process.h"

namespace netipc::cli {

namespace {

constexpr std::string_view command_name = "serve";

struct ServeOptions {
    std::string kind;
    EndpointOptions endpoint;
    std::string data_file;
    std::uint32_t max_sessions = 0;
    std::uint32_t handshake_timeout_ms = 0;
    std::uint32_t max_request_bytes = 0;
    std::uint32_t max_response_bytes = 0;
    std::uint32_t delay_ms = 0;
    std::vector<std::uint32_t> allowed_uids;
    std::vector<std::uint32_t> allowed_gids;
    bool fail = false;
    bool verbose = false;
};

// Lets handlers that hold their answer back (--delay) be cut short when the
// server stops, so shutdown never waits for a delay to run out.
class Pause {
public:
    void sleep_for(std::chrono::milliseconds duration) {
        std::unique_lock lock(mutex_);
        (void)woken_.wait_for(lock, duration, [this] { return stopping_; });
    }
    void stop() {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        woken_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable woken_;
    bool stopping_ = false;
};

// Reverses the request's text into the response, as the reference servers do.
Result<void> reverse(const codecs::StringReverseView& request, codecs::StringReverseBuilder& out) {
    auto room = out.text_buffer(request.text.size());
    if (!room) {
        return std::unexpected(room.error());
    }
    std::ranges::copy(std::views::reverse(request.text), room->begin());
    return {};
}

// Adds what --delay and --fail ask for around a builder-filling handler.
template <class S, class Fill>
auto with_test_behaviour(const ServeOptions& options, Pause& pause, Fill fill) {
    using RequestView = typename S::Codec::RequestView;
    using ResponseBuilder = typename S::Codec::ResponseBuilder;
    return
        [delay = std::chrono::milliseconds(options.delay_ms), fail_all = options.fail, &pause,
         fill = std::move(fill)](const RequestView& request, ResponseBuilder& out) -> Result<void> {
            if (delay.count() > 0) {
                pause.sleep_for(delay);
            }
            if (fail_all) {
                return fail(Errc::internal, "serve --fail: every request fails");
            }
            return fill(request, out);
        };
}

template <class S, class Handler>
int run_server(const ServeOptions& options, const services::ServerConfig& config,
               const TerminationSignals& signals, Pause& pause, Handler handler) {
    const auto address = options.endpoint.address();
    auto server = services::ManagedServer<S>::start(address, config, std::move(handler));
    if (!server) {
        return report_failure(command_name,
                              fmt::format("cannot listen at {}", describe_endpoint(address)),
                              server.error());
    }
    if (options.verbose) {
        fmt::print(stderr, "netipc serve: {} at {} (transport {}), pid {}\n", options.kind,
                   describe_endpoint(address), options.endpoint.transport, this_process_id());
    }
    (void)std::fputs("READY\n", stdout);
    (void)std::fflush(stdout);

    const int signal_number = signals.wait();
    pause.stop();
    (*server)->stop();
    if (options.verbose) {
        const auto stats = (*server)->stats();
        fmt::print(stderr,
                   "netipc serve: stopped by signal {}: {} sessions, {} requests, {} handler "
                   "failures, {} peers refused\n",
                   signal_number, stats.sessions_accepted, stats.requests_served,
                   stats.handler_failures, stats.peers_refused);
    }
    return to_int(ExitCode::ok);
}

// A lookup provider answering from the table in --data (or `sample`):
// keys not in it answer the codec's "never heard of it" (cgroups:
// UNKNOWN_PERMANENT, apps: UNKNOWN).
template <class S, class Load>
int serve_lookup(const ServeOptions& options, const services::ServerConfig& config,
                 typename S::Codec::OwnedResponse sample, Load load) {
    using Codec = typename S::Codec;
    typename Codec::OwnedResponse data = std::move(sample);
    if (!options.data_file.empty()) {
        auto loaded = load(options.data_file);
        if (!loaded) {
            return report_usage(command_name, loaded.error());
        }
        data = std::move(*loaded);
    }
    auto table = std::make_shared<services::LookupTable<Codec>>();
    table->set_generation(data.generation);
    for (auto& item : data.items) {
        table->put(std::move(item));
    }
    const TerminationSignals signals; // before the server starts any thread
    Pause pause;
    auto answer = [table](const typename Codec::RequestView& request,
                          typename Codec::ResponseBuilder& out) {
        return S::respond(out, table->answer(request));
    };
    return run_server<S>(options, config, signals, pause,
                         with_test_behaviour<S>(options, pause, answer));
}

int run_serve(ServeOptions& options) {
    if (options.endpoint.service.empty()) {
        options.endpoint.service = options.kind;
    }
    const bool snapshot_kind = options.kind == kind_cgroups_snapshot;
    const bool lookup_kind =
        options.kind == kind_cgroups_lookup || options.kind == kind_apps_lookup;
    if (!options.data_file.empty() && !snapshot_kind && !lookup_kind) {
        return report_usage(command_name,
                            "--data is only for cgroups-snapshot, cgroups-lookup and apps-lookup");
    }

    services::ServerConfig config = server_config(options.endpoint);
    config.max_sessions = options.max_sessions;
    config.handshake_timeout = std::chrono::milliseconds(options.handshake_timeout_ms);
    config.request_payload_bytes = options.max_request_bytes;
    config.response_payload_bytes = options.max_response_bytes;
    config.allowed_uids = options.allowed_uids;
    config.allowed_gids = options.allowed_gids;

    // Data is loaded before anything listens: a bad file is a usage error,
    // and a consumer never sees a provider that cannot answer.
    auto snapshot = std::make_shared<codecs::CgroupsSnapshotData>();
    if (snapshot_kind) {
        if (options.data_file.empty()) {
            *snapshot = sample_snapshot();
        } else {
            auto loaded = load_snapshot_file(options.data_file);
            if (!loaded) {
                return report_usage(command_name, loaded.error());
            }
            *snapshot = std::move(*loaded);
        }
        // Grant a response ceiling the whole snapshot fits in, unless told.
        const std::size_t size = codecs::CgroupsSnapshot::encoded_size(*snapshot);
        if (size > services::defaults::payload_growth_cap && options.max_response_bytes == 0) {
            return report_usage(command_name,
                                fmt::format("the snapshot encodes to {} bytes, more than the {} a "
                                            "client grows to; pass --max-response-bytes",
                                            size, services::defaults::payload_growth_cap));
        }
        if (config.response_payload_bytes == 0) {
            config.response_payload_bytes =
                std::max(services::defaults::response_payload_bytes,
                         std::bit_ceil(static_cast<std::uint32_t>(size)));
        }
    } else if (options.kind == kind_string_reverse && config.response_payload_bytes == 0) {
        // An answer is as long as its request: grant what requests may grow to.
        config.response_payload_bytes = config.request_payload_bytes != 0
                                            ? config.request_payload_bytes
                                            : services::defaults::payload_growth_cap;
    }

    // Lookups fit any response ceiling: answers that do not are split.
    if (options.kind == kind_cgroups_lookup) {
        return serve_lookup<services::CgroupsLookupService>(
            options, config, sample_cgroups_lookup(), load_cgroups_lookup_file);
    }
    if (options.kind == kind_apps_lookup) {
        return serve_lookup<services::AppsLookupService>(options, config, sample_apps_lookup(),
                                                         load_apps_lookup_file);
    }

    const TerminationSignals signals; // before the server starts any thread
    Pause pause;
    if (options.kind == kind_increment) {
        auto plus_one = [](const codecs::IncrementView& request,
                           codecs::IncrementBuilder& out) -> Result<void> {
            out.set(request.value + 1); // wraps at 2^64 like C unsigned arithmetic
            return {};
        };
        return run_server<services::IncrementService>(
            options, config, signals, pause,
            with_test_behaviour<services::IncrementService>(options, pause, plus_one));
    }
    if (options.kind == kind_string_reverse) {
        return run_server<services::StringReverseService>(
            options, config, signals, pause,
            with_test_behaviour<services::StringReverseService>(options, pause, reverse));
    }
    auto answer = [snapshot](const codecs::CgroupsSnapshotRequestView&,
                             codecs::CgroupsSnapshotBuilder& out) {
        return services::CgroupsSnapshotService::respond(out, *snapshot);
    };
    return run_server<services::CgroupsSnapshotService>(
        options, config, signals, pause,
        with_test_behaviour<services::CgroupsSnapshotService>(options, pause, answer));
}

} // namespace

Command add_serve_command(CLI::App& program) {
    auto options = std::make_shared<ServeOptions>();
    auto* command = program.add_subcommand(
        "serve",
        "Run a provider: a managed server for one service kind. Prints READY when it accepts "
        "connections; SIGINT/SIGTERM stop it and remove its files.");
    command
        ->add_option("kind", options->kind,
                     "increment (answers value+1), string-reverse (answers the reversed "
                     "string), cgroups-snapshot, cgroups-lookup, apps-lookup (each serves "
                     "--data or a built-in sample)")
        ->required()
        ->check(CLI::IsMember({std::string(kind_increment), std::string(kind_string_reverse),
                               std::string(kind_cgroups_snapshot), std::string(kind_cgroups_lookup),
                               std::string(kind_apps_lookup)}))
        ->type_name("KIND");
    add_endpoint_options(*command, options->endpoint, ServiceOption::defaults_to_kind);
    command
        ->add_option("--data", options->data_file,
                     "cgroups-snapshot: JSON file {\"systemd_enabled\",\"generation\",\"items\":"
                     "[{\"name\",\"path\",\"options\",\"enabled\",\"hash\"}]}; a missing hash is "
                     "simple_hash(name). cgroups-lookup / apps-lookup: the table of known keys, "
                     "in the JSON `call --json` prints ({\"generation\",\"items\":[...]}); other "
                     "keys answer UNKNOWN_PERMANENT (cgroups) or UNKNOWN (apps)")
        ->type_name("FILE");
    add_unsigned_option(*command, "--max-sessions", options->max_sessions,
                        "Sessions served at once (default 64)", std::uint32_t{1});
    add_unsigned_option(*command, "--handshake-timeout", options->handshake_timeout_ms,
                        "How long a new connection may take to send its HELLO before it is "
                        "closed, in milliseconds (default 2000)",
                        std::uint32_t{1})
        ->type_name("MS");
    add_unsigned_option(*command, "--max-request-bytes", options->max_request_bytes,
                        "Largest request ceiling a client may propose (default 1048576)",
                        std::uint32_t{1});
    add_unsigned_option(*command, "--max-response-bytes", options->max_response_bytes,
                        "Response ceiling granted to every session (default: what the kind "
                        "needs, at least 65536)",
                        std::uint32_t{1});
    add_unsigned_option(*command, "--delay", options->delay_ms,
                        "Hold every answer back this many milliseconds (to test timeouts)")
        ->type_name("MS");
    command
        ->add_option("--allow-uid", options->allowed_uids,
                     "Peer-credential check: admit clients running as this user id (repeat for "
                     "more). With --allow-uid or --allow-gid, other clients are refused "
                     "(AUTH_FAILED) whatever their --auth token; without either, anyone who can "
                     "open the socket (mode 0600) is admitted")
        ->type_name("UID");
    command
        ->add_option("--allow-gid", options->allowed_gids,
                     "Peer-credential check: admit clients whose group id is this one (repeat "
                     "for more)")
        ->type_name("GID");
    command->add_flag("--fail", options->fail,
                      "Answer every request INTERNAL_ERROR (to test error handling)");
    command->add_flag("-v,--verbose", options->verbose,
                      "Say on stderr where it listens and, at the end, what it served");
    command->footer(exit_code_help());
    return {command, [options] { return run_serve(*options); }};
}

} // namespace netipc::cli
