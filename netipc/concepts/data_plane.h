// Optional transport capability: a negotiated data plane.
//
// Some transports handshake over their packet connection and then, if both
// peers agree on one of the data plane's profiles, move the session's
// messages through something faster (a shared-memory region on Linux).
// Framing drives the switch during the handshake through four members:
//
//   C::data_plane_profiles           the HELLO profile bits this data plane
//                                    implements (SHM_HYBRID, say)
//   prepare_data_plane(req, resp, id)  server, after deciding to select a
//                                    data-plane profile and BEFORE it answers:
//                                    makes the session's data plane sized
//                                    for the agreed request/response payload
//                                    ceilings. On failure the server selects
//                                    another profile instead (no data plane)
//   activate_data_plane()            server, once the accepting answer is
//                                    out: messages now travel on the data
//                                    plane
//   attach_data_plane(req, resp, id) client, after an answer that selected a
//                                    data-plane profile. Failing is
//                                    Errc::shm_unavailable: the session is
//                                    over, and the caller reconnects without
//                                    offering the data plane (never a
//                                    same-session fallback)
//   data_plane_active()              whether messages travel on it now
//
// While the data plane is active a packet is a whole message: there is no
// packet limit below the negotiated ceilings, and framing never chunks.
#pragma once

#include <concepts>
#include <cstdint>

#include "netipc/concepts/transport.h"
#include "netipc/error.h"
#include "netipc/wire/bytes.h"

namespace netipc {

template <class C>
concept NegotiatedDataPlane = PacketConnection<C>
                              && requires(C& connection, const C& const_connection,
                                          std::uint32_t ceiling, std::uint64_t session_id) {
                                     {
                                         C::data_plane_profiles
                                     } -> std::convertible_to<std::uint32_t>;
                                     {
                                         connection.prepare_data_plane(ceiling, ceiling, session_id)
                                     } -> std::same_as<Result<void>>;
                                     { connection.activate_data_plane() } noexcept;
                                     {
                                         connection.attach_data_plane(ceiling, ceiling, session_id)
                                     } -> std::same_as<Result<void>>;
                                     { const_connection.data_plane_active() } -> std::same_as<bool>;
                                 };

// Optional connection capability: building outgoing messages in place.
//
//   send_area() -> wire::MutableBytes   where the next outgoing packet may be
//                                    built, or empty when it cannot be (no
//                                    active data plane, say). A send_packet()
//                                    whose single piece starts at the area's
//                                    start sends what was built there without
//                                    copying it.
//
// A session builds each message straight into the area when it is there and
// large enough for the negotiated ceiling (header room included): a
// shared-memory data plane then publishes the message where it was encoded,
// with no copy on the sending side.
template <class C>
concept InPlaceSend = PacketConnection<C> && requires(C& connection) {
    { connection.send_area() } noexcept -> std::same_as<wire::MutableBytes>;
};

// The profile bits a connection's data plane implements; none without one.
template <class C>
inline constexpr std::uint32_t data_plane_profiles_of = 0;
template <NegotiatedDataPlane C>
inline constexpr std::uint32_t data_plane_profiles_of<C> = C::data_plane_profiles;

} // namespace netipc
