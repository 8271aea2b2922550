// Negotiation policy: which profiles a peer offers. Session, the Level 2
// client and managed server, and the command-line program all call these,
// so the rules are written once:
//   - a configured set of 0 means "everything the transport carries";
//   - configuration only ever narrows what the transport type carries;
//   - the preferred set defaults to the offered set and stays inside it;
//   - dropping a data plane (after it could not be attached or prepared)
//     removes its profiles from both sets.
#pragma once

#include <cstdint>

#include "netipc/session_parameters.h"

namespace netipc {

struct ProfileOffer {
    std::uint32_t supported = 0;
    std::uint32_t preferred = 0;

    friend constexpr bool operator==(const ProfileOffer&, const ProfileOffer&) = default;
};

// The profiles to offer, from configured masks (0: all `carried`; preferred
// 0: the same as offered) and what the transport carries.
constexpr ProfileOffer narrow_profiles(std::uint32_t configured, std::uint32_t configured_preferred,
                                       std::uint32_t carried) noexcept {
    const std::uint32_t supported = (configured == 0 ? carried : configured) & carried;
    const std::uint32_t preferred =
        (configured_preferred == 0 ? supported : configured_preferred) & supported;
    return {supported, preferred};
}

// Keeps only the profiles in `allowed`.
constexpr void restrict_profiles(ClientHandshakeConfig& config, std::uint32_t allowed) noexcept {
    config.supported_profiles &= allowed;
    config.preferred_profiles &= allowed;
}
constexpr void restrict_profiles(ServerHandshakeConfig& config, std::uint32_t allowed) noexcept {
    config.supported_profiles &= allowed;
    config.preferred_profiles &= allowed;
}

} // namespace netipc
