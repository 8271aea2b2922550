// Named defaults for Level 2 and Level 3. Configuration fields left at zero
// take these values; call paths use the configuration, never literals.
#pragma once

#include <chrono>
#include <cstdint>

#include "netipc/wire/constants.h"

namespace netipc::services::defaults {

using std::chrono::milliseconds;

// Bound on every typed call (the whole logical response: every chunk,
// every SHM wait), as the newest upstream Level 2 rules require.
inline constexpr milliseconds call_timeout{30000};
// Bound on one connect + handshake attempt made by refresh() or a retry.
inline constexpr milliseconds connect_timeout{5000};

// What a client proposes for requests at first; it grows on demand.
inline constexpr std::uint32_t request_payload_bytes = wire::defaults::max_payload_bytes;
// The response ceiling a client hints and a server grants.
inline constexpr std::uint32_t response_payload_bytes = wire::defaults::service_response_bytes;
// Overflow-driven growth never proposes more than this, and a managed
// server accepts request ceilings up to this.
inline constexpr std::uint32_t payload_growth_cap = wire::defaults::max_payload_growth_cap;
// Batch items a client proposes before any batch call asks for more.
inline constexpr std::uint32_t batch_items = 1;
// Reconnects one call may spend growing ceilings (the upstream retry rule).
inline constexpr int max_resize_reconnects = 8;

// Ceilings of one logical lookup call (Client::lookup()), the reference
// clients' defaults: keys, request/response cycles, stitched response bytes.
inline constexpr std::uint32_t max_logical_lookup_items = 65536;
inline constexpr std::uint32_t max_logical_lookup_subcalls = 4096;
inline constexpr std::uint32_t max_logical_lookup_response_bytes = 64U * 1024U * 1024U;

// Managed server: sessions served at once (one worker thread each).
inline constexpr std::uint32_t max_sessions = 64;
// Managed server: how long a new connection may take to send its HELLO.
// Short, because a silent connection holds a worker until then (unless a
// newer connection evicts it): a real client's HELLO follows its connect
// at once.
inline constexpr milliseconds handshake_timeout{2000};

} // namespace netipc::services::defaults
