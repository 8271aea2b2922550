// Netdata's simple_hash(): the identity hash of cgroup snapshot items
// (items are keyed by hash + name). An FNV-1 variant: start from the
// 32-bit FNV offset basis, then for each byte multiply by the FNV prime and
// xor in the byte.
#pragma once

#include <cstdint>
#include <string_view>

namespace netipc::codecs {

constexpr std::uint32_t simple_hash(std::string_view text) noexcept {
    std::uint32_t hash = 0x811c9dc5U;
    for (const char c : text) {
        hash *= 16777619U;
        hash ^= static_cast<std::uint32_t>(static_cast<unsigned char>(c));
    }
    return hash;
}

} // namespace netipc::codecs
