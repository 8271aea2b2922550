// TcpAddress <-> sockaddr_in. Kept apart from the transport so the rules
// for what an address may be (an IPv4 literal; loopback only for a
// listener) live in one place.
#pragma once

#include <netinet/in.h>

#include "examples/tcp/tcp_address.h"
#include "netipc/error.h"

namespace netipc::examples {

// Errc::invalid_argument when the host is not an IPv4 literal.
Result<sockaddr_in> to_sockaddr(const TcpAddress& address);

// The host as a dotted quad and the port, in host order.
TcpAddress to_address(const sockaddr_in& address);

// 127.0.0.0/8: the only networks a listener binds, because a netipc service
// authenticates with a shared token only and must not be reachable from
// other machines.
bool is_loopback(const sockaddr_in& address) noexcept;

} // namespace netipc::examples
