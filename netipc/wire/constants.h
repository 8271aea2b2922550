// Named constants of the NetIPC wire protocol: magics, versions, message
// kinds, flags, transport statuses, control and method codes, profile bits,
// and the named payload defaults. Values are fixed by the Level 1 wire
// envelope specification; call paths use these names, never literals.
#pragma once

#include <cstdint>

namespace netipc::wire {

inline constexpr std::uint32_t message_magic = 0x4e495043; // "NIPC" read as a host u32
inline constexpr std::uint32_t chunk_magic = 0x4e43484b;   // "NCHK"
inline constexpr std::uint16_t envelope_version = 1;
inline constexpr std::uint16_t payload_layout_version = 1; // HELLO, HELLO_ACK, codecs

enum class MessageKind : std::uint16_t {
    request = 1,
    response = 2,
    control = 3,
};

// Bits of MessageHeader::flags.
namespace flags {
inline constexpr std::uint16_t batch = 0x0001;
} // namespace flags

enum class TransportStatus : std::uint16_t {
    ok = 0,
    bad_envelope = 1,
    auth_failed = 2,
    incompatible = 3,
    unsupported = 4,
    limit_exceeded = 5,
    internal_error = 6,
};

// `code` values when kind == CONTROL.
enum class ControlCode : std::uint16_t {
    hello = 1,
    hello_ack = 2,
};

// `code` values when kind == REQUEST or RESPONSE. The space is shared by
// every service: each method has one global code.
enum class MethodCode : std::uint16_t {
    increment = 1,
    cgroups_snapshot = 2,
    string_reverse = 3,
    cgroups_lookup = 4,
    apps_lookup = 5,
};

// Transport profile bits advertised in HELLO and selected in HELLO_ACK.
// Bit 0 is always the platform baseline.
namespace profile {
inline constexpr std::uint32_t baseline = 0x01;     // UDS SEQPACKET / Windows named pipe
inline constexpr std::uint32_t shm_hybrid = 0x02;   // shared memory data plane
inline constexpr std::uint32_t shm_futex = 0x04;    // reserved on POSIX; the same bit is...
inline constexpr std::uint32_t shm_busywait = 0x04; // ...Windows SHM_BUSYWAIT (pure spin)
inline constexpr std::uint32_t shm_waitaddr = 0x08; // Windows only, reserved
} // namespace profile

// Named payload budgets. Defaults, not protocol limits: configuration may
// override every one of them.
namespace defaults {
inline constexpr std::uint32_t max_payload_bytes = 1024;             // zero-config single payload
inline constexpr std::uint32_t max_payload_growth_cap = 1024 * 1024; // automatic growth ceiling
inline constexpr std::uint32_t service_response_bytes = 65536;       // Level 2 response budget
} // namespace defaults

} // namespace netipc::wire
