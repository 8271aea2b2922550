// The 64-byte header at offset 0 of every POSIX SHM region, and the region
// geometry derived from the negotiated payload ceilings.
//
// The header is declared once as a wire layout (see netipc/wire/layout.h);
// its offsets are checked below against the Level 1 POSIX SHM table. The
// first 32 bytes are written once by the creating server and only read
// afterwards. The last 32 bytes (sequence numbers, lengths, futex words) are
// live: peers update them in place with atomic operations, so code never
// encodes or decodes them through the layout engine once a region is shared;
// it uses the byte offsets below with std::atomic_ref instead.
//
// Everything here is a pure compile-time or value computation (thread-safe).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include <boost/hana/define_struct.hpp>

#include "netipc/error.h"
#include "netipc/wire/layout.h"
#include "transports/shm_areas.h"

namespace netipc::transports {

inline constexpr std::uint32_t shm_region_magic = 0x4e53484d; // "NSHM" read as a host u32
inline constexpr std::uint16_t shm_region_version = 3;
inline constexpr std::uint16_t shm_region_header_len = 64;
// Every area of the region starts on this boundary and has a size that is a
// multiple of it (one cache line: the two areas never share a line).
inline constexpr std::uint32_t shm_region_alignment = shm_area_alignment;
// Each area holds one whole message, outer 32-byte envelope header included.
inline constexpr std::uint32_t shm_message_header_len = shm_area_message_header_len;
// Spin iterations before a waiter blocks on the futex (the reference default).
inline constexpr std::uint32_t shm_default_spin_tries = 128;

using ShmMagic = wire::Fixed<std::uint32_t, shm_region_magic, Errc::bad_magic>;
using ShmVersion = wire::Fixed<std::uint16_t, shm_region_version, Errc::bad_version>;
using ShmHeaderLen = wire::Fixed<std::uint16_t, shm_region_header_len, Errc::bad_header_len>;

// The region header. owner_pid is an i32 on the wire; the layout engine only
// moves unsigned fields, so it is carried as its u32 bit pattern (convert
// with static_cast<pid_t>).
struct ShmRegionHeader {
    BOOST_HANA_DEFINE_STRUCT(ShmRegionHeader, (ShmMagic, magic), (ShmVersion, version),
                             (ShmHeaderLen, header_len), (std::uint32_t, owner_pid),
                             (std::uint32_t, owner_generation), (std::uint32_t, request_offset),
                             (std::uint32_t, request_capacity), (std::uint32_t, response_offset),
                             (std::uint32_t, response_capacity),
                             // Live fields from here on (atomic in place).
                             (std::uint64_t, req_seq), (std::uint64_t, resp_seq),
                             (std::uint32_t, req_len), (std::uint32_t, resp_len),
                             (std::uint32_t, req_signal), (std::uint32_t, resp_signal));
};

namespace shm_offsets {
inline constexpr std::size_t owner_pid = 8;
inline constexpr std::size_t owner_generation = 12;
inline constexpr std::size_t request_offset = 16;
inline constexpr std::size_t request_capacity = 20;
inline constexpr std::size_t response_offset = 24;
inline constexpr std::size_t response_capacity = 28;
// Where the live (atomic) part of the header starts.
inline constexpr std::size_t live_fields = 32;
inline constexpr std::size_t req_seq = 32;
inline constexpr std::size_t resp_seq = 40;
inline constexpr std::size_t req_len = 48;
inline constexpr std::size_t resp_len = 52;
inline constexpr std::size_t req_signal = 56;
inline constexpr std::size_t resp_signal = 60;
} // namespace shm_offsets

static_assert(wire::wire_size<ShmRegionHeader> == shm_region_header_len);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("magic")) == 0);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("version")) == 4);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("header_len")) == 6);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("owner_pid"))
              == shm_offsets::owner_pid);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("owner_generation"))
              == shm_offsets::owner_generation);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("request_offset"))
              == shm_offsets::request_offset);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("request_capacity"))
              == shm_offsets::request_capacity);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("response_offset"))
              == shm_offsets::response_offset);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("response_capacity"))
              == shm_offsets::response_capacity);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("req_seq"))
              == shm_offsets::req_seq);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("resp_seq"))
              == shm_offsets::resp_seq);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("req_len"))
              == shm_offsets::req_len);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("resp_len"))
              == shm_offsets::resp_len);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("req_signal"))
              == shm_offsets::req_signal);
static_assert(wire::wire_offset<ShmRegionHeader>(BOOST_HANA_STRING("resp_signal"))
              == shm_offsets::resp_signal);

// The live fields are accessed with std::atomic_ref directly in the mapping
// (which is page-aligned), and shared across processes: they must be
// naturally aligned and lock-free, or another process would not see a
// coherent value (a lock-based atomic keeps its lock in this process only).
static_assert(shm_offsets::req_seq % std::atomic_ref<std::uint64_t>::required_alignment == 0);
static_assert(shm_offsets::resp_seq % std::atomic_ref<std::uint64_t>::required_alignment == 0);
static_assert(shm_offsets::req_len % std::atomic_ref<std::uint32_t>::required_alignment == 0);
static_assert(shm_offsets::resp_len % std::atomic_ref<std::uint32_t>::required_alignment == 0);
static_assert(shm_offsets::req_signal % std::atomic_ref<std::uint32_t>::required_alignment == 0);
static_assert(shm_offsets::resp_signal % std::atomic_ref<std::uint32_t>::required_alignment == 0);
static_assert(std::atomic_ref<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic_ref<std::uint32_t>::is_always_lock_free);

// Where the two areas of a region lie (transports/shm_areas.h).
using ShmGeometry = ShmAreas;

// The geometry both peers derive from the agreed payload ceilings: the
// areas behind the 64-byte header. Errc::limit_exceeded when an offset or
// capacity would not fit the header's u32 fields.
constexpr Result<ShmGeometry> shm_geometry(std::uint32_t request_payload_ceiling,
                                           std::uint32_t response_payload_ceiling) noexcept {
    return shm_areas(shm_region_header_len, request_payload_ceiling, response_payload_ceiling);
}

} // namespace netipc::transports
