// The life of every benchmark server, the way the other NetIPC drivers'
// servers live, so one harness drives them all:
//   - print READY once clients can connect;
//   - serve until SIGTERM/SIGINT/SIGHUP, or duration_s + server_grace_s
//     seconds when no signal comes (duration 0: until a signal);
//   - stop cleanly, then print SERVER_CPU_SEC=<cpu seconds since READY>.
// While it serves, <run_dir>/<service>.pid names the process (pid_file.h),
// so a client can read the server's CPU time over its own window.
//
// Construct it before starting any thread: it blocks the termination
// signals, and threads inherit the mask, so only the wait below takes them.
#pragma once

#include <cstdint>
#include <functional>

#include "bench/driver/args.h"
#include "netipc/error.h"
#include "tools/cli/signals.h"

namespace netipc::bench::driver {

class ServerLifetime {
public:
    explicit ServerLifetime(ServerArgs args) : args_(std::move(args)) {}

    // The server could not start: says why on stderr; the exit status.
    [[nodiscard]] int failed_to_start(const Error& error) const;

    // Announces, waits, then calls `stop` (which returns once the server
    // stopped) and reports; `served` says how many requests were answered,
    // for the stderr summary. Returns the exit status.
    int serve(const std::function<void()>& stop, const std::function<std::uint64_t()>& served);

    [[nodiscard]] const ServerArgs& args() const noexcept { return args_; }

private:
    ServerArgs args_;
    cli::TerminationSignals signals_;
};

} // namespace netipc::bench::driver
