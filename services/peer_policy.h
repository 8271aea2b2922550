// The managed server's optional peer-credential check
// (ServerConfig::allowed_uids / allowed_gids): who may open a session,
// judged by the credentials the OS reports for the peer, never by anything
// the peer sends.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "netipc/peer_identity.h"
#include "services/server_config.h"

namespace netipc::services {

class PeerPolicy {
public:
    PeerPolicy() = default;
    explicit PeerPolicy(const ServerConfig& config)
        : uids_(config.allowed_uids), gids_(config.allowed_gids) {}

    // Off (everyone is admitted) while both lists are empty.
    [[nodiscard]] bool enabled() const noexcept { return !uids_.empty() || !gids_.empty(); }

    // A peer is admitted when its user or its group is listed.
    [[nodiscard]] bool admits(const PeerIdentity& peer) const noexcept {
        return !enabled() || std::ranges::find(uids_, peer.uid) != uids_.end()
               || std::ranges::find(gids_, peer.gid) != gids_.end();
    }

private:
    std::vector<std::uint32_t> uids_;
    std::vector<std::uint32_t> gids_;
};

} // namespace netipc::services
