// Typed fields out of JSON documents the `netipc` program reads (--data
// files), each failure a message naming the field; and reading a whole
// file. Shared by the snapshot and lookup formats (snapshot_json.h,
// lookup_json.h), whichever nlohmann::basic_json flavour they use.
#pragma once

#include <concepts>
#include <cstdint>
#include <expected>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace netipc::cli {

template <std::unsigned_integral T, class Json>
std::expected<T, std::string> unsigned_field(const Json& value, std::string_view where) {
    if (!value.is_number_unsigned()) {
        return std::unexpected(fmt::format("{} must be a non-negative integer", where));
    }
    const auto number = value.template get<std::uint64_t>();
    if (number > std::numeric_limits<T>::max()) {
        return std::unexpected(fmt::format("{} = {} does not fit {} bits", where, number,
                                           std::numeric_limits<T>::digits));
    }
    return static_cast<T>(number);
}

template <class Json>
std::expected<std::string, std::string> string_field(const Json& value, std::string_view where) {
    if (!value.is_string()) {
        return std::unexpected(fmt::format("{} must be a string", where));
    }
    auto text = value.template get<std::string>();
    // The wire ends each string at a NUL: C peers would read a shorter one.
    if (text.find('\0') != std::string::npos) {
        return std::unexpected(fmt::format("{} contains a NUL character", where));
    }
    return text;
}

// The parsed document in `path`, or a message naming the file.
template <class Json>
std::expected<Json, std::string> read_json_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return std::unexpected(fmt::format("{}: cannot open the file", path));
    }
    try {
        return Json::parse(in);
    } catch (const typename Json::parse_error& error) {
        return std::unexpected(fmt::format("{}: not valid JSON: {}", path, error.what()));
    }
}

} // namespace netipc::cli
