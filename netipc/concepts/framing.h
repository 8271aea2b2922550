// The Framing seam: messages to packets and back, and the handshake, over
// any PacketConnection. framing::Nipc is the Netdata framing; another one
// (for a stream transport, say) plugs in without touching transports or
// codecs.
//
// A framing type F names its configuration and result types and offers, for
// a connection type Conn:
//   F::client_handshake(conn, client_config, deadline, abort) -> Result<Parameters>
//   F::server_handshake(conn, server_config, session_id, deadline, abort)
//                                                            -> Result<Parameters>
//   F::send(conn, header, payload, packet_size, deadline)    -> Result<void>
//   F::Receiver(limits, packet_size).receive(conn, deadline, abort)
//                                                            -> Result<Received>
// where Parameters exposes the negotiated `requests` / `responses` limits,
// `packet_size`, `selected_profile` and `session_id`, and Received exposes
// the message `header` and a borrowed `payload`.
#pragma once

#include <concepts>

#include "netipc/concepts/transport.h"
#include "netipc/wire/message_header.h"

namespace netipc {

template <class F, class Connection>
concept Framing =
    PacketConnection<Connection>
    && requires {
           typename F::ClientConfig;
           typename F::ServerConfig;
           typename F::Parameters;
           typename F::Receiver;
           typename F::Received;
       } && requires(Connection& connection, const typename F::ClientConfig& client_config, const typename F::ServerConfig& server_config, const typename F::Parameters& parameters, const wire::MessageHeader& header, wire::Bytes payload, Deadline deadline, const AbortSignal* abort, typename F::Receiver& receiver, const typename F::Received& received) {
           {
               F::client_handshake(connection, client_config, deadline, abort)
           } -> std::same_as<Result<typename F::Parameters>>;
           {
               F::server_handshake(connection, server_config, std::uint64_t{}, deadline, abort)
           } -> std::same_as<Result<typename F::Parameters>>;
           {
               F::send(connection, header, payload, std::uint32_t{}, deadline)
           } -> std::same_as<Result<void>>;
           {
               receiver.receive(connection, deadline, abort)
           } -> std::same_as<Result<typename F::Received>>;
           { parameters.requests } -> std::convertible_to<wire::DirectionalLimits>;
           { parameters.responses } -> std::convertible_to<wire::DirectionalLimits>;
           { parameters.packet_size } -> std::convertible_to<std::uint32_t>;
           { parameters.selected_profile } -> std::convertible_to<std::uint32_t>;
           { parameters.session_id } -> std::convertible_to<std::uint64_t>;
           { received.header } -> std::convertible_to<wire::MessageHeader>;
           { received.payload } -> std::convertible_to<wire::Bytes>;
       } && std::constructible_from<typename F::Receiver, wire::DirectionalLimits, std::uint32_t>;

} // namespace netipc
