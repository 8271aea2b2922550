// How Level 2 configuration becomes handshake proposals: the one place the
// client and the managed server turn their configs (zero = named default)
// into what the framing negotiates. Profile narrowing is netipc's
// negotiation policy (netipc/negotiation.h).
#pragma once

#include <cstdint>

#include "netipc/negotiation.h"
#include "netipc/session_parameters.h"
#include "services/client_config.h"
#include "services/defaults.h"
#include "services/server_config.h"

namespace netipc::services {

// The ceilings a client proposes right now. They start from its config and
// grow on demand (Client's resize rules).
struct CeilingProposal {
    std::uint32_t request_payload_bytes = defaults::request_payload_bytes;
    std::uint32_t response_payload_bytes = defaults::response_payload_bytes;
    std::uint32_t batch_items = defaults::batch_items;
};

template <class V>
constexpr V or_default(V value, V fallback) noexcept {
    return value == V{} ? fallback : value;
}

// The first proposal of a client with this config.
constexpr CeilingProposal initial_proposal(const ClientConfig& config) noexcept {
    return {or_default(config.request_payload_bytes, defaults::request_payload_bytes),
            or_default(config.response_payload_bytes, defaults::response_payload_bytes),
            or_default(config.batch_items, defaults::batch_items)};
}

// A client's HELLO proposal: `carried` is what the transport can carry now
// (less a data plane the client has given up on).
constexpr ClientHandshakeConfig client_handshake_config(const ClientConfig& config,
                                                        const CeilingProposal& ceilings,
                                                        std::uint32_t carried) noexcept {
    const ProfileOffer offer = narrow_profiles(config.profiles, config.preferred_profiles, carried);
    ClientHandshakeConfig handshake;
    handshake.auth_token = config.auth_token;
    handshake.supported_profiles = offer.supported;
    handshake.preferred_profiles = offer.preferred;
    handshake.max_request_payload_bytes = ceilings.request_payload_bytes;
    handshake.max_request_batch_items = ceilings.batch_items;
    handshake.max_response_payload_bytes = ceilings.response_payload_bytes;
    handshake.max_response_batch_items = ceilings.batch_items;
    handshake.packet_size = config.packet_size;
    return handshake;
}

// What a managed server enforces and offers over a transport carrying
// `carried`.
constexpr ServerHandshakeConfig server_handshake_config(const ServerConfig& config,
                                                        std::uint32_t carried) noexcept {
    const ProfileOffer offer = narrow_profiles(config.profiles, config.preferred_profiles, carried);
    ServerHandshakeConfig handshake;
    handshake.auth_token = config.auth_token;
    handshake.supported_profiles = offer.supported;
    handshake.preferred_profiles = offer.preferred;
    handshake.max_request_payload_bytes =
        or_default(config.request_payload_bytes, defaults::payload_growth_cap);
    handshake.max_response_payload_bytes =
        or_default(config.response_payload_bytes, defaults::response_payload_bytes);
    handshake.packet_size = config.packet_size;
    return handshake;
}

} // namespace netipc::services
