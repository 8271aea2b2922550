// What a Level 2 client reports about itself: its connection state, and
// counters for diagnostics and logging (not for hot-path decisions: use
// Client::ready() there).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "netipc/error.h"
#include "netipc/peer_identity.h"
#include "netipc/session_parameters.h"

namespace netipc::services {

enum class ClientState : std::uint8_t {
    disconnected, // no session; refresh() will try to connect
    connecting,   // a connect + handshake is in progress
    ready,        // handshaken: calls proceed
    not_found,    // nothing is listening at the service's endpoint
    auth_failed,  // the provider refused the auth token
    incompatible, // no common profile, or the limits could not be agreed
    broken,       // was ready, then a call failed; refresh() reconnects
};

constexpr std::string_view to_string(ClientState state) noexcept {
    switch (state) {
        case ClientState::disconnected:
            return "DISCONNECTED";
        case ClientState::connecting:
            return "CONNECTING";
        case ClientState::ready:
            return "READY";
        case ClientState::not_found:
            return "NOT_FOUND";
        case ClientState::auth_failed:
            return "AUTH_FAILED";
        case ClientState::incompatible:
            return "INCOMPATIBLE";
        case ClientState::broken:
            return "BROKEN";
    }
    return "UNKNOWN";
}

struct ClientCounters {
    std::uint64_t connects = 0;         // successful handshakes
    std::uint64_t reconnects = 0;       // of which after the first
    std::uint64_t connect_failures = 0; // failed connect or handshake attempts
    std::uint64_t calls = 0;            // typed calls made (single and batch)
    std::uint64_t call_failures = 0;    // calls that returned an error
    std::uint64_t retries = 0;          // resends after an ordinary failure
    std::uint64_t resizes = 0;          // reconnects made to grow ceilings
};

struct ClientStatus {
    ClientState state = ClientState::disconnected;
    ClientCounters counters;
    // Negotiated values of the current session (when state is ready).
    std::optional<SessionParameters> session;
    // Set once this client could not attach a provider's data plane (shared
    // memory): it no longer offers it.
    bool data_plane_dropped = false;
    // Why the current session does not use the data plane (shared memory)
    // this client's transport carries; nullopt when it does, when the client
    // has no session, or when its configuration did not offer it. Always
    // Errc::shm_unavailable, with a detail saying which side gave it up.
    std::optional<Error> data_plane_unused;
    // Who the provider of the current session is, as the OS reports it
    // (user, group, process), for transports that can tell
    // (concepts/peer_credentials.h); nullopt otherwise.
    std::optional<PeerIdentity> provider;
    // Why the last connect or call failed.
    std::optional<Error> last_error;
};

} // namespace netipc::services
