// What the raw ceilings send, and what their servers do to it. Each raw
// message has the size of the netipc message it stands for, so the raw rows
// move exactly the bytes netipc moves, and carries values the far end
// increments, so the raw rows check their answers as the netipc rows do.
//
//   single: a netipc INCREMENT message, 32-byte envelope + 8-byte value.
//   batch:  a netipc INCREMENT batch of N items, 32-byte envelope + N
//           directory entries + N 8-aligned values (the payloads), sized
//           from the wire constants.
//
// A raw server answers in place (RawAnswer) and sends the same bytes back;
// it reads nothing but the values, which is what makes it a ceiling.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bench/driver/bench_config.h"
#include "codecs/increment.h"
#include "netipc/wire/bytes.h"
#include "netipc/wire/message_header.h"
#include "netipc/wire/packed_directory.h"

namespace netipc::bench::driver {

// ---- single ---------------------------------------------------------------

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

// ---- batch ----------------------------------------------------------------

// Each item's room in a batch: its directory entry and its 8-aligned payload.
inline constexpr std::size_t raw_batch_item_size =
    wire::directory_entry_size + wire::align8(codecs::Increment::payload_size);

// The bytes of a netipc INCREMENT batch message of `items` items.
constexpr std::size_t raw_batch_message_size(std::size_t items) noexcept {
    return wire::message_header_size + items * raw_batch_item_size;
}
inline constexpr std::size_t raw_batch_capacity = raw_batch_message_size(max_batch_items);
static_assert(raw_batch_message_size(1000) == 16032);

// Where item `index` of a batch of `items` items keeps its value: behind
// the envelope and the whole directory.
constexpr std::size_t raw_batch_value_offset(std::size_t items, std::size_t index) noexcept {
    return wire::message_header_size + items * wire::directory_entry_size
           + index * wire::align8(codecs::Increment::payload_size);
}

// The items a batch message of `size` bytes carries; 0 when no batch has
// that size.
constexpr std::size_t raw_batch_items(std::size_t size) noexcept {
    if (size <= wire::message_header_size || size > raw_batch_capacity
        || (size - wire::message_header_size) % raw_batch_item_size != 0) {
        return 0;
    }
    return (size - wire::message_header_size) / raw_batch_item_size;
}

inline std::uint64_t raw_batch_value(const std::byte* message, std::size_t items,
                                     std::size_t index) noexcept {
    std::uint64_t value = 0;
    std::memcpy(&value, message + raw_batch_value_offset(items, index), sizeof(value));
    return value;
}

inline void set_raw_batch_value(std::byte* message, std::size_t items, std::size_t index,
                                std::uint64_t value) noexcept {
    std::memcpy(message + raw_batch_value_offset(items, index), &value, sizeof(value));
}

// Lays out the directory of a batch of `items` items as netipc does
// ({offset, length} per item, offsets relative to the first payload), so
// the bytes on the wire look like netipc's and not like zeros.
inline void write_raw_batch_directory(std::byte* message, std::size_t items) noexcept {
    for (std::size_t i = 0; i < items; ++i) {
        const std::array<std::uint32_t, 2> entry = {
            static_cast<std::uint32_t>(i * wire::align8(codecs::Increment::payload_size)),
            static_cast<std::uint32_t>(codecs::Increment::payload_size)};
        std::memcpy(message + wire::message_header_size + i * wire::directory_entry_size,
                    entry.data(), wire::directory_entry_size);
    }
}

// ---- the servers' answers ---------------------------------------------------

// Turns the request of `size` bytes at `message` into its answer, in place;
// false when it is not a request of the scenario (the server then drops the
// client, or stops).
using RawAnswer = bool (*)(std::byte* message, std::size_t size);

inline bool answer_raw_single(std::byte* message, std::size_t size) noexcept {
    if (size != raw_message_size) {
        return false;
    }
    set_raw_value(message, raw_value(message) + 1);
    return true;
}

inline bool answer_raw_batch(std::byte* message, std::size_t size) noexcept {
    const std::size_t items = raw_batch_items(size);
    for (std::size_t i = 0; i < items; ++i) {
        set_raw_batch_value(message, items, i, raw_batch_value(message, items, i) + 1);
    }
    return items != 0;
}

// What a raw pair of subcommands measures: its CSV name, the largest
// message it moves, and how its server answers.
struct RawScenario {
    const char* name;
    std::size_t capacity;
    RawAnswer answer;
    bool batch;
};

inline constexpr RawScenario raw_uds_single{"raw-uds-ping-pong", raw_message_size,
                                            answer_raw_single, false};
inline constexpr RawScenario raw_uds_batch{"raw-uds-batch-ping-pong", raw_batch_capacity,
                                           answer_raw_batch, true};
inline constexpr RawScenario raw_shm_single{"raw-shm-ping-pong", raw_message_size,
                                            answer_raw_single, false};
inline constexpr RawScenario raw_shm_batch{"raw-shm-batch-ping-pong", raw_batch_capacity,
                                           answer_raw_batch, true};

// The raw rows' implementation column.
inline constexpr const char* raw_implementation = "raw";

} // namespace netipc::bench::driver
