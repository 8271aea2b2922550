// What the raw ceilings send: a message the size of a netipc INCREMENT
// message (32-byte envelope + 8-byte value), whose last 8 bytes carry the
// value the far end increments, so the raw rows check their answers as the
// netipc rows do and move exactly the bytes netipc moves.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "codecs/increment.h"
#include "netipc/wire/message_header.h"

namespace netipc::bench::driver {

inline constexpr std::size_t raw_message_size =
    wire::message_header_size + codecs::Increment::payload_size;
static_assert(raw_message_size == 40);
inline constexpr std::size_t raw_value_offset = wire::message_header_size;

using RawMessage = std::array<std::byte, raw_message_size>;

inline std::uint64_t raw_value(const std::byte* message) noexcept {
    std::uint64_t value = 0;
    std::memcpy(&value, message + raw_value_offset, sizeof(value));
    return value;
}

inline void set_raw_value(std::byte* message, std::uint64_t value) noexcept {
    std::memcpy(message + raw_value_offset, &value, sizeof(value));
}

// The raw rows' scenario names and implementation column.
inline constexpr const char* raw_implementation = "raw";

} // namespace netipc::bench::driver
