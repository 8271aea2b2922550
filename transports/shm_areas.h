// Where the two message areas of a shared-memory region lie: the rule every
// platform's region follows (POSIX's behind its 64-byte header, Windows's
// behind its 128-byte one), so it is written once here.
//
// Platform-neutral: a pure compile-time or value computation (thread-safe).
#pragma once

#include <cstdint>

#include "netipc/error.h"

namespace netipc::transports {

// Both areas start on a cache line and span whole cache lines, so the two
// directions never share one.
inline constexpr std::uint32_t shm_area_alignment = 64;
// Each area holds one whole message, its 32-byte envelope header included.
inline constexpr std::uint32_t shm_area_message_header_len = 32;

// The areas of a region, in bytes from the region start.
struct ShmAreas {
    std::uint32_t request_offset = 0;
    std::uint32_t request_capacity = 0;
    std::uint32_t response_offset = 0;
    std::uint32_t response_capacity = 0;
    // The bytes the region spans: as laid out, where the response area
    // ends; as found by an attaching peer, the file or mapping it checked
    // the areas against (which may be longer).
    std::uint64_t region_size = 0;

    friend constexpr bool operator==(const ShmAreas&, const ShmAreas&) = default;
};

constexpr std::uint64_t shm_area_align_up(std::uint64_t value) noexcept {
    return (value + (shm_area_alignment - 1)) & ~std::uint64_t{shm_area_alignment - 1};
}

// The areas a creating server lays out behind a region header of
// `region_header_len` bytes for the agreed payload ceilings (bytes of
// payload per message, per direction): each area holds one message of 32
// header bytes plus its ceiling, rounded up to 64; the request area follows
// the header, the response area follows the request area.
// Errc::limit_exceeded when an offset or capacity would not fit the
// header's u32 fields.
constexpr Result<ShmAreas> shm_areas(std::uint32_t region_header_len,
                                     std::uint32_t request_payload_ceiling,
                                     std::uint32_t response_payload_ceiling) noexcept {
    const std::uint64_t request_capacity =
        shm_area_align_up(std::uint64_t{shm_area_message_header_len} + request_payload_ceiling);
    const std::uint64_t response_capacity =
        shm_area_align_up(std::uint64_t{shm_area_message_header_len} + response_payload_ceiling);
    const std::uint64_t request_offset = shm_area_align_up(region_header_len);
    const std::uint64_t response_offset = shm_area_align_up(request_offset + request_capacity);
    constexpr std::uint64_t u32_max = 0xffffffffU;
    if (request_capacity > u32_max || response_capacity > u32_max || response_offset > u32_max) {
        return fail(Errc::limit_exceeded, "SHM region geometry does not fit its u32 header fields");
    }
    return ShmAreas{
        .request_offset = static_cast<std::uint32_t>(request_offset),
        .request_capacity = static_cast<std::uint32_t>(request_capacity),
        .response_offset = static_cast<std::uint32_t>(response_offset),
        .response_capacity = static_cast<std::uint32_t>(response_capacity),
        .region_size = response_offset + response_capacity,
    };
}

} // namespace netipc::transports
