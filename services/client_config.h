// Configuration of a Level 2 client. Every field has a usable zero value:
// zero means "the named default" (services/defaults.h), so a plugin on a
// small device and one on a large server differ only in what they set.
#pragma once

#include <chrono>
#include <cstdint>

namespace netipc::services {

struct ClientConfig {
    // Must match the provider's token exactly.
    std::uint64_t auth_token = 0;
    // Profiles to offer, narrowed to what the transport type carries; 0
    // offers all of them. E.g. wire::profile::baseline keeps a client that
    // uses the default transport off shared memory.
    std::uint32_t profiles = 0;
    // Profiles to prefer among those; 0 prefers the same set.
    std::uint32_t preferred_profiles = 0;

    // First request-payload ceiling to propose (0: 1024 B). Calls that need
    // more reconnect with a larger power of two, up to payload_growth_cap.
    std::uint32_t request_payload_bytes = 0;
    // Response ceiling to hint (0: 65536 B). The server decides the final
    // value; a LIMIT_EXCEEDED answer makes the client double its hint.
    std::uint32_t response_payload_bytes = 0;
    // Largest ceiling overflow-driven growth may propose (0: 1 MiB).
    std::uint32_t payload_growth_cap = 0;
    // Caller batch intent: items per batch call to provision for (0: 1).
    // Larger batches still work; they reconnect once to grow the limit.
    std::uint32_t batch_items = 0;
    // Packet size to propose (0: the transport's maximum).
    std::uint32_t packet_size = 0;

    // Lookup services (Client::lookup()): most keys one logical call may
    // take (0: 65536), most request/response cycles it may spend splitting
    // them (0: 4096), and the largest stitched response it may build
    // (0: 64 MiB). Beyond them the call fails with Errc::overflow.
    std::uint32_t max_logical_lookup_items = 0;
    std::uint32_t max_logical_lookup_subcalls = 0;
    std::uint32_t max_logical_lookup_response_bytes = 0;

    // Per-call bound used when a call passes 0 (0: 30 000 ms).
    std::chrono::milliseconds call_timeout{0};
    // Bound on each connect + handshake attempt (0: 5 000 ms).
    std::chrono::milliseconds connect_timeout{0};
};

} // namespace netipc::services
