// Who is at the other end of a session, as the operating system recorded it
// when the connection was made (not what the peer claims): its user, its
// group and its process. Platform-neutral numbers; a transport that can
// report them models PeerCredentials (netipc/concepts/peer_credentials.h).
#pragma once

#include <cstdint>

namespace netipc {

struct PeerIdentity {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::int64_t pid = 0;

    friend bool operator==(const PeerIdentity&, const PeerIdentity&) = default;
};

} // namespace netipc
