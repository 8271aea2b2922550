// Where a TCP service lives: an IPv4 literal and a port. Port 0 asks
// listen() to pick a free port; the listener's address() then reports the
// one it got, and that is the address clients connect to.
//
// Host names are not resolved on purpose: getaddrinfo() blocks without a
// deadline, and every call netipc makes must honour one.
#pragma once

#include <cstdint>
#include <string>

namespace netipc::examples {

struct TcpAddress {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;

    friend bool operator==(const TcpAddress&, const TcpAddress&) = default;
};

} // namespace netipc::examples
