// The server's CPU time over a client's measured window, read from the
// server process itself: its CPU clock (clock_getcpuclockid(), the time of
// every thread, in nanoseconds). A netipc server writes its PID to
// <run_dir>/<service>.pid while it serves (pid_file.h); another
// implementation's server does not, and its column is then left 0.0 for the
// runner to fill from SERVER_CPU_SEC or from /proc itself, as the other
// drivers' harnesses do.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace netipc::bench::driver {

// Total CPU seconds (user + system, every thread) of process `pid`, or
// nullopt when the process is gone or its clock cannot be read. No
// allocation, so it may bracket an allocation-counted window.
std::optional<double> process_cpu_seconds(pid_t pid) noexcept;

class ServerCpu {
public:
    // Looks for the server's PID file; without one (or with a stale one)
    // the probe measures nothing.
    ServerCpu(const std::string& run_dir, const std::string& service);

    void start() noexcept;
    // CPU seconds the server used since start(); nullopt when unknown.
    [[nodiscard]] std::optional<double> stop() const noexcept;

private:
    pid_t pid_ = 0;
    std::optional<double> at_start_;
};

} // namespace netipc::bench::driver
