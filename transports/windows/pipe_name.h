// The Windows kernel object names of a service, derived from its address the
// way every NetIPC implementation derives them (so a C, Rust or Go peer finds
// the same pipe):
//
//   pipe   \\.\pipe\netipc-{FNV-1a-64(run_dir):016x}-{service}
//
// On Windows the run directory is not a directory at all, only a namespace
// string: two programs with different run_dir values get different pipes.
//
// Pure string work, no Windows header: it builds and is tested on every
// platform. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "netipc/error.h"
#include "transports/service_address.h"

namespace netipc::transports {

// 64-bit FNV-1a of `bytes`: offset basis 0xcbf29ce484222325, prime
// 0x100000001b3, each byte XORed in and then multiplied.
constexpr std::uint64_t fnv1a_64(std::string_view bytes) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x00000100000001b3ULL;
    }
    return hash;
}

// `\\.\pipe\netipc-{hash:016x}-{service}` (lower-case hex), after validating
// the address (transports/service_address.h): a service name with any
// character outside [A-Za-z0-9._-] is Errc::invalid_argument, never
// sanitized. Windows limits pipe names to 256 characters; a longer name is
// Errc::invalid_argument too.
Result<std::string> pipe_name(const ServiceAddress& address);

} // namespace netipc::transports
