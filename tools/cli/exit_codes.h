// The exit statuses of the `netipc` program, in one place: the commands
// return them, `--help` lists them, README documents them, and the
// end-to-end tests check every one. Scripts may rely on them, so a value
// never changes meaning once published.
#pragma once

#include <span>
#include <string_view>

#include "netipc/error.h"
#include "services/client_status.h"

namespace netipc::cli {

enum class ExitCode : int {
    ok = 0,
    failure = 1,        // anything not listed below (an OS error, a dropped session, ...)
    usage = 2,          // bad arguments or a bad --data file
    not_found = 3,      // nothing listens at the endpoint
    auth_failed = 4,    // the provider refused the auth token
    incompatible = 5,   // no common profile, or limits that could not be agreed
    timeout = 6,        // no complete answer before --timeout
    protocol_error = 7, // the peer sent bytes that break the protocol
    server_error = 8,   // the provider answered INTERNAL_ERROR (its handler failed)
    address_in_use = 9, // serve: a live server already owns the endpoint
};

constexpr int to_int(ExitCode code) noexcept {
    return static_cast<int>(code);
}

// The exit status for a failure of this category.
ExitCode exit_code_for(Errc code) noexcept;

// The exit status for a Level 2 client left in this state by refresh():
// ok for READY, the matching failure otherwise.
ExitCode exit_code_for(services::ClientState state) noexcept;

struct ExitCodeDescription {
    ExitCode code;
    std::string_view meaning;
};

// Every exit status with a one-line meaning, in numeric order.
std::span<const ExitCodeDescription> exit_code_table() noexcept;

// The table as text for `--help` footers.
std::string exit_code_help();

} // namespace netipc::cli
