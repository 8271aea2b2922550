// Helpers shared by the libFuzzer targets in tests/fuzz/.
//
// The targets check more than "does not crash": each one carries a small
// reference model of the rules its decoder must enforce, written from the
// specification tables independently of the library code, and aborts when
// the library accepts what the model rejects (or the other way round), or
// when a decode/encode round trip does not reproduce its input.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "netipc/wire/layout.h"

namespace netipc::fuzz {

inline wire::Bytes input_bytes(const std::uint8_t* data, std::size_t size) noexcept {
    return {reinterpret_cast<const std::byte*>(data), size};
}

[[noreturn]] inline void invariant_failed(const char* file, int line, const char* condition) {
    (void)std::fprintf(stderr, "netipc fuzz invariant violated at %s:%d: %s\n", file, line,
                       condition);
    std::abort();
}

// An invariant of the code under test, not a property of the input: a
// failure is a library bug, so it aborts (libFuzzer then saves the input).
#define NETIPC_FUZZ_CHECK(condition)                                          \
    do {                                                                      \
        if (!(condition)) {                                                   \
            ::netipc::fuzz::invariant_failed(__FILE__, __LINE__, #condition); \
        }                                                                     \
    } while (false)

// Where touch() leaves its result; a volatile object the compiler must write.
inline volatile unsigned touch_sink = 0;

// Reads every byte of a view. Decoders hand out spans into the input; if a
// span reaches past the input, ASan only notices when those bytes are
// actually read. The volatile store keeps the loop from being optimized out.
inline void touch(wire::Bytes bytes) noexcept {
    unsigned sum = 0;
    for (const std::byte b : bytes) {
        sum += static_cast<unsigned>(b);
    }
    touch_sink = sum;
}

inline void touch(std::string_view text) noexcept {
    touch(wire::as_bytes(text.data(), text.size()));
}

// Field readers for the reference models. The protocol is host byte order,
// so a memcpy is the whole story; they deliberately do not use wire::load so
// the models do not share code with the library.
template <class T>
T read_at(wire::Bytes in, std::size_t offset) noexcept {
    T value;
    std::memcpy(&value, in.data() + offset, sizeof(T));
    return value;
}

// Splits an input into packets for the targets that feed packet sequences:
// each packet is a u16 length followed by that many bytes. A length longer
// than what is left takes the rest; a lone last byte is a packet of itself.
// So every input is some sequence, and a plain message (no prefix) still
// makes a first packet of whatever follows its first two bytes.
inline std::vector<wire::Bytes> split_packets(wire::Bytes in) {
    std::vector<wire::Bytes> packets;
    std::size_t offset = 0;
    while (offset < in.size()) {
        std::size_t length = in.size() - offset;
        if (length >= 2) {
            length = std::min<std::size_t>(read_at<std::uint16_t>(in, offset), length - 2);
            offset += 2;
        }
        packets.push_back(in.subspan(offset, length));
        offset += length;
    }
    return packets;
}

inline bool all_zero(wire::Bytes in, std::size_t offset, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        if (in[offset + i] != std::byte{0}) {
            return false;
        }
    }
    return true;
}

// The decoder's verdict must match the model's: success when the model
// finds nothing wrong, otherwise failure with the model's error category.
template <class T>
void check_verdict(const Result<T>& result, std::optional<Errc> expected_error) {
    if (!expected_error) {
        NETIPC_FUZZ_CHECK(result.has_value());
        return;
    }
    NETIPC_FUZZ_CHECK(!result.has_value());
    NETIPC_FUZZ_CHECK(result.error().code == *expected_error);
    // Every decode failure is the peer's fault and must say so.
    NETIPC_FUZZ_CHECK(is_protocol_error(result.error().code));
    NETIPC_FUZZ_CHECK(result.error().detail != nullptr);
}

// Fixed layouts carry no slack: encoding what was decoded must give back
// exactly the bytes that were read.
template <wire::WireLayout S>
void check_reencodes(const S& value, wire::Bytes in) {
    std::byte encoded[wire::wire_size<S>];
    auto written = wire::encode(value, wire::MutableBytes(encoded, sizeof(encoded)));
    NETIPC_FUZZ_CHECK(written.has_value());
    NETIPC_FUZZ_CHECK(*written == wire::wire_size<S>);
    NETIPC_FUZZ_CHECK(in.size() >= sizeof(encoded));
    NETIPC_FUZZ_CHECK(std::memcmp(encoded, in.data(), sizeof(encoded)) == 0);
}

} // namespace netipc::fuzz
