// TcpTransport: a netipc transport defined outside the library, the way a
// user would write one (docs/adding-a-transport.md). It carries packets over
// TCP on the loopback interface as length-prefixed frames.
//
// Unlike the built-in transports it is a byte stream, not a packet socket,
// so it is not packet-limited: a message of any size travels as one frame,
// framing never chunks, and buffers are sized from the negotiated payload
// ceilings (sessions/session.h).
//
//   using IncrementOverTcp =
//       netipc::Session<TcpTransport, netipc::framing::Nipc, netipc::codecs::Increment>;
//   auto listener = TcpTransport::listen({});        // 127.0.0.1, a free port
//   auto session = IncrementOverTcp::connect(listener->address(), config, deadline);
//
// It also works with services::Client and services::ManagedServer, whose
// address() reports the port the kernel picked.
//
// Security: a listener binds loopback addresses only. netipc authenticates
// with a shared token alone; anything reachable from another machine would
// need more than that.
#pragma once

#include <cstdint>

#include "examples/tcp/tcp_address.h"
#include "examples/tcp/tcp_connection.h"
#include "examples/tcp/tcp_listener.h"
#include "netipc/concepts/transport.h"
#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/wire/constants.h"

namespace netipc::examples {

struct TcpTransport {
    static constexpr std::uint32_t profile_bits = wire::profile::baseline;
    static constexpr bool packet_limited = false;

    using Address = TcpAddress;
    using Connection = TcpConnection;
    using Listener = TcpListener;

    // Connects without blocking past `deadline` (Errc::timeout). Nothing
    // listening is Errc::not_found; a host that is not an IPv4 literal, or
    // port 0, is Errc::invalid_argument.
    static Result<Connection> connect(const Address& address, Deadline deadline);

    // Binds `address` (port 0: a free port, reported by address()) and
    // listens. Only loopback hosts (127.0.0.0/8): anything else is
    // Errc::invalid_argument. A port another listener holds is
    // Errc::address_in_use.
    static Result<Listener> listen(const Address& address);
};

static_assert(PacketConnection<TcpConnection>);
static_assert(Transport<TcpTransport>);

} // namespace netipc::examples
