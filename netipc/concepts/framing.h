// The Framing seam: how messages and the session handshake travel over a
// PacketConnection.
//
// A message is netipc's envelope (wire::MessageHeader) and its payload; the
// negotiated values are netipc's SessionParameters. A framing decides how
// those become packets: framing::Nipc is the Netdata framing (32-byte
// header, chunking, HELLO / HELLO_ACK); another one (for a stream transport,
// say) plugs in without touching transports or codecs. A framing type F
// offers, for a connection type Conn:
//
//   F::client_handshake(conn, ClientHandshakeConfig, deadline, abort)
//                                               -> Result<SessionParameters>
//   F::server_handshake(conn, ServerHandshakeConfig, session_id, deadline,
//                       abort)                  -> Result<SessionParameters>
//   F::send(conn, header, payload, packet_size, deadline) -> Result<void>
//       one whole message, chunked as the framing does when header and
//       payload exceed packet_size;
//   F::header_room (a std::size_t constant) and
//   F::send_in_place(conn, header, message, packet_size, deadline)
//                                               -> Result<void>
//       the same for a message the caller built after F::header_room bytes
//       of a buffer it lets the framing write (wire::MutableBytes: room +
//       payload), so headers go in front of the payload and each packet
//       leaves as one contiguous piece. Sessions send everything they build
//       this way; on return the payload bytes are unchanged;
//   F::Receiver(limits, packet_size)
//       reassembles messages within `limits` from packets of at most
//       `packet_size`; receiver.receive(conn, deadline, abort)
//       -> Result<F::Received>, whose `header` and `payload` (borrowed from
//       the receiver, valid until its next receive) make the message.
//       Received is passed by value through every layer of a round trip:
//       keep it a small view of what the receiver holds, not a copy.
//
// Optional receiver capabilities are concepts of their own
// (concepts/receiver_capabilities.h).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "netipc/concepts/transport.h"
#include "netipc/session_parameters.h"
#include "netipc/wire/message_header.h"

namespace netipc {

template <class F, class Connection>
concept Framing = PacketConnection<Connection>
                  && requires {
                         typename F::Receiver;
                         typename F::Received;
                     } && requires(Connection& connection, const ClientHandshakeConfig& client_config, const ServerHandshakeConfig& server_config, const wire::MessageHeader& header, wire::Bytes payload, Deadline deadline, const AbortSignal* abort, typename F::Receiver& receiver, const typename F::Received& received) {
                         {
                             F::client_handshake(connection, client_config, deadline, abort)
                         } -> std::same_as<Result<SessionParameters>>;
                         {
                             F::server_handshake(connection, server_config, std::uint64_t{},
                                                 deadline, abort)
                         } -> std::same_as<Result<SessionParameters>>;
                         {
                             F::send(connection, header, payload, std::uint32_t{}, deadline)
                         } -> std::same_as<Result<void>>;
                         { F::header_room } -> std::convertible_to<std::size_t>;
                         {
                             F::send_in_place(connection, header, wire::MutableBytes{},
                                              std::uint32_t{}, deadline)
                         } -> std::same_as<Result<void>>;
                         {
                             receiver.receive(connection, deadline, abort)
                         } -> std::same_as<Result<typename F::Received>>;
                         { received.header } -> std::convertible_to<wire::MessageHeader>;
                         { received.payload } -> std::convertible_to<wire::Bytes>;
                     } && std::constructible_from<typename F::Receiver, wire::DirectionalLimits, std::uint32_t>;

} // namespace netipc
