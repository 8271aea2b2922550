// The Transport seam: moving whole packets between two processes.
//
// A transport knows nothing about messages, chunking or handshakes (that is
// framing's job). It owns the OS objects and states at compile time what it
// can carry:
//
//   T::profile_bits       the HELLO profile bit(s) it implements: the
//                         baseline bit, plus the profiles of a negotiated
//                         data plane when its connection has one
//                         (concepts/data_plane.h)
//   T::packet_limited     true when packets have a maximum size (SEQPACKET,
//                         message-mode pipes): framing then chunks larger
//                         messages into max_packet_size() pieces. False for
//                         a transport that carries a message of any size in
//                         one packet (a length-prefixed stream): framing
//                         never chunks there, and buffers are sized from
//                         the negotiated payload ceilings, never from
//                         max_packet_size()
//   T::Address            where a service lives
//   T::Connection         one connected session endpoint (PacketConnection)
//   T::Listener           accepts Connections (PacketListener)
//   T::connect(addr, deadline)            -> Result<Connection>
//   T::listen(addr)                       -> Result<Listener>
//
// Every blocking call takes a Deadline; receives and accepts also watch an
// AbortSignal. Failures are distinct: Errc::timeout, Errc::aborted,
// Errc::disconnected (the peer closed, or interrupt() was called),
// Errc::os_error (with the system's error number).
#pragma once

#include <concepts>
#include <cstdint>
#include <span>

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/wire/bytes.h"

namespace netipc {

// One connected endpoint that sends and receives whole packets.
//   send_packet(pieces, deadline): sends ONE packet made of the
//       concatenation of `pieces` (gather I/O: the payload is never copied
//       to be framed);
//   receive_packet(out, deadline, abort): receives ONE packet into `out`
//       and returns its size; a packet larger than `out` is
//       Errc::protocol_violation (it was truncated or discarded);
//   max_packet_size(): the largest packet this endpoint can send (the value
//       it proposes in HELLO; read only when T::packet_limited);
//   interrupt(): may be called from any thread while another thread is
//       blocked in send_packet() or receive_packet() on this endpoint: that
//       call, and every later one, fails promptly with Errc::disconnected,
//       and the peer sees the session end. It never invalidates the object
//       (close() still has to run, on the owning thread). This is how a
//       server stops sessions that are waiting for their clients;
//   close(): releases the OS objects; idempotent; must not race any call;
//   native_handle(): the platform object a caller's event loop can wait
//       on (readable = a packet or the end of the session is waiting), of
//       type C::native_handle_type. Generic code passes it through and never
//       looks inside.
template <class C>
concept PacketConnection =
    std::movable<C> && requires { typename C::native_handle_type; }
    && requires(C& connection, const C& const_connection, std::span<const wire::Bytes> pieces,
                wire::MutableBytes out, Deadline deadline, const AbortSignal* abort) {
           { connection.send_packet(pieces, deadline) } -> std::same_as<Result<void>>;
           { connection.receive_packet(out, deadline, abort) } -> std::same_as<Result<std::size_t>>;
           { const_connection.max_packet_size() } -> std::convertible_to<std::uint32_t>;
           { const_connection.native_handle() } -> std::same_as<typename C::native_handle_type>;
           { connection.interrupt() } noexcept;
           connection.close();
       };

// Accepts connections of type `Connection` for one address.
//   accept(deadline, abort): waits for one client (Errc::timeout,
//       Errc::aborted);
//   address(): where the listener actually is. For an address with a
//       wildcard part (port 0, say) this is the concrete one clients use;
//   close(): stops listening and removes what listen() created (a socket
//       file, say); idempotent; existing connections are unaffected.
template <class L, class Connection, class Address>
concept PacketListener =
    std::movable<L>
    && requires(L& listener, const L& const_listener, Deadline deadline, const AbortSignal* abort) {
           { listener.accept(deadline, abort) } -> std::same_as<Result<Connection>>;
           { const_listener.address() } -> std::convertible_to<Address>;
           listener.close();
       };

template <class T>
concept Transport =
    requires {
        { T::profile_bits } -> std::convertible_to<std::uint32_t>;
        { T::packet_limited } -> std::convertible_to<bool>;
        typename T::Address;
        typename T::Connection;
        typename T::Listener;
    } && std::copy_constructible<typename T::Address> && PacketConnection<typename T::Connection>
    && PacketListener<typename T::Listener, typename T::Connection, typename T::Address>
    && requires(const typename T::Address& address, Deadline deadline) {
           { T::connect(address, deadline) } -> std::same_as<Result<typename T::Connection>>;
           { T::listen(address) } -> std::same_as<Result<typename T::Listener>>;
       };

} // namespace netipc
