#include "examples/tcp/tcp_listener.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "examples/tcp/socket_errors.h"
#include "netipc/posix/wait.h"

namespace netipc::examples {

using posix::raised;
using posix::wait_for;

Result<TcpConnection> TcpListener::accept(Deadline deadline, const AbortSignal* abort) {
    if (!fd_) {
        return fail(Errc::invalid_argument, "accept on a closed TCP listener");
    }
    for (;;) {
        if (raised(abort)) {
            return fail(Errc::aborted, "abort signal raised");
        }
        const int client = ::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (client >= 0) {
            return TcpConnection::adopt(posix::UniqueFd(client));
        }
        const int error = errno;
        // ECONNABORTED: the client gave up while queued; wait for the next.
        if (error == EINTR || error == ECONNABORTED) {
            continue;
        }
        if (error != EAGAIN && error != EWOULDBLOCK) {
            return socket_failure("accept4() failed", error);
        }
        if (auto ready = wait_for(fd_.get(), POLLIN, deadline, abort); !ready) {
            return std::unexpected(ready.error());
        }
    }
}

} // namespace netipc::examples
