#include "examples/tcp/socket_errors.h"

#include <cerrno>

namespace netipc::examples {

bool is_peer_gone(int error) noexcept {
    return error == EPIPE || error == ECONNRESET || error == ENOTCONN || error == ESHUTDOWN;
}

std::unexpected<Error> socket_failure(const char* what, int error) noexcept {
    if (is_peer_gone(error)) {
        return fail(Errc::disconnected, what, error);
    }
    switch (error) {
        case ECONNREFUSED:
            // Nothing listens on that port: the same answer a missing socket
            // file gets from the UDS transport.
            return fail(Errc::not_found, what, error);
        case EADDRINUSE:
            return fail(Errc::address_in_use, what, error);
        case ETIMEDOUT:
            return fail(Errc::timeout, what, error);
        default:
            return fail(Errc::os_error, what, error);
    }
}

} // namespace netipc::examples
