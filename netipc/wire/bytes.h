// Byte-level helpers shared by every wire layout: host-order loads and
// stores through memcpy (safe at any alignment) and 8-byte alignment.
//
// The protocol is host byte order by design (it never leaves the machine),
// so a load is a plain memcpy of the native representation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

namespace netipc::wire {

using Bytes = std::span<const std::byte>;
using MutableBytes = std::span<std::byte>;

// Items inside batches and snapshots start on 8-byte boundaries.
inline constexpr std::size_t item_alignment = 8;

constexpr std::size_t align8(std::size_t n) noexcept {
    return (n + (item_alignment - 1)) & ~(item_alignment - 1);
}

template <class T>
    requires std::is_trivially_copyable_v<T>
inline T load(const std::byte* src) noexcept {
    T value{};
    std::memcpy(&value, src, sizeof(T));
    return value;
}

template <class T>
    requires std::is_trivially_copyable_v<T>
inline void store(std::byte* dst, T value) noexcept {
    std::memcpy(dst, &value, sizeof(T));
}

// Views a string's characters as bytes without copying.
inline Bytes as_bytes(const char* text, std::size_t length) noexcept {
    return {reinterpret_cast<const std::byte*>(text), length};
}

} // namespace netipc::wire
