#include "bench/driver/pid_file.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace netipc::bench::driver {

std::string pid_file_path(const std::string& run_dir, const std::string& service) {
    return run_dir + "/" + service + ".pid";
}

bool write_pid_file(const std::string& run_dir, const std::string& service) {
    std::ofstream out(pid_file_path(run_dir, service), std::ios::trunc);
    out << ::getpid() << '\n';
    out.flush();
    return static_cast<bool>(out);
}

void remove_pid_file(const std::string& run_dir, const std::string& service) noexcept {
    (void)std::remove(pid_file_path(run_dir, service).c_str());
}

std::optional<pid_t> read_pid_file(const std::string& run_dir, const std::string& service) {
    std::ifstream in(pid_file_path(run_dir, service));
    pid_t pid = 0;
    if (!(in >> pid) || pid <= 0) {
        return std::nullopt;
    }
    return pid;
}

} // namespace netipc::bench::driver
