// Catch2 assertions on netipc::Result: REQUIRE_OK shows the library's
// message when a result holds an error, REQUIRE_ERRC checks the exact error
// category. Shared by every test package.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "netipc/error.h"

namespace Catch {
template <>
struct StringMaker<netipc::Errc> {
    static std::string convert(netipc::Errc code) { return netipc::to_string(code); }
};
} // namespace Catch

// NOLINTBEGIN(cppcoreguidelines-macro-usage): Catch2 assertions must be
// macros to report the caller's file and line.

// The result holds a value; on failure the library's message is shown.
#define REQUIRE_OK(expr)                                                                    \
    do {                                                                                    \
        const auto& netipc_result_ = (expr);                                                \
        INFO("error: " << (netipc_result_.has_value() ? std::string("none")                 \
                                                      : netipc_result_.error().message())); \
        REQUIRE(netipc_result_.has_value());                                                \
    } while (false)

// The result holds an error of exactly category `errc`.
#define REQUIRE_ERRC(expr, errc)                             \
    do {                                                     \
        const auto& netipc_result_ = (expr);                 \
        REQUIRE_FALSE(netipc_result_.has_value());           \
        INFO("error: " << netipc_result_.error().message()); \
        REQUIRE(netipc_result_.error().code == (errc));      \
    } while (false)

// NOLINTEND(cppcoreguidelines-macro-usage)
