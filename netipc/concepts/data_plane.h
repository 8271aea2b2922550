// Optional transport capability: a negotiated data plane.
//
// Some transports handshake over their packet connection and then, if both
// peers agree on one of the data plane's profiles, move the session's
// messages through something faster (a shared-memory region on Linux).
// Framing drives the switch during the handshake through four members:
//
//   C::data_plane_profiles           the HELLO profile bits this data plane
//                                    implements (SHM_HYBRID, say)
//   prepare_data_plane(terms)        server, after deciding to select a
//                                    data-plane profile and BEFORE it answers:
//                                    makes the session's data plane for the
//                                    agreed terms (DataPlaneTerms: profile,
//                                    payload ceilings, session id, token).
//                                    On failure the server selects another
//                                    profile instead (no data plane)
//   activate_data_plane()            server, once the accepting answer is
//                                    out: messages now travel on the data
//                                    plane
//   attach_data_plane(terms)         client, after an answer that selected a
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

// What both peers agreed on that a data plane is made from. Every field is
// known to both sides after the handshake, so both derive the same objects
// (a region's name, its size) without another exchange.
struct DataPlaneTerms {
    std::uint32_t profile = 0; // the selected data-plane profile (one bit)
    std::uint32_t request_payload_ceiling = 0;
    std::uint32_t response_payload_ceiling = 0;
    std::uint64_t session_id = 0;
    // The session's auth token: a data plane whose objects are found by
    // name may fold it into the name, so that only token holders find them.
    std::uint64_t auth_token = 0;
};

template <class C>
concept NegotiatedDataPlane =
    PacketConnection<C>
    && requires(C& connection, const C& const_connection, const DataPlaneTerms& terms) {
           { C::data_plane_profiles } -> std::convertible_to<std::uint32_t>;
           { connection.prepare_data_plane(terms) } -> std::same_as<Result<void>>;
           { connection.activate_data_plane() } noexcept;
           { connection.attach_data_plane(terms) } -> std::same_as<Result<void>>;
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
