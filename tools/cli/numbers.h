// Numbers on the command line: decimal, or hexadecimal after "0x".
//
// CLI11's own integer parsing goes through strtoull with base 0, which
// reads "010" as octal, wraps "-1" to the largest u64 and saturates values
// that do not fit; an auth token mistyped that way would silently be a
// different token. Every unsigned option of the program parses here.
#pragma once

#include <charconv>
#include <concepts>
#include <optional>
#include <string_view>
#include <system_error>

namespace netipc::cli {

// The value of `text` when it is a whole unsigned number of type T in
// decimal or 0x/0X hexadecimal: no sign, no blanks, no suffix, no overflow.
template <std::unsigned_integral T>
constexpr std::optional<T> parse_unsigned(std::string_view text) noexcept {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    }
    if (text.empty()) {
        return std::nullopt;
    }
    T value{};
    const char* begin = text.data();
    const char* end = begin + text.size();
    const auto [stop, error] = std::from_chars(begin, end, value, base);
    if (error != std::errc{} || stop != end) {
        return std::nullopt;
    }
    return value;
}

} // namespace netipc::cli
