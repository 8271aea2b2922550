// A listening TCP socket on the loopback interface that hands out
// TcpConnections.
//
// The socket is non-blocking: accept() never blocks in accept4() and waits
// in poll() on the socket and the abort signal instead, so a server's
// stop() (which raises the signal) ends a wait for clients at once.
//
// Not synchronized: one thread accepts; close() must not race accept().
#pragma once

#include <utility>

#include "examples/tcp/tcp_address.h"
#include "examples/tcp/tcp_connection.h"
#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/posix/unique_fd.h"

namespace netipc::examples {

class TcpListener {
public:
    TcpListener() noexcept = default;
    // Takes a bound, listening, non-blocking socket and the address it is
    // bound to (with the port the kernel picked, if it picked one).
    TcpListener(posix::UniqueFd socket, TcpAddress bound) noexcept
        : fd_(std::move(socket)), address_(std::move(bound)) {}

    // Waits for one client until `deadline` (Errc::timeout) or until
    // `abort` (may be null) is raised (Errc::aborted, checked before any
    // wait too). Errc::invalid_argument once closed.
    Result<TcpConnection> accept(Deadline deadline, const AbortSignal* abort);

    // Where clients connect: the concrete port even when listen() was given
    // port 0.
    [[nodiscard]] const TcpAddress& address() const noexcept { return address_; }
    // The listening socket, for poll() (readable = a client is waiting).
    [[nodiscard]] int native_handle() const noexcept { return fd_.get(); }
    // Stops listening: later connects are refused (Errc::not_found), clients
    // not accepted yet are reset. Connections already accepted are
    // unaffected. Idempotent.
    void close() noexcept { fd_.reset(); }

private:
    posix::UniqueFd fd_;
    TcpAddress address_;
};

} // namespace netipc::examples
