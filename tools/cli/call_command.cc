// `netipc call KIND`: one typed call through a Level 2 client, the way a
// consumer makes it, and the answer on stdout. Failures are one line on
// stderr and an exit status that names the cause (exit_codes.h).
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "services/apps_lookup_service.h"
#include "services/cgroups_lookup_service.h"
#include "services/cgroups_snapshot_service.h"
#include "services/client.h"
#include "services/increment_service.h"
#include "services/string_reverse_service.h"
#include "tools/cli/command.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/lookup_json.h"
#include "tools/cli/options.h"
#include "tools/cli/report.h"
#include "tools/cli/snapshot_json.h"

namespace netipc::cli {

namespace {

constexpr std::string_view command_name = "call";

struct CallOptions {
    std::string kind;
    EndpointOptions endpoint;
    std::uint64_t value = 0;
    std::string text;
    std::vector<std::string> paths;     // cgroups-lookup
    std::vector<std::string> pid_texts; // apps-lookup, each checked by parse_unsigned
    std::uint32_t batch = 0;            // 0: a single call
    std::uint32_t timeout_ms = 10000;
    bool json = false;
    CLI::Option* value_option = nullptr;
    CLI::Option* text_option = nullptr;
};

// A ready client for service S, or the exit status of the failure.
template <class S>
std::expected<services::Client<S>, int> connect(const CallOptions& options) {
    services::ClientConfig config = client_config(options.endpoint);
    config.call_timeout = std::chrono::milliseconds(options.timeout_ms);
    config.connect_timeout = config.call_timeout;
    config.batch_items = options.batch;
    const auto address = options.endpoint.address();
    auto client = services::Client<S>::create(address, config);
    if (!client) {
        return std::unexpected(
            report_failure(command_name, "cannot create a client", client.error()));
    }
    (void)client->refresh();
    if (!client->ready()) {
        const auto status = client->status();
        const Error error =
            status.last_error.value_or(Error{Errc::internal, 0, "connect failed without a cause"});
        return std::unexpected(report_failure(
            command_name, fmt::format("cannot connect to {}", describe_endpoint(address)), error));
    }
    return std::move(*client);
}

int call_failed(const CallOptions& options, const Error& error) {
    return report_failure(command_name,
                          fmt::format("{} call to {} failed", options.kind,
                                      describe_endpoint(options.endpoint.address())),
                          error);
}

void print_json(const nlohmann::ordered_json& document, bool pretty) {
    fmt::print("{}\n", dump_json(document, pretty));
}

int call_increment(const CallOptions& options) {
    auto client = connect<services::IncrementService>(options);
    if (!client) {
        return client.error();
    }
    std::vector<std::uint64_t> answers;
    if (options.batch == 0) {
        auto answer = client->call(options.value);
        if (!answer) {
            return call_failed(options, answer.error());
        }
        answers.push_back(answer->value);
    } else {
        std::vector<std::uint64_t> requests(options.batch);
        for (std::size_t i = 0; i < requests.size(); ++i) {
            requests[i] = options.value + i; // value, value + 1, ...
        }
        auto batch = client->call_batch(requests);
        if (!batch) {
            return call_failed(options, batch.error());
        }
        for (const auto& answer : *batch) {
            answers.push_back(answer.value);
        }
    }
    if (options.json) {
        nlohmann::ordered_json out;
        if (options.batch == 0) {
            out["value"] = answers.front();
        } else {
            out["values"] = answers;
        }
        print_json(out, false);
    } else {
        for (const auto answer : answers) {
            fmt::print("{}\n", answer);
        }
    }
    return to_int(ExitCode::ok);
}

int call_string_reverse(const CallOptions& options) {
    auto client = connect<services::StringReverseService>(options);
    if (!client) {
        return client.error();
    }
    std::vector<std::string> answers;
    if (options.batch == 0) {
        auto answer = client->call(options.text);
        if (!answer) {
            return call_failed(options, answer.error());
        }
        answers.emplace_back(answer->text);
    } else {
        const std::vector<std::string_view> requests(options.batch, options.text);
        auto batch = client->call_batch(requests);
        if (!batch) {
            return call_failed(options, batch.error());
        }
        for (const auto& answer : *batch) {
            answers.emplace_back(answer.text);
        }
    }
    if (options.json) {
        nlohmann::ordered_json out;
        if (options.batch == 0) {
            out["string"] = answers.front();
        } else {
            out["strings"] = answers;
        }
        print_json(out, false);
    } else {
        for (const auto& answer : answers) {
            fmt::print("{}\n", answer);
        }
    }
    return to_int(ExitCode::ok);
}

int call_cgroups_snapshot(const CallOptions& options) {
    auto client = connect<services::CgroupsSnapshotService>(options);
    if (!client) {
        return client.error();
    }
    auto answer = client->call(codecs::CgroupsSnapshotRequest{});
    if (!answer) {
        return call_failed(options, answer.error());
    }
    print_json(snapshot_to_json(*answer), !options.json);
    return to_int(ExitCode::ok);
}

// One logical lookup of every key given, answers in key order.
template <class S, class Keys>
int call_lookup(const CallOptions& options, const Keys& keys) {
    auto client = connect<S>(options);
    if (!client) {
        return client.error();
    }
    auto answer = client->lookup(keys);
    if (!answer) {
        return call_failed(options, answer.error());
    }
    if (options.json) {
        print_json(lookup_to_json(*answer), false);
    } else {
        fmt::print("generation {}, {} items\n{}", answer->generation(), answer->size(),
                   lookup_to_text(*answer));
    }
    return to_int(ExitCode::ok);
}

int run_call(CallOptions& options) {
    if (options.endpoint.service.empty()) {
        options.endpoint.service = options.kind;
    }
    const bool has_value = options.value_option->count() > 0;
    const bool has_text = options.text_option->count() > 0;
    const bool has_keys = !options.paths.empty() || !options.pid_texts.empty();
    if (options.kind == kind_cgroups_lookup || options.kind == kind_apps_lookup) {
        const bool cgroups = options.kind == kind_cgroups_lookup;
        if (has_value || has_text || options.batch != 0
            || (cgroups ? !options.pid_texts.empty() : !options.paths.empty())) {
            return report_usage(command_name,
                                cgroups ? "cgroups-lookup takes --path P (repeatable) only"
                                        : "apps-lookup takes --pid N (repeatable) only");
        }
        if (cgroups) {
            const std::vector<std::string_view> paths(options.paths.begin(), options.paths.end());
            return call_lookup<services::CgroupsLookupService>(
                options, std::span<const std::string_view>(paths));
        }
        std::vector<std::uint32_t> pids;
        for (const std::string& text : options.pid_texts) {
            pids.push_back(*parse_unsigned<std::uint32_t>(text)); // checked when parsed
        }
        return call_lookup<services::AppsLookupService>(options,
                                                        std::span<const std::uint32_t>(pids));
    }
    if (has_keys) {
        return report_usage(command_name, "--path and --pid are for the lookup kinds");
    }
    if (options.kind == kind_increment) {
        if (!has_value || has_text) {
            return report_usage(command_name, "increment takes --value N (and no --string)");
        }
        return call_increment(options);
    }
    if (options.kind == kind_string_reverse) {
        if (!has_text || has_value) {
            return report_usage(command_name, "string-reverse takes --string S (and no --value)");
        }
        return call_string_reverse(options);
    }
    if (has_value || has_text || options.batch != 0) {
        return report_usage(command_name,
                            "cgroups-snapshot takes no --value, --string or --batch: the request "
                            "has no fields and the answer is one message");
    }
    return call_cgroups_snapshot(options);
}

} // namespace

Command add_call_command(CLI::App& program) {
    auto options = std::make_shared<CallOptions>();
    auto* command = program.add_subcommand(
        "call", "Make one typed call, as a consumer would, and print the answer.");
    command
        ->add_option("kind", options->kind,
                     "increment (--value N), string-reverse (--string S), cgroups-snapshot "
                     "(prints the whole snapshot as JSON), cgroups-lookup (--path P...) or "
                     "apps-lookup (--pid N...)")
        ->required()
        ->check(CLI::IsMember({std::string(kind_increment), std::string(kind_string_reverse),
                               std::string(kind_cgroups_snapshot), std::string(kind_cgroups_lookup),
                               std::string(kind_apps_lookup)}))
        ->type_name("KIND");
    add_endpoint_options(*command, options->endpoint, ServiceOption::defaults_to_kind);
    options->value_option = add_unsigned_option(*command, "--value", options->value,
                                                "increment: the u64 to send (decimal or 0x-hex)");
    options->text_option =
        command->add_option("--string", options->text, "string-reverse: the text to send")
            ->type_name("S");
    options->value_option->excludes(options->text_option);
    command
        ->add_option("--path", options->paths,
                     "cgroups-lookup: a cgroup path to look up "
                     "(repeat for more; answers come in this order)")
        ->type_name("P");
    command
        ->add_option("--pid", options->pid_texts,
                     "apps-lookup: a pid to look up, decimal or 0x-hex (repeat for more; "
                     "answers come in this order)")
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                return parse_unsigned<std::uint32_t>(text)
                           ? std::string()
                           : fmt::format("'{}' is not a u32 pid", text);
            },
            ""))
        ->type_name("N");
    add_unsigned_option(*command, "--batch", options->batch,
                        "Send N requests in one batch message (increment: value, value+1, ...; "
                        "string-reverse: N copies) and print each answer",
                        std::uint32_t{1}, std::uint32_t{65536});
    add_unsigned_option(*command, "--timeout", options->timeout_ms,
                        "Bound on connecting and on the call, in milliseconds (default 10000)",
                        std::uint32_t{1})
        ->type_name("MS");
    command->add_flag("--json", options->json,
                      "Print JSON: {\"value\"}, {\"values\"}, {\"string\"}, {\"strings\"}; a "
                      "snapshot on one line; a lookup answer with every field (the format "
                      "`serve --data` reads)");
    command->footer(exit_code_help());
    return {command, [options] { return run_call(*options); }};
}

} // namespace netipc::cli
