#include "examples/tcp/tcp_transport.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "examples/tcp/socket_address.h"
#include "examples/tcp/socket_errors.h"
#include "netipc/posix/unique_fd.h"
#include "netipc/posix/wait.h"

namespace netipc::examples {

using posix::raised;
using posix::wait_for;

namespace {

// Clients queued before accept(); the kernel caps it at net.core.somaxconn.
constexpr int listen_backlog = 128;

Result<sockaddr_in> local_address(int fd, const char* what) {
    sockaddr_in address{};
    socklen_t length = sizeof(address);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        return socket_failure(what, errno);
    }
    return address;
}

// Linux lets a connect to a free local port in the ephemeral range succeed
// against itself (TCP simultaneous open) when the kernel happens to pick
// that very port as the source: a "connection" to a service that is not
// there. A socket connected to itself has the same address at both ends.
bool connected_to_itself(int fd) {
    sockaddr_in local{};
    sockaddr_in peer{};
    socklen_t local_length = sizeof(local);
    socklen_t peer_length = sizeof(peer);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0
        || ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) {
        return false;
    }
    return local.sin_port == peer.sin_port && local.sin_addr.s_addr == peer.sin_addr.s_addr;
}

// The outcome of a non-blocking connect() that is in progress: waits until
// the socket is writable, then reads what the handshake came to.
Result<void> finish_connect(int fd, Deadline deadline) {
    if (auto ready = wait_for(fd, POLLOUT, deadline, nullptr); !ready) {
        return ready;
    }
    int error = 0;
    socklen_t length = sizeof(error);
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
        return socket_failure("getsockopt(SO_ERROR) failed", errno);
    }
    if (error != 0) {
        return socket_failure("connect() failed", error);
    }
    return {};
}

} // namespace

Result<TcpConnection> TcpTransport::connect(const Address& address, Deadline deadline) {
    auto target = to_sockaddr(address);
    if (!target) {
        return std::unexpected(target.error());
    }
    if (address.port == 0) {
        return fail(Errc::invalid_argument, "connect needs a concrete port");
    }
    // Non-blocking, so the TCP handshake waits in poll() for no longer than
    // the deadline allows.
    posix::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) {
        return socket_failure("socket() failed", errno);
    }
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*target), sizeof(*target)) != 0) {
        const int error = errno;
        // EINTR: the connect goes on in the background, like EINPROGRESS.
        if (error != EINPROGRESS && error != EINTR) {
            return socket_failure("connect() failed", error);
        }
        if (auto connected = finish_connect(fd.get(), deadline); !connected) {
            return std::unexpected(connected.error());
        }
    }
    if (connected_to_itself(fd.get())) {
        return fail(Errc::not_found, "nothing listens on the port (connected to itself)");
    }
    return TcpConnection::adopt(std::move(fd));
}

Result<TcpListener> TcpTransport::listen(const Address& address) {
    auto local = to_sockaddr(address);
    if (!local) {
        return std::unexpected(local.error());
    }
    if (!is_loopback(*local)) {
        return fail(Errc::invalid_argument, "a TCP listener binds loopback addresses only");
    }
    posix::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) {
        return socket_failure("socket() failed", errno);
    }
    // A restarted provider must get its port back while connections of its
    // predecessor linger in TIME_WAIT. (It does not let two live listeners
    // share a port: that is still EADDRINUSE on Linux.)
    const int on = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0) {
        return socket_failure("setsockopt(SO_REUSEADDR) failed", errno);
    }
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*local), sizeof(*local)) != 0) {
        return socket_failure("bind() failed", errno);
    }
    if (::listen(fd.get(), listen_backlog) != 0) {
        return socket_failure("listen() failed", errno);
    }
    // Port 0 asked the kernel for one: report the one it chose.
    auto bound = local_address(fd.get(), "getsockname() failed");
    if (!bound) {
        return std::unexpected(bound.error());
    }
    return TcpListener(std::move(fd), to_address(*bound));
}

} // namespace netipc::examples
