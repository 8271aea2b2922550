#include "tools/cli/exit_codes.h"

#include <array>
#include <string>

#include <fmt/format.h>

namespace netipc::cli {

ExitCode exit_code_for(Errc code) noexcept {
    switch (code) {
        case Errc::not_found:
            return ExitCode::not_found;
        case Errc::auth_failed:
            return ExitCode::auth_failed;
        // What the client's state machine also calls INCOMPATIBLE: no
        // common profile (UNSUPPORTED), a refused version or limit.
        case Errc::unsupported:
        case Errc::incompatible:
        case Errc::limit_exceeded:
        case Errc::message_too_large:
            return ExitCode::incompatible;
        case Errc::timeout:
            return ExitCode::timeout;
        // A HELLO_ACK or response carrying INTERNAL_ERROR arrives as
        // Errc::internal: the provider's side failed, not ours.
        case Errc::internal:
            return ExitCode::server_error;
        case Errc::address_in_use:
            return ExitCode::address_in_use;
        // The library refuses a service name or run directory it cannot
        // turn into an endpoint path: a bad argument.
        case Errc::invalid_argument:
            return ExitCode::usage;
        case Errc::overflow:
        case Errc::shm_unavailable:
        case Errc::disconnected:
        case Errc::not_ready:
        case Errc::aborted:
        case Errc::os_error:
            return ExitCode::failure;
        default:
            break;
    }
    return is_protocol_error(code) ? ExitCode::protocol_error : ExitCode::failure;
}

ExitCode exit_code_for(services::ClientState state) noexcept {
    using services::ClientState;
    switch (state) {
        case ClientState::ready:
            return ExitCode::ok;
        case ClientState::not_found:
            return ExitCode::not_found;
        case ClientState::auth_failed:
            return ExitCode::auth_failed;
        case ClientState::incompatible:
            return ExitCode::incompatible;
        case ClientState::disconnected:
        case ClientState::connecting:
        case ClientState::broken:
            break;
    }
    return ExitCode::failure;
}

std::span<const ExitCodeDescription> exit_code_table() noexcept {
    static constexpr std::array table{
        ExitCodeDescription{ExitCode::ok, "success"},
        ExitCodeDescription{ExitCode::failure,
                            "other failure (OS error, session dropped by the provider)"},
        ExitCodeDescription{ExitCode::usage, "bad arguments or a bad --data file"},
        ExitCodeDescription{ExitCode::not_found, "nothing listens at the endpoint"},
        ExitCodeDescription{ExitCode::auth_failed, "the provider refused the auth token"},
        ExitCodeDescription{ExitCode::incompatible,
                            "no common profile, limits that could not be agreed, or a "
                            "provider of another service kind"},
        ExitCodeDescription{ExitCode::timeout, "no complete answer before the timeout"},
        ExitCodeDescription{ExitCode::protocol_error,
                            "the peer sent bytes that break the protocol"},
        ExitCodeDescription{ExitCode::server_error,
                            "the provider answered INTERNAL_ERROR (its handler failed)"},
        ExitCodeDescription{ExitCode::address_in_use,
                            "serve: a live server already owns the endpoint"},
    };
    return table;
}

std::string exit_code_help() {
    std::string text = "Exit status:\n";
    for (const auto& [code, meaning] : exit_code_table()) {
        text += fmt::format("  {}  {}\n", to_int(code), meaning);
    }
    return text;
}

} // namespace netipc::cli
