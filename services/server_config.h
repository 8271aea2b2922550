// Configuration of a Level 2 managed server. Zero fields take the named
// defaults of services/defaults.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace netipc::services {

struct ServerConfig {
    // Clients must present exactly this token.
    std::uint64_t auth_token = 0;
    // Profiles to accept, narrowed to what the transport type carries (0: all).
    std::uint32_t profiles = 0;
    // Profiles to prefer when a client offers several (0: the same set).
    std::uint32_t preferred_profiles = 0;
    // Largest request ceiling a client may propose (0: 1 MiB); a HELLO above
    // it is refused with LIMIT_EXCEEDED.
    std::uint32_t request_payload_bytes = 0;
    // Response ceiling granted to every session (0: 65536 B). Responses that
    // do not fit are answered LIMIT_EXCEEDED, and clients grow their hint.
    std::uint32_t response_payload_bytes = 0;
    // Packet size limit (0: the transport's maximum).
    std::uint32_t packet_size = 0;
    // Sessions served at once, one worker thread each (0: 64). A worker
    // first runs its connection's handshake; when every worker is taken, a
    // new connection ends the oldest handshake still waiting for its HELLO,
    // and only once every worker serves a session do further clients wait
    // in the listen backlog until one ends.
    std::uint32_t max_sessions = 0;
    // How long a new connection may take to send its HELLO and complete the
    // handshake (0: 2 s). A client that says nothing is closed after it.
    std::chrono::milliseconds handshake_timeout{0};
    // Optional peer-credential check, off while both lists are empty. When
    // on, only a peer whose user id is in allowed_uids, or whose group id is
    // in allowed_gids, may open a session; the ids are the ones the OS
    // recorded when the peer connected (SO_PEERCRED on POSIX: the peer
    // cannot forge them), checked before its HELLO is read. Any other peer
    // is answered AUTH_FAILED whatever its token, and counted in
    // ServerStats::peers_refused. An extra layer beside auth_token and the
    // endpoint's 0600 mode. start() fails with Errc::unsupported when the
    // transport cannot report peer credentials.
    // The `{}` keeps g++'s -Wmissing-field-initializers quiet for callers
    // that write designated initializers without these two.
    std::vector<std::uint32_t> allowed_uids{}; // NOLINT(readability-redundant-member-init)
    std::vector<std::uint32_t> allowed_gids{}; // NOLINT(readability-redundant-member-init)
};

// Counters of a running server; each is read atomically on its own.
struct ServerStats {
    std::uint64_t sessions_accepted = 0;  // handshakes completed
    std::uint64_t sessions_active = 0;    // sessions being served now (handshake done)
    std::uint64_t handshakes_pending = 0; // connections accepted, handshake not done yet
    std::uint64_t handshakes_failed = 0;  // connections refused, timed out, lost or
                                          // evicted (see max_sessions) in the handshake,
                                          // except those counted in peers_refused
    std::uint64_t requests_served = 0;    // messages answered OK (a batch counts once)
    std::uint64_t handler_failures = 0;   // answered INTERNAL_ERROR
    std::uint64_t sessions_failed = 0;    // ended by a protocol or transport error
    std::uint64_t accept_failures = 0;    // listener errors, or no descriptor for the next
                                          // handshake's abort signal (e.g. descriptor
                                          // exhaustion); the client stays queued
    std::uint64_t peers_refused = 0;      // refused by the peer-credential check
};

} // namespace netipc::services
