// <run_dir>/<service>.pid: where a netipc benchmark server says which
// process it is, so a client on the same host can read the server's CPU time
// from /proc (server_cpu.h). The file lives only while the server serves.
// No other NetIPC file is named like it: socket and SHM files end in .sock
// and .ipcshm.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace netipc::bench::driver {

std::string pid_file_path(const std::string& run_dir, const std::string& service);

// Writes this process's PID; false (with errno set) when it cannot.
bool write_pid_file(const std::string& run_dir, const std::string& service);
void remove_pid_file(const std::string& run_dir, const std::string& service) noexcept;
// The PID in the file, when there is a file holding a number.
std::optional<pid_t> read_pid_file(const std::string& run_dir, const std::string& service);

} // namespace netipc::bench::driver
