// The 128-byte header at offset 0 of every Windows SHM region, and the
// region geometry derived from the negotiated payload ceilings.
//
// The header is declared once as a wire layout (netipc/wire/layout.h) and
// its offsets are checked below against the Level 1 Windows SHM table. The
// fields up to spin_tries are written once by the creating server and only
// read afterwards; the lengths, close flags, waiting flags and sequence
// numbers are live: both peers update them in place with atomic operations
// (std::atomic_ref on the mapping), never through the layout engine.
//
// Platform-neutral on purpose: pure compile-time and value computations, so
// the layout and the geometry are unit-tested on every platform.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include <boost/hana/define_struct.hpp>

#include "netipc/error.h"
#include "netipc/wire/layout.h"
#include "transports/shm_areas.h"

namespace netipc::transports {

inline constexpr std::uint32_t win_shm_region_magic = 0x4e535748; // "NSWH" read as a host u32
inline constexpr std::uint32_t win_shm_region_version = 3;
inline constexpr std::uint32_t win_shm_region_header_len = 128;
// Both areas start on a cache line and span whole cache lines.
inline constexpr std::uint32_t win_shm_region_alignment = shm_area_alignment;
// Each area holds one whole message, its 32-byte envelope header included.
inline constexpr std::uint32_t win_shm_message_header_len = shm_area_message_header_len;
// Sequence checks before a SHM_HYBRID waiter sleeps on its event: higher than
// POSIX's 128 because a Windows kernel wait and wake cost more.
inline constexpr std::uint32_t win_shm_default_spin_tries = 1024;
// A SHM_BUSYWAIT waiter looks at the clock (and its abort, interrupt and peer
// watches) once every this many spins.
inline constexpr std::uint32_t win_shm_busywait_check_every = 1024;

using WinShmMagic = wire::Fixed<std::uint32_t, win_shm_region_magic, Errc::bad_magic>;
using WinShmVersion = wire::Fixed<std::uint32_t, win_shm_region_version, Errc::bad_version>;
using WinShmHeaderLen = wire::Fixed<std::uint32_t, win_shm_region_header_len, Errc::bad_header_len>;

// The region header. The live fields are LONG / LONG64 on the wire; the layout
// engine moves unsigned fields, so they are declared as their bit patterns.
struct WinShmRegionHeader {
    BOOST_HANA_DEFINE_STRUCT(
        WinShmRegionHeader, (WinShmMagic, magic), (WinShmVersion, version),
        (WinShmHeaderLen, header_len), (std::uint32_t, profile), (std::uint32_t, request_offset),
        (std::uint32_t, request_capacity), (std::uint32_t, response_offset),
        (std::uint32_t, response_capacity), (std::uint32_t, spin_tries),
        // Live fields from here on (atomic in place).
        (std::uint32_t, req_len), (std::uint32_t, resp_len), (std::uint32_t, req_client_closed),
        (std::uint32_t, req_server_waiting), (std::uint32_t, resp_server_closed),
        (std::uint32_t, resp_client_waiting), (wire::Reserved<4>, padding),
        (std::uint64_t, req_seq), (std::uint64_t, resp_seq), (wire::Reserved<48>, reserved));
};

namespace win_shm_offsets {
inline constexpr std::size_t profile = 12;
inline constexpr std::size_t request_offset = 16;
inline constexpr std::size_t request_capacity = 20;
inline constexpr std::size_t response_offset = 24;
inline constexpr std::size_t response_capacity = 28;
inline constexpr std::size_t spin_tries = 32;
inline constexpr std::size_t req_len = 36;
inline constexpr std::size_t resp_len = 40;
inline constexpr std::size_t req_client_closed = 44;
inline constexpr std::size_t req_server_waiting = 48;
inline constexpr std::size_t resp_server_closed = 52;
inline constexpr std::size_t resp_client_waiting = 56;
inline constexpr std::size_t req_seq = 64;
inline constexpr std::size_t resp_seq = 72;
} // namespace win_shm_offsets

static_assert(wire::wire_size<WinShmRegionHeader> == win_shm_region_header_len);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("profile"))
              == win_shm_offsets::profile);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("request_offset"))
              == win_shm_offsets::request_offset);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("request_capacity"))
              == win_shm_offsets::request_capacity);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("response_offset"))
              == win_shm_offsets::response_offset);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("response_capacity"))
              == win_shm_offsets::response_capacity);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("spin_tries"))
              == win_shm_offsets::spin_tries);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("req_len"))
              == win_shm_offsets::req_len);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("resp_len"))
              == win_shm_offsets::resp_len);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("req_client_closed"))
              == win_shm_offsets::req_client_closed);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("req_server_waiting"))
              == win_shm_offsets::req_server_waiting);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("resp_server_closed"))
              == win_shm_offsets::resp_server_closed);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("resp_client_waiting"))
              == win_shm_offsets::resp_client_waiting);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("req_seq"))
              == win_shm_offsets::req_seq);
static_assert(wire::wire_offset<WinShmRegionHeader>(BOOST_HANA_STRING("resp_seq"))
              == win_shm_offsets::resp_seq);

// Live fields are shared across processes through std::atomic_ref on the
// (page-aligned) mapping: they must be naturally aligned and lock-free.
static_assert(win_shm_offsets::req_seq % std::atomic_ref<std::uint64_t>::required_alignment == 0);
static_assert(win_shm_offsets::resp_seq % std::atomic_ref<std::uint64_t>::required_alignment == 0);
static_assert(win_shm_offsets::req_len % std::atomic_ref<std::uint32_t>::required_alignment == 0);
static_assert(std::atomic_ref<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic_ref<std::uint32_t>::is_always_lock_free);

// Where the two areas of a region lie (transports/shm_areas.h).
using WinShmGeometry = ShmAreas;

// The geometry a server creates for the agreed payload ceilings: the areas
// behind the 128-byte header. Errc::limit_exceeded when a value would not
// fit its u32 header field.
constexpr Result<WinShmGeometry> win_shm_geometry(std::uint32_t request_payload_ceiling,
                                                  std::uint32_t response_payload_ceiling) noexcept {
    return shm_areas(win_shm_region_header_len, request_payload_ceiling, response_payload_ceiling);
}

// Checks the geometry an attaching client reads from a server's header. The
// client does not insist on the exact values it would have created (another
// implementation may size the request area for the largest proposal it
// accepts), only that the areas are sane and hold what the session agreed:
//   Errc::bad_layout     an area is misaligned, starts inside the header,
//                        the two overlap, or one ends past the mapping
//                        (`mapped_size` bytes);
//   Errc::limit_exceeded an area is smaller than one message at the agreed
//                        ceiling of its direction.
constexpr Result<WinShmGeometry> win_shm_check_geometry(
    std::uint32_t request_offset, std::uint32_t request_capacity, std::uint32_t response_offset,
    std::uint32_t response_capacity, std::uint64_t mapped_size,
    std::uint32_t request_payload_ceiling, std::uint32_t response_payload_ceiling) noexcept {
    const auto aligned = [](std::uint64_t value) { return value % win_shm_region_alignment == 0; };
    if (!aligned(request_offset) || !aligned(response_offset)
        || request_offset < win_shm_region_header_len) {
        return fail(Errc::bad_layout,
                    "Windows SHM region areas are misaligned or overlap its header");
    }
    const std::uint64_t request_end = std::uint64_t{request_offset} + request_capacity;
    const std::uint64_t response_end = std::uint64_t{response_offset} + response_capacity;
    if (request_end > response_offset || response_end > mapped_size) {
        return fail(Errc::bad_layout, "Windows SHM region areas overlap or end past the mapping");
    }
    if (request_capacity < std::uint64_t{win_shm_message_header_len} + request_payload_ceiling
        || response_capacity
               < std::uint64_t{win_shm_message_header_len} + response_payload_ceiling) {
        return fail(Errc::limit_exceeded,
                    "Windows SHM region areas are smaller than the negotiated ceilings");
    }
    return WinShmGeometry{
        .request_offset = request_offset,
        .request_capacity = request_capacity,
        .response_offset = response_offset,
        .response_capacity = response_capacity,
        .region_size = response_end,
    };
}

} // namespace netipc::transports
