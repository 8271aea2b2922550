// The Transport seam: moving whole packets between two processes.
//
// A transport knows nothing about messages, chunking or handshakes (that is
// framing's job). It owns the OS objects and states at compile time what it
// can carry:
//
//   T::profile_bits       the HELLO profile bit(s) it implements
//   T::packet_limited     true when packets have a maximum size (SEQPACKET),
//                         so framing must chunk larger messages
//   T::Address            where a service lives (run_dir + service name)
//   T::Connection         one connected session endpoint (PacketConnection)
//   T::Listener           accepts Connections
//   T::connect(addr, deadline)            -> Result<Connection>
//   T::listen(addr)                       -> Result<Listener>
//   listener.accept(deadline, abort)      -> Result<Connection>
//
// Every blocking call takes a Deadline; receives also watch an AbortSignal
// descriptor. Failures are distinct: Errc::timeout, Errc::aborted,
// Errc::disconnected (peer closed), Errc::os_error (with errno).
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
//       Errc::protocol_violation (it was truncated);
//   max_packet_size(): the largest packet this endpoint can send (the value
//       it proposes in HELLO);
//   native_handle(): the descriptor to poll for readability.
template <class C>
concept PacketConnection =
    std::movable<C>
    && requires(C& connection, const C& const_connection, std::span<const wire::Bytes> pieces,
                wire::MutableBytes out, Deadline deadline, const AbortSignal* abort) {
           { connection.send_packet(pieces, deadline) } -> std::same_as<Result<void>>;
           { connection.receive_packet(out, deadline, abort) } -> std::same_as<Result<std::size_t>>;
           { const_connection.max_packet_size() } -> std::convertible_to<std::uint32_t>;
           { const_connection.native_handle() } -> std::convertible_to<int>;
           connection.close();
       };

template <class T>
concept Transport =
    requires {
        { T::profile_bits } -> std::convertible_to<std::uint32_t>;
        { T::packet_limited } -> std::convertible_to<bool>;
        typename T::Address;
        typename T::Connection;
        typename T::Listener;
    } && PacketConnection<typename T::Connection>
    && requires(const typename T::Address& address, typename T::Listener& listener,
                Deadline deadline, const AbortSignal* abort) {
           { T::connect(address, deadline) } -> std::same_as<Result<typename T::Connection>>;
           { T::listen(address) } -> std::same_as<Result<typename T::Listener>>;
           { listener.accept(deadline, abort) } -> std::same_as<Result<typename T::Connection>>;
       };

} // namespace netipc
