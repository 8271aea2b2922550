// Where a POSIX service lives on disk: the run directory and the service
// name, and the file names derived from them.
//
//   socket      {run_dir}/{service}.sock
//   SHM region  {run_dir}/{service}-{session_id:016x}.ipcshm
//
// Service names are validated, never sanitized: a name that would need
// fixing is rejected with Errc::invalid_argument, so two different names can
// never map to the same file and a name can never escape run_dir.
//
// All functions are pure (no I/O) and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "netipc/error.h"

namespace netipc::transports {

// A service endpoint on this host. `run_dir` is the embedding program's
// private runtime directory (e.g. /run/netdata); `service` names the
// service (e.g. "cgroups-snapshot"). Plain value type.
struct ServiceAddress {
    std::string run_dir;
    std::string service;
};

// Accepts a non-empty name made only of [A-Za-z0-9._-] that is not "." or
// "..". This is the reference implementation's rule, so every peer derives
// the same file names from the same service name.
Result<void> validate_service_name(std::string_view service);

// Accepts a non-empty run directory without NUL bytes.
Result<void> validate_run_dir(std::string_view run_dir);

// `{run_dir}/{service}.sock`, validated, and short enough (including its
// terminating NUL) for sockaddr_un::sun_path; otherwise
// Errc::invalid_argument.
Result<std::string> socket_path(const ServiceAddress& address);

// `{run_dir}/{service}-{session_id:016x}.ipcshm` (lower-case hex), validated;
// a path of PATH_MAX bytes or more is Errc::invalid_argument.
Result<std::string> shm_path(const ServiceAddress& address, std::uint64_t session_id);

// True when `file_name` (a directory entry, no directory part) is exactly
// `{service}-{16 lower-case hex digits}.ipcshm`. Used by the stale-region
// scan at server start; an exact match matters because service "a" must not
// claim "a-b-0000000000000001.ipcshm", which belongs to service "a-b".
bool is_session_shm_file_name(std::string_view service, std::string_view file_name) noexcept;

} // namespace netipc::transports
