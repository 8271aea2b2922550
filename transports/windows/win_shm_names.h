// The kernel object names of a Windows SHM session, derived from the service
// address, the session's auth token, the selected profile and the session id:
//
//   Local\netipc-{hash:016x}-{service}-p{profile}-s{session_id:016x}-mapping
//   Local\netipc-{hash:016x}-{service}-p{profile}-s{session_id:016x}-req_event
//   Local\netipc-{hash:016x}-{service}-p{profile}-s{session_id:016x}-resp_event
//
// where hash is FNV-1a 64 of "{run_dir}\n{service}\n{auth_token as decimal}".
// The token is part of the hash so that only peers that share it find the
// objects; the session id gives every session objects of its own.
//
// Pure string work (no I/O), thread-safe, and platform-neutral so that the
// names are unit-tested on every platform.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "netipc/error.h"

namespace netipc::transports {

// The three objects of one session.
struct WinShmObjectNames {
    std::wstring mapping;
    std::wstring request_event;
    std::wstring response_event;
};

// What the names are derived from.
struct WinShmNameInputs {
    std::string_view run_dir;
    std::string_view service;
    std::uint64_t auth_token = 0;
    std::uint32_t profile = 0;
    std::uint64_t session_id = 0;
};

// The hash in the names: FNV-1a 64 of "{run_dir}\n{service}\n{auth_token}".
std::uint64_t win_shm_name_hash(std::string_view run_dir, std::string_view service,
                                std::uint64_t auth_token);

// The names, as UTF-16 for the wide Windows calls (every character is ASCII:
// the service name is validated, the rest is hex and digits).
// Errc::invalid_argument for an empty run directory or a service name
// outside [A-Za-z0-9._-] (rejected, never sanitised).
Result<WinShmObjectNames> win_shm_object_names(const WinShmNameInputs& inputs);

} // namespace netipc::transports
