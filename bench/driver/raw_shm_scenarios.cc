// raw-shm-ping-pong and raw-shm-batch-ping-pong: the cross-process
// shared-memory ceilings. Two processes map one file,
// <run_dir>/<service>.rawshm, laid out as a RawShmChannel
// (bench/raw_shm_channel.h: spin 128 with a pause hint, then a timed
// FUTEX_WAIT on a shared futex), the same channel as the in-process ceiling
// of bench/shm_pingpong_bench.cc; one message each way per round trip, no
// library code. The message is the netipc message (raw_message.h): 40 bytes
// for a single INCREMENT, 32 + 16 * N bytes for a batch of N, each direction's
// area big enough for the largest batch. The message is copied in by the
// publisher and out by the receiver, as netipc's region does. The server
// adds one to every value a message carries; the client checks them.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "bench/driver/level2_setup.h"
#include "bench/driver/raw_client.h"
#include "bench/driver/raw_message.h"
#include "bench/driver/scenarios.h"
#include "bench/driver/server_lifetime.h"
#include "bench/raw_shm_channel.h"
#include "services/defaults.h"

namespace netipc::bench::driver {

namespace {

std::string region_path(const std::string& run_dir, const std::string& service) {
    return run_dir + "/" + service + ".rawshm";
}

// The file mapped shared, unmapped when it goes.
class Mapping {
public:
    // Creates (server) or opens (client) the region file for messages of
    // up to `capacity` bytes and maps it.
    static Result<Mapping> map(const std::string& path, std::size_t capacity, bool create) {
        const std::size_t size = RawShmChannel::mapping_size(capacity);
        const int fd = create ? ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
                              : ::open(path.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            return fail(Errc::os_error, "cannot open the raw SHM file", errno);
        }
        struct stat status{};
        if (create ? ::ftruncate(fd, static_cast<off_t>(size)) != 0
                   : ::fstat(fd, &status) != 0 || status.st_size != static_cast<off_t>(size)) {
            const int error = errno;
            ::close(fd);
            // A client may see the file before the server sized it.
            return fail(Errc::os_error, "the raw SHM file is not ready", error);
        }
        void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        const int error = errno;
        ::close(fd);
        if (base == MAP_FAILED) {
            return fail(Errc::os_error, "cannot map the raw SHM file", error);
        }
        return Mapping(static_cast<std::byte*>(base), size);
    }
    Mapping(Mapping&& other) noexcept
        : base_(std::exchange(other.base_, nullptr)), size_(other.size_) {}
    Mapping& operator=(Mapping&&) = delete;
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping() {
        if (base_ != nullptr) {
            ::munmap(base_, size_);
        }
    }
    [[nodiscard]] std::byte* base() const noexcept { return base_; }

private:
    Mapping(std::byte* base, std::size_t size) noexcept : base_(base), size_(size) {}
    std::byte* base_;
    std::size_t size_;
};

std::chrono::steady_clock::time_point call_deadline() {
    return std::chrono::steady_clock::now() + services::defaults::call_timeout;
}

} // namespace

int serve_raw_shm(const ServerArgs& args, const RawScenario& scenario) {
    ServerLifetime lifetime(args);
    const std::string path = region_path(args.run_dir, args.service);
    auto mapping = Mapping::map(path, scenario.capacity, true);
    if (!mapping) {
        return lifetime.failed_to_start(mapping.error());
    }
    const RawShmChannel channel(mapping->base(), scenario.capacity, true);
    std::atomic<std::uint64_t> served{0};
    std::thread echo([&] {
        std::uint64_t last_seen = 0;
        std::vector<std::byte> message(scenario.capacity);
        for (;;) {
            // A server has no call deadline; the timed wait still bounds
            // each sleep, as the protocol's wait does.
            const std::uint32_t size =
                channel.wait(request_direction, last_seen, Sleep::timed, call_deadline());
            // The zero-length stop message (or garbage) ends the echo.
            if (size == 0 || size > message.size()) {
                return;
            }
            std::memcpy(message.data(), channel.area(request_direction), size);
            if (!scenario.answer(message.data(), size)) {
                return;
            }
            channel.publish(response_direction, message.data(), size);
            served.fetch_add(1, std::memory_order_relaxed);
        }
    });
    const int status = lifetime.serve(
        [&] {
            channel.publish(request_direction, nullptr, 0);
            echo.join();
        },
        [&] { return served.load(); });
    (void)::unlink(path.c_str());
    return status;
}

int run_raw_shm_client(const ClientArgs& args, const RawScenario& scenario) {
    const auto mapping = retry_connect_made(args, [&] {
        return Mapping::map(region_path(args.run_dir, args.service), scenario.capacity, false);
    });
    if (!mapping) {
        return 1;
    }
    const RawShmChannel channel(mapping->base(), scenario.capacity, false);
    // Answers published before this client came are not its own.
    std::uint64_t last_seen =
        channel.control(response_direction).seq.load(std::memory_order_acquire);
    return run_raw_client(
        args, scenario, [&](std::span<const std::byte> out, std::span<std::byte> in) {
            channel.publish(request_direction, out.data(), out.size());
            const std::uint32_t size =
                channel.wait(response_direction, last_seen, Sleep::timed, call_deadline());
            if (size != in.size()) {
                (void)std::fprintf(stderr, "%s: an answer of %u bytes to %zu\n", scenario.name,
                                   size, out.size());
                return false;
            }
            // Copied out, as a receiver that keeps the answer must (and the
            // in-process ceiling does).
            std::memcpy(in.data(), channel.area(response_direction), size);
            return true;
        });
}

} // namespace netipc::bench::driver
