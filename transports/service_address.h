// Where a service lives, on every platform: the embedding program's run
// directory (its private namespace) and the service's name. Each transport
// derives its own names from it (a socket file on POSIX,
// transports/posix/endpoint.h; a pipe name on Windows,
// transports/windows/pipe_name.h).
//
// Service names are validated, never sanitized: a name that would need
// fixing is rejected with Errc::invalid_argument, so two different names can
// never map to the same endpoint and a name can never escape its namespace.
//
// All functions are pure (no I/O) and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "netipc/error.h"

namespace netipc::transports {

// A service endpoint on this host. `run_dir` is the embedding program's
// private runtime directory (e.g. /run/netdata; on Windows only a namespace
// string the pipe name is hashed from); `service` names the service (e.g.
// "cgroups-snapshot"). Plain value type.
struct ServiceAddress {
    std::string run_dir;
    std::string service;
};

// Accepts a non-empty name made only of [A-Za-z0-9._-] that is not "." or
// "..". This is the reference implementation's rule, so every peer derives
// the same names from the same service name.
Result<void> validate_service_name(std::string_view service);

// Accepts a non-empty run directory without NUL bytes.
Result<void> validate_run_dir(std::string_view run_dir);

// Both of the above.
Result<void> validate_service_address(const ServiceAddress& address);

} // namespace netipc::transports
