// This program's own process: its path, so a command can start more of
// itself (`netipc demo` starts `netipc serve` providers), its id, which
// `netipc serve` prints, and its credentials, which `netipc probe` prints.
// One implementation per platform (posix/, windows/).
#pragma once

#include <optional>
#include <string>

#include "netipc/peer_identity.h"

namespace netipc::cli {

// Empty when the platform cannot say.
std::string this_program_path();

unsigned long this_process_id() noexcept;

// What a provider's peer-credential check sees when this process connects
// (effective user and group, process id). Empty where the platform's
// transports have no such check (Windows: the Named Pipe has no uid or gid).
std::optional<PeerIdentity> this_process_credentials() noexcept;

} // namespace netipc::cli
