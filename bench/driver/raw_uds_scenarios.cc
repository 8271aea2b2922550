// raw-uds-ping-pong and raw-uds-batch-ping-pong: the cross-process SEQPACKET
// ceilings. Two processes, a listening AF_UNIX SOCK_SEQPACKET socket at
// <run_dir>/<service>.sock, one packet each way per round trip with blocking
// send()/recv(), no library code: what a netipc UDS round trip cannot beat.
// The packet is the netipc message (raw_message.h): 40 bytes for a single
// INCREMENT, 32 + 16 * N bytes for a batch of N. The server adds one to
// every value a packet carries; the client checks them.
//
// A batch always travels as one packet, at most 16032 bytes. netipc's UDS
// batch row sends it as one packet too whenever it fits the negotiated packet
// size (SO_SNDBUF less 32: 212960 bytes with Linux's default 212992), which
// it does on any default Linux; so the ceiling moves the same packets and
// bytes as the netipc row. On a host whose socket buffers are too small for
// the largest batch, both ends raise SO_SNDBUF until it fits (or fail saying
// so): the ceiling then stays one packet per message while netipc would
// chunk, a stricter ceiling, never a looser one.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
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

namespace netipc::bench::driver {

namespace {

// A socket descriptor closed when it goes.
class Socket {
public:
    explicit Socket(int fd = -1) noexcept : fd_(fd) {}
    Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Socket& operator=(Socket&&) = delete;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    [[nodiscard]] int fd() const noexcept { return fd_; }

private:
    int fd_;
};

std::optional<sockaddr_un> socket_address(const std::string& run_dir, const std::string& service) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = run_dir + "/" + service + ".sock";
    if (path.size() >= sizeof(address.sun_path)) {
        (void)std::fprintf(stderr, "raw uds: socket path too long: %s\n", path.c_str());
        return std::nullopt;
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    return address;
}

std::unexpected<Error> os_failure(const char* what) {
    return fail(Errc::os_error, what, errno);
}

// Linux refuses a SEQPACKET packet larger than SO_SNDBUF less this.
constexpr std::size_t kernel_packet_reserve = 32;

// Makes `fd` able to send a packet of `capacity` bytes in one send(),
// raising SO_SNDBUF when it is too small (see the top of this file).
Result<void> fit_packets(int fd, std::size_t capacity) {
    const auto send_buffer = [fd]() -> std::size_t {
        int bytes = 0;
        socklen_t length = sizeof(bytes);
        return ::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, &length) == 0 && bytes > 0
                   ? static_cast<std::size_t>(bytes)
                   : 0;
    };
    const std::size_t needed = capacity + kernel_packet_reserve;
    if (send_buffer() >= needed) {
        return {};
    }
    // The kernel doubles what it is given, for its own bookkeeping.
    const int wanted = static_cast<int>(needed);
    (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &wanted, sizeof(wanted));
    if (send_buffer() < needed) {
        return fail(Errc::limit_exceeded,
                    "SO_SNDBUF cannot hold the largest raw packet (net.core.wmem_max too small)");
    }
    return {};
}

// Answers one client's packets until it hangs up, sends something that is
// not a request of the scenario, or the server shuts the socket down.
// MSG_TRUNC makes recv() say the packet's real size, so an oversized packet
// is refused instead of answered truncated.
void echo(int fd, const RawScenario& scenario, std::atomic<std::uint64_t>& served) {
    if (auto fitted = fit_packets(fd, scenario.capacity); !fitted) {
        (void)std::fprintf(stderr, "%s server: %s\n", scenario.name,
                           fitted.error().message().c_str());
        return;
    }
    std::vector<std::byte> message(scenario.capacity);
    for (;;) {
        const ssize_t received = ::recv(fd, message.data(), message.size(), MSG_TRUNC);
        if (received <= 0 || !scenario.answer(message.data(), static_cast<std::size_t>(received))) {
            return;
        }
        if (::send(fd, message.data(), static_cast<std::size_t>(received), MSG_NOSIGNAL)
            != received) {
            return;
        }
        served.fetch_add(1, std::memory_order_relaxed);
    }
}

} // namespace

int serve_raw_uds(const ServerArgs& args, const RawScenario& scenario) {
    ServerLifetime lifetime(args);
    const auto address = socket_address(args.run_dir, args.service);
    if (!address) {
        return 1;
    }
    Socket listener(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    (void)::unlink(address->sun_path);
    if (listener.fd() < 0
        || ::bind(listener.fd(), reinterpret_cast<const sockaddr*>(&*address), sizeof(*address))
               != 0
        || ::listen(listener.fd(), 4) != 0) {
        return lifetime.failed_to_start(os_failure("cannot listen on the raw socket").error());
    }
    std::atomic<std::uint64_t> served{0};
    std::atomic<int> client_fd{-1};
    std::atomic<bool> stopping{false};
    // One client at a time, as the ceiling needs no more.
    std::thread acceptor([&] {
        while (!stopping.load()) {
            Socket client(::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));
            if (client.fd() < 0) {
                if (errno == EINTR || errno == ECONNABORTED) {
                    continue;
                }
                return; // shut down by stop
            }
            client_fd.store(client.fd());
            if (!stopping.load()) {
                echo(client.fd(), scenario, served);
            }
            client_fd.store(-1);
        }
    });
    const int status = lifetime.serve(
        [&] {
            stopping.store(true);
            // Wakes accept() and a blocked recv(); the descriptors close in
            // their owners.
            (void)::shutdown(listener.fd(), SHUT_RDWR);
            if (const int fd = client_fd.load(); fd >= 0) {
                (void)::shutdown(fd, SHUT_RDWR);
            }
            acceptor.join();
        },
        [&] { return served.load(); });
    (void)::unlink(address->sun_path);
    return status;
}

int run_raw_uds_client(const ClientArgs& args, const RawScenario& scenario) {
    const auto address = socket_address(args.run_dir, args.service);
    if (!address) {
        return 1;
    }
    const auto connection = retry_connect_made(args, [&]() -> Result<Socket> {
        Socket attempt(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
        if (attempt.fd() < 0
            || ::connect(attempt.fd(), reinterpret_cast<const sockaddr*>(&*address),
                         sizeof(*address))
                   != 0) {
            return os_failure("connect() to the raw socket failed");
        }
        if (auto fitted = fit_packets(attempt.fd(), scenario.capacity); !fitted) {
            return std::unexpected(fitted.error());
        }
        return attempt;
    });
    if (!connection) {
        return 1;
    }
    const int fd = connection->fd();
    const char* name = scenario.name;
    return run_raw_client(
        args, scenario, [fd, name](std::span<const std::byte> out, std::span<std::byte> in) {
            if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())
                || ::recv(fd, in.data(), in.size(), MSG_TRUNC) != static_cast<ssize_t>(in.size())) {
                (void)std::fprintf(stderr, "%s: %s\n", name,
                                   os_failure("send/recv failed").error().message().c_str());
                return false;
            }
            return true;
        });
}

} // namespace netipc::bench::driver
