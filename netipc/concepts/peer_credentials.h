// Optional connection capability: the peer's credentials.
//
//   peer_identity() -> Result<PeerIdentity>   the user, group and process of
//                                    the peer, as the kernel recorded them
//                                    when the connection was made
//                                    (SO_PEERCRED on a Unix domain socket):
//                                    the peer cannot forge them
//
// A managed server with a peer-credential policy (ServerConfig::allowed_uids,
// allowed_gids) needs it from its transport's connections, and a client
// reports its provider's identity with it (ClientStatus::provider).
#pragma once

#include <concepts>

#include "netipc/concepts/transport.h"
#include "netipc/error.h"
#include "netipc/peer_identity.h"

namespace netipc {

template <class C>
concept PeerCredentials = PacketConnection<C> && requires(const C& connection) {
    { connection.peer_identity() } -> std::same_as<Result<PeerIdentity>>;
};

} // namespace netipc
