// raw-uds-ping-pong: the cross-process SEQPACKET ceiling. Two processes, a
// listening AF_UNIX SOCK_SEQPACKET socket at <run_dir>/<service>.sock, one
// 40-byte packet each way per round trip with blocking send()/recv(), no
// library code: what a netipc UDS round trip cannot beat. The server adds
// one to the value each packet carries; the client checks it.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

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

// Echoes one client's packets, value + 1, until it hangs up or the
// server shuts the socket down.
void echo(int fd, std::atomic<std::uint64_t>& served) {
    RawMessage message{};
    for (;;) {
        const ssize_t received = ::recv(fd, message.data(), message.size(), 0);
        if (received != static_cast<ssize_t>(message.size())) {
            return;
        }
        set_raw_value(message.data(), raw_value(message.data()) + 1);
        if (::send(fd, message.data(), message.size(), MSG_NOSIGNAL) != received) {
            return;
        }
        served.fetch_add(1, std::memory_order_relaxed);
    }
}

} // namespace

int serve_raw_uds(const ServerArgs& args) {
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
                echo(client.fd(), served);
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

int run_raw_uds_client(const ClientArgs& args) {
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
        return attempt;
    });
    if (!connection) {
        return 1;
    }
    const int fd = connection->fd();
    return run_raw_ping_pong(
        args, "raw-uds-ping-pong", [fd](const RawMessage& out, RawMessage& in) {
            if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())
                || ::recv(fd, in.data(), in.size(), 0) != static_cast<ssize_t>(in.size())) {
                (void)std::fprintf(stderr, "raw-uds-ping-pong: %s\n",
                                   os_failure("send/recv failed").error().message().c_str());
                return false;
            }
            return true;
        });
}

} // namespace netipc::bench::driver
