// Small helpers shared by the unit tests: byte buffers, patching fields at
// spec offsets, hex rendering for readable failure output, and assertions on
// Result<T> that print the library's error message when they fail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "tests/support/result_assertions.h"

namespace netipc::test {

using Buffer = std::vector<std::byte>;

inline Buffer bytes_of(std::string_view text) {
    Buffer out(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        out[i] = static_cast<std::byte>(text[i]);
    }
    return out;
}

// Hex rendering, 16 bytes per line: comparing two of these makes Catch print
// both images in full when a byte differs, which a vector<byte> would not.
inline std::string to_hex(std::span<const std::byte> data) {
    std::string out;
    char cell[4];
    for (std::size_t i = 0; i < data.size(); ++i) {
        (void)std::snprintf(cell, sizeof cell, "%02x", static_cast<unsigned>(data[i]));
        out += cell;
        out += (i % 16 == 15 || i + 1 == data.size()) ? '\n' : ' ';
    }
    return out;
}

// Overwrites a host-order integer at `offset`, for building malformed
// payloads out of valid ones.
template <class T>
void patch(Buffer& buffer, std::size_t offset, T value) {
    REQUIRE(offset + sizeof(T) <= buffer.size());
    wire::store<T>(buffer.data() + offset, value);
}

template <class T>
T peek(const Buffer& buffer, std::size_t offset) {
    REQUIRE(offset + sizeof(T) <= buffer.size());
    return wire::load<T>(buffer.data() + offset);
}

inline wire::Bytes first_bytes(const Buffer& buffer, std::size_t count) {
    return wire::Bytes(buffer).first(count);
}

} // namespace netipc::test
