// This program's own process: its path, so a command can start more of
// itself (`netipc demo` starts `netipc serve` providers), and its id, which
// `netipc serve` prints. One implementation per platform (posix/, windows/).
#pragma once

#include <string>

namespace netipc::cli {

// Empty when the platform cannot say.
std::string this_program_path();

unsigned long this_process_id() noexcept;

} // namespace netipc::cli
