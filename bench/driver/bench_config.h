// What every NetIPC benchmark driver agrees on, so a client of one
// implementation can measure a server of another: the auth token, the batch
// limits, and the profile sets each scenario offers.
#pragma once

#include <cstdint>

#include "netipc/wire/constants.h"

namespace netipc::bench::driver {

// The token every driver uses unless --auth names another.
inline constexpr std::uint64_t default_auth_token = 0xBE4C400000C0FFEEULL;

// Batches carry 2..max_batch_items items: a batch of one is sent as a single
// message, so it would not measure a batch round trip.
inline constexpr std::uint32_t min_batch_items = 2;
inline constexpr std::uint32_t max_batch_items = 1000;
// Request and response ceilings that hold the largest batch (1000 items of
// an 8-byte directory entry and an 8-byte value each, ~16 KB) with room to
// spare; a power of two, so the Level 2 client never has to grow it.
inline constexpr std::uint32_t batch_payload_bytes = 65536;

// The most requests (or batches) a pipeline client keeps in flight: the
// other drivers cap it at 128.
inline constexpr std::uint32_t max_pipeline_depth = 128;

// A server that has not been stopped by a signal stops this long after the
// duration it was given, as the other drivers' servers do.
inline constexpr std::uint32_t server_grace_s = 3;
// A server started without a duration serves this long.
inline constexpr std::uint32_t default_server_duration_s = 30;

// The items of the CGROUPS_SNAPSHOT every driver's snapshot server answers.
inline constexpr std::uint32_t snapshot_items = 16;

// The profiles a scenario offers (client) or accepts (server).
// uds: the baseline socket. shm: the SHM data plane with netipc's default
// adaptive spin. shm_fixed_spin: the same plane with the protocol's fixed
// spin only (ShmHybrid<..., FixedPacing>), so the matrix can show what the
// adaptive wait gains and costs; the wire is the same.
enum class Plane : std::uint8_t { uds, shm, shm_fixed_spin };

constexpr bool uses_shm(Plane plane) noexcept {
    return plane != Plane::uds;
}

constexpr std::uint32_t profiles_for(Plane plane) noexcept {
    return uses_shm(plane) ? wire::profile::baseline | wire::profile::shm_hybrid
                           : wire::profile::baseline;
}

// The name this implementation goes by in the CSV's client and server
// columns.
inline constexpr const char* implementation_name = "cpp";

} // namespace netipc::bench::driver
