#include "bench/driver/server_lifetime.h"

#include <cerrno>
#include <chrono>
#include <cstdio>

#include "bench/driver/bench_config.h"
#include "bench/driver/clock.h"
#include "bench/driver/pid_file.h"
#include "tests/support/alloc_counter.h"

namespace netipc::bench::driver {

int ServerLifetime::failed_to_start(const Error& error) const {
    (void)std::fprintf(stderr, "server %s/%s: cannot start: %s\n", args_.run_dir.c_str(),
                       args_.service.c_str(), error.message().c_str());
    return 1;
}

int ServerLifetime::serve(const std::function<void()>& stop,
                          const std::function<std::uint64_t()>& served) {
    if (!write_pid_file(args_.run_dir, args_.service)) {
        const Error error{Errc::os_error, errno, "cannot write the PID file"};
        (void)std::fprintf(stderr, "server: %s: %s\n",
                           pid_file_path(args_.run_dir, args_.service).c_str(),
                           error.message().c_str());
        stop();
        return 1;
    }
    const std::uint64_t allocations_before = testing::heap_allocations();
    const std::uint64_t cpu_start = process_cpu_ns();
    (void)std::fputs("READY\n", stdout);
    (void)std::fflush(stdout);

    if (args_.duration_s == 0) {
        (void)signals_.wait();
    } else {
        (void)signals_.wait_for(std::chrono::seconds(args_.duration_s + server_grace_s));
    }
    stop();
    const double cpu_s = static_cast<double>(process_cpu_ns() - cpu_start) / 1e9;
    remove_pid_file(args_.run_dir, args_.service);

    (void)std::printf("SERVER_CPU_SEC=%.6f\n", cpu_s);
    (void)std::fflush(stdout);
    // Sessions allocate when they start (a thread, their buffers), so this
    // is an upper bound on what requests cost; the clients count their own
    // steady state exactly.
    (void)std::fprintf(
        stderr, "server: %llu requests answered; %llu heap allocations while serving\n",
        static_cast<unsigned long long>(served()),
        static_cast<unsigned long long>(testing::heap_allocations() - allocations_before));
    return 0;
}

} // namespace netipc::bench::driver
