// What two peers negotiate when a session starts, in the terms every
// framing shares: the auth token, the profiles (which transport carries the
// data), the payload and batch ceilings in each direction, and the packet
// size. A framing decides how these travel (framing::Nipc: HELLO and
// HELLO_ACK); Session and the levels above only build the proposals and
// read the agreed values.
#pragma once

#include <cstdint>

#include "netipc/wire/constants.h"
#include "netipc/wire/message_header.h"

namespace netipc {

// What a client proposes. Session narrows the profiles to what its transport
// carries; configuration only ever narrows them.
struct ClientHandshakeConfig {
    std::uint64_t auth_token = 0;
    std::uint32_t supported_profiles = wire::profile::baseline;
    std::uint32_t preferred_profiles = wire::profile::baseline;
    std::uint32_t max_request_payload_bytes = wire::defaults::max_payload_bytes;
    std::uint32_t max_request_batch_items = 1;
    std::uint32_t max_response_payload_bytes = wire::defaults::service_response_bytes;
    std::uint32_t max_response_batch_items = 1;
    // Packet size to propose; 0 proposes the transport's own maximum. Only
    // ever narrows what the transport can carry.
    std::uint32_t packet_size = 0;
};

// What a server enforces and offers.
struct ServerHandshakeConfig {
    std::uint64_t auth_token = 0;
    std::uint32_t supported_profiles = wire::profile::baseline;
    std::uint32_t preferred_profiles = 0;
    // A proposal of more than this is rejected with LIMIT_EXCEEDED.
    std::uint32_t max_request_payload_bytes = wire::defaults::max_payload_growth_cap;
    // The server decides the response ceiling; the client's value is a hint.
    std::uint32_t max_response_payload_bytes = wire::defaults::service_response_bytes;
    // Packet size limit; 0 means the transport's own maximum.
    std::uint32_t packet_size = 0;
    // The peer failed a check made outside the handshake (its credentials):
    // answer AUTH_FAILED whatever it proposes, before looking at anything
    // else, so a refused peer learns nothing about the server.
    bool refuse_peer = false;
};

// The final, agreed values both sides run the session with.
struct SessionParameters {
    std::uint32_t selected_profile = wire::profile::baseline;
    wire::DirectionalLimits requests;  // what the server accepts
    wire::DirectionalLimits responses; // what the client accepts
    std::uint32_t packet_size = 0;
    std::uint64_t session_id = 0;

    friend bool operator==(const SessionParameters&, const SessionParameters&) = default;
};

// The packet size to use: the configured one when set and smaller than what
// the transport allows, else the transport's.
constexpr std::uint32_t effective_packet_size(std::uint32_t configured,
                                              std::uint32_t transport_max) noexcept {
    return configured != 0 && configured < transport_max ? configured : transport_max;
}

} // namespace netipc
