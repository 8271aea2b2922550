// Where a POSIX service lives on disk: the run directory and the service
// name, and the file names derived from them.
//
//   socket      {run_dir}/{service}.sock
//   SHM region  {run_dir}/{service}-{session_id:016x}.ipcshm
//
// The address and its validation are platform-neutral
// (transports/service_address.h); this file adds the POSIX file names.
//
// All functions are pure (no I/O) and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "netipc/error.h"
#include "transports/service_address.h"

namespace netipc::transports {

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
