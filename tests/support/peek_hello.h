// Reading the profiles a client's HELLO offers without consuming it, so a
// real server can still handshake over the same socket (MSG_PEEK: POSIX).
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <optional>

#include "framing/handshake.h"
#include "netipc/deadline.h"
#include "netipc/wire/hello.h"

namespace netipc::testing {

// The profiles a HELLO offers, read from `connection` without consuming
// it (so a real server can still handshake over the same connection).
template <class Connection>
std::optional<std::uint32_t> peek_offered_profiles(Connection& connection, Deadline deadline) {
    std::array<std::byte, framing::hello_packet_size> hello{};
    for (;;) {
        const ssize_t got =
            ::recv(connection.native_handle(), hello.data(), hello.size(), MSG_PEEK | MSG_DONTWAIT);
        if (got == static_cast<ssize_t>(hello.size())) {
            break;
        }
        if (got >= 0 || deadline.expired()) {
            return std::nullopt; // short or closed
        }
        ::usleep(1000);
    }
    auto decoded = wire::decode_hello(wire::Bytes(hello).subspan(wire::message_header_size));
    if (!decoded) {
        return std::nullopt;
    }
    return decoded->supported_profiles;
}

} // namespace netipc::testing
