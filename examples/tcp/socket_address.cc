#include "examples/tcp/socket_address.h"

#include <arpa/inet.h>

#include <array>

namespace netipc::examples {

Result<sockaddr_in> to_sockaddr(const TcpAddress& address) {
    sockaddr_in result{};
    result.sin_family = AF_INET;
    result.sin_port = htons(address.port);
    if (::inet_pton(AF_INET, address.host.c_str(), &result.sin_addr) != 1) {
        return fail(Errc::invalid_argument, "TCP host is not an IPv4 literal");
    }
    return result;
}

TcpAddress to_address(const sockaddr_in& address) {
    std::array<char, INET_ADDRSTRLEN> text{};
    // Cannot fail: the buffer fits any IPv4 address.
    (void)::inet_ntop(AF_INET, &address.sin_addr, text.data(), text.size());
    return TcpAddress{text.data(), ntohs(address.sin_port)};
}

bool is_loopback(const sockaddr_in& address) noexcept {
    constexpr std::uint32_t loopback_net = 127;
    return (ntohl(address.sin_addr.s_addr) >> 24U) == loopback_net;
}

} // namespace netipc::examples
