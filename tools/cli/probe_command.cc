// `netipc probe`: connect and handshake only, then print what the two
// sides agreed (profile, limits, packet size, session id) and who is on
// each side (the provider's credentials as the OS reports them, and the
// ones a provider's peer-credential check sees for this process). Works
// against a provider of any service kind: the handshake does not name a
// method.
#include <chrono>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "services/client.h"
#include "services/increment_service.h"
#include "tools/cli/command.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/handshake_report.h"
#include "tools/cli/options.h"
#include "tools/cli/report.h"
#include "tools/cli/snapshot_json.h"
#include "tools/cli/this_process.h"

namespace netipc::cli {

namespace {

constexpr std::string_view command_name = "probe";

struct ProbeOptions {
    EndpointOptions endpoint;
    std::uint32_t timeout_ms = 5000;
    std::uint32_t request_bytes = 0;
    std::uint32_t response_bytes = 0;
    std::uint32_t batch_items = 0;
    bool json = false;
};

int run_probe(const ProbeOptions& options) {
    services::ClientConfig config = client_config(options.endpoint);
    config.connect_timeout = std::chrono::milliseconds(options.timeout_ms);
    config.request_payload_bytes = options.request_bytes;
    config.response_payload_bytes = options.response_bytes;
    config.batch_items = options.batch_items;
    const auto address = options.endpoint.address();
    // Any service type will do: only its transport and handshake are used.
    auto client = services::Client<services::IncrementService>::create(address, config);
    if (!client) {
        return report_failure(command_name, "cannot create a client", client.error());
    }
    const auto started = std::chrono::steady_clock::now();
    (void)client->refresh();
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    const auto status = client->status();
    const std::optional<PeerIdentity> self = this_process_credentials();
    if (!client->ready() || !status.session) {
        const Error error =
            status.last_error.value_or(Error{Errc::internal, 0, "connect failed without a cause"});
        // The protocol has one refusal for a bad token and for credentials
        // the provider's policy does not admit: name both causes.
        std::string why;
        if (error.code == Errc::auth_failed) {
            why = self ? fmt::format(
                             " (a wrong --auth token, or the provider's peer-credential "
                             "check admits neither uid {} nor gid {})",
                             self->uid, self->gid)
                       : std::string(" (a wrong --auth token)");
        }
        return report_failure(
            command_name, fmt::format("cannot connect to {}{}", describe_endpoint(address), why),
            error);
    }
    const HandshakeReport report{describe_endpoint(address), *status.session, elapsed,
                                 status.provider, self};
    if (options.json) {
        fmt::print("{}\n", dump_json(to_json(report), false));
    } else {
        fmt::print("{}", to_text(report));
    }
    client->close();
    return to_int(ExitCode::ok);
}

} // namespace

Command add_probe_command(CLI::App& program) {
    auto options = std::make_shared<ProbeOptions>();
    auto* command = program.add_subcommand(
        "probe",
        "Handshake only: is anything listening, and what profile, limits, packet size and "
        "session id does it agree to?");
    add_endpoint_options(*command, options->endpoint, ServiceOption::required);
    add_unsigned_option(*command, "--timeout", options->timeout_ms,
                        "Bound on connect + handshake, in milliseconds (default 5000)",
                        std::uint32_t{1})
        ->type_name("MS");
    add_unsigned_option(*command, "--request-bytes", options->request_bytes,
                        "Request payload ceiling to propose (default 1024)", std::uint32_t{1});
    add_unsigned_option(*command, "--response-bytes", options->response_bytes,
                        "Response payload ceiling to hint (default 65536; the server decides)",
                        std::uint32_t{1});
    add_unsigned_option(*command, "--batch-items", options->batch_items,
                        "Batch items per message to propose (default 1)", std::uint32_t{1});
    command->add_flag("--json", options->json, "Print one JSON object");
    command->footer(exit_code_help());
    return {command, [options] { return run_probe(*options); }};
}

} // namespace netipc::cli
