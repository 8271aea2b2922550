// The uniform batch directory: entry i is {i * stride, length}, the layout
// a writer of items that all have one length makes (stride is
// align8(length)). UniformBatch writes it; PackedDirectoryView::parse
// recognizes it, and then reads item i at i * stride without its entry.
//
// Both run once per item of every batch sent or received, so both work on
// whole vectors of entries: a pair of u32 lanes {offset, length} is one
// entry as it sits in memory on a little-endian host (u32_lanes.h). Where
// the CPU has AVX2 (checked once, at run time), they take four entries per
// instruction instead of two; the binary itself stays plain x86-64.
//
// The lane width is a template parameter, so the two widths are one
// algorithm; the `_sse2`/`_avx2` functions pin a width (tests run both),
// and the unsuffixed ones pick the widest this CPU runs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "netipc/force_inline.h"
#include "netipc/wire/packed_directory.h"
#include "netipc/wire/u32_lanes.h"

namespace netipc::wire {

namespace uniform_directory_detail {

// Sets `first` to the first entries of the uniform directory (as many as
// Lanes has lane pairs: offsets in the even lanes, lengths in the odd
// ones), and `step` to what moves one vector's entries on to the next's.
// Out-parameters, not return values: an 8-lane vector returned by value
// would change the ABI between AVX2 and plain code.
template <class Lanes>
NETIPC_FORCE_INLINE inline void start_entries(Lanes& first, Lanes& step, std::uint32_t length,
                                              std::uint32_t stride) noexcept {
    constexpr std::uint32_t per_vector = sizeof(Lanes) / directory_entry_size;
    first = Lanes{};
    step = Lanes{};
    for (std::uint32_t k = 0; k < per_vector; ++k) {
        first[2 * k] = k * stride;
        first[(2 * k) + 1] = length;
        step[2 * k] = per_vector * stride;
    }
}

} // namespace uniform_directory_detail

// Writes the `count` entries of the uniform directory at `directory`. The
// caller checked that every offset, (count - 1) * stride, fits a u32.
template <class Lanes>
NETIPC_FORCE_INLINE inline void write_uniform_entries(std::byte* directory, std::uint32_t count,
                                                      std::uint32_t length,
                                                      std::uint32_t stride) noexcept {
    using namespace uniform_directory_detail;
    constexpr std::uint32_t per_vector = sizeof(Lanes) / directory_entry_size;
    Lanes entries;
    Lanes step;
    start_entries(entries, step, length, stride);
    std::size_t i = 0; // not u32: offsets from it need no extension per step
    // Unrolled: the loop test cost more than the store it guards.
#pragma GCC unroll 4
    for (; i + per_vector <= count; i += per_vector) {
        std::memcpy(directory + (i * directory_entry_size), &entries, sizeof(entries));
        entries += step;
    }
    for (; i < count; ++i) { // the last count % per_vector, one by one
        const std::array<std::uint32_t, 2> entry{static_cast<std::uint32_t>(i) * stride, length};
        std::memcpy(directory + (i * directory_entry_size), entry.data(), sizeof(entry));
    }
}

// Whether the `count` entries at `entries` are exactly the uniform
// directory, in one pass without a branch per entry. The caller checked
// that (count - 1) * stride fits a u32.
template <class Lanes>
NETIPC_FORCE_INLINE inline bool uniform_entries(const std::byte* entries, std::uint32_t count,
                                                std::uint32_t length,
                                                std::uint32_t stride) noexcept {
    using namespace uniform_directory_detail;
    constexpr std::uint32_t per_vector = sizeof(Lanes) / directory_entry_size;
    constexpr std::uint32_t per_step = 2 * per_vector;
    Lanes expected;
    Lanes step;
    start_entries(expected, step, length, stride);
    Lanes differ{};
    std::size_t i = 0; // not u32: offsets from it need no extension per step
    // Unrolled: the loop test was a fifth of each step.
#pragma GCC unroll 4
    for (; i + per_step <= count; i += per_step) {
        Lanes one;
        Lanes two;
        const std::byte* at = entries + (i * directory_entry_size);
        std::memcpy(&one, at, sizeof(one));
        std::memcpy(&two, at + sizeof(one), sizeof(two));
        differ |= (one ^ expected) | (two ^ (expected + step));
        expected += step + step;
    }
    std::uint32_t rest_differs = 0; // the last count % per_step, one by one
    for (; i < count; ++i) {
        std::array<std::uint32_t, 2> entry{};
        std::memcpy(entry.data(), entries + (i * directory_entry_size), sizeof(entry));
        rest_differs |= (entry[0] ^ (static_cast<std::uint32_t>(i) * stride)) | (entry[1] ^ length);
    }
    for (std::size_t k = 0; k < sizeof(Lanes) / sizeof(std::uint32_t); ++k) {
        rest_differs |= differ[k];
    }
    return rest_differs == 0;
}

// The two lane widths, pinned (tests run both). The AVX2 ones exist on
// x86-64 only and may only run where cpu_has_avx2().
void write_uniform_entries_sse2(std::byte* directory, std::uint32_t count, std::uint32_t length,
                                std::uint32_t stride) noexcept;
bool uniform_entries_sse2(const std::byte* entries, std::uint32_t count, std::uint32_t length,
                          std::uint32_t stride) noexcept;
#if defined(__x86_64__)
void write_uniform_entries_avx2(std::byte* directory, std::uint32_t count, std::uint32_t length,
                                std::uint32_t stride) noexcept;
bool uniform_entries_avx2(const std::byte* entries, std::uint32_t count, std::uint32_t length,
                          std::uint32_t stride) noexcept;
#endif

// Whether this CPU runs AVX2 code: false off x86-64. Asked once.
bool cpu_has_avx2() noexcept;

// The widest this CPU runs.
void write_uniform_directory(std::byte* directory, std::uint32_t count, std::uint32_t length,
                             std::uint32_t stride) noexcept;
bool is_uniform_directory(const std::byte* entries, std::uint32_t count, std::uint32_t length,
                          std::uint32_t stride) noexcept;

} // namespace netipc::wire
