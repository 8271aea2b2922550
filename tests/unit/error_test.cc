// The error model: category names, std::error_code interop, Error::message()
// and the protocol-error classification.
#include "netipc/error.h"

#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/test_util.h"

namespace {

using namespace netipc;

// Every category, in declaration order. The "one past the last" check below
// fails when a category is added without being listed here.
const std::vector<Errc> all_errc{
    Errc::truncated,
    Errc::bad_magic,
    Errc::bad_version,
    Errc::bad_header_len,
    Errc::bad_kind,
    Errc::bad_layout,
    Errc::reserved_not_zero,
    Errc::bad_alignment,
    Errc::out_of_bounds,
    Errc::missing_nul,
    Errc::overlapping_fields,
    Errc::bad_item_count,
    Errc::bad_chunk,
    Errc::protocol_violation,
    Errc::bad_status,
    Errc::bad_field,
    Errc::limit_exceeded,
    Errc::overflow,
    Errc::message_too_large,
    Errc::auth_failed,
    Errc::unsupported,
    Errc::incompatible,
    Errc::shm_unavailable,
    Errc::not_found,
    Errc::address_in_use,
    Errc::disconnected,
    Errc::not_ready,
    Errc::timeout,
    Errc::aborted,
    Errc::invalid_argument,
    Errc::os_error,
    Errc::internal,
};

} // namespace

TEST_CASE("every Errc has a distinct, non-empty name", "[wire][error]") {
    std::set<std::string> names;
    for (Errc code : all_errc) {
        const std::string name = to_string(code);
        INFO("Errc " << static_cast<int>(code));
        REQUIRE_FALSE(name.empty());
        REQUIRE(name != "unknown error");
        REQUIRE(names.insert(name).second);
    }
    REQUIRE(names.size() == all_errc.size());
}

TEST_CASE("the Errc list above is complete and contiguous", "[wire][error]") {
    for (std::size_t i = 0; i < all_errc.size(); ++i) {
        REQUIRE(static_cast<int>(all_errc[i]) == static_cast<int>(i) + 1);
    }
    const auto past_last = static_cast<Errc>(static_cast<int>(all_errc.back()) + 1);
    REQUIRE(std::string(to_string(past_last)) == "unknown error");
    REQUIRE(std::string(to_string(static_cast<Errc>(0))) == "unknown error");
}

TEST_CASE("Errc converts to std::error_code in the netipc category", "[wire][error]") {
    const std::error_code explicit_code = make_error_code(Errc::timeout);
    REQUIRE(explicit_code.value() == static_cast<int>(Errc::timeout));
    REQUIRE(&explicit_code.category() == &error_category());
    REQUIRE(std::string(error_category().name()) == "netipc");
    REQUIRE(explicit_code.message() == to_string(Errc::timeout));
    REQUIRE(static_cast<bool>(explicit_code));

    // Implicit conversion through is_error_code_enum.
    const std::error_code implicit_code = Errc::bad_magic;
    REQUIRE(implicit_code == Errc::bad_magic);
    REQUIRE(implicit_code != Errc::bad_version);
    REQUIRE(implicit_code == make_error_code(Errc::bad_magic));

    // Same number, different category: not equal.
    const std::error_code generic(static_cast<int>(Errc::bad_magic), std::generic_category());
    REQUIRE(generic != implicit_code);

    // Usable with std::system_error.
    const std::system_error thrown(Errc::disconnected, "peer went away");
    REQUIRE(thrown.code() == Errc::disconnected);
    REQUIRE(std::string(thrown.what()).find("disconnected") != std::string::npos);
}

TEST_CASE("Error::message is the category name, then detail, then strerror", "[wire][error]") {
    const Error bare{Errc::truncated, 0, ""};
    REQUIRE(bare.message() == "truncated");

    const Error detailed{Errc::missing_nul, 0, "snapshot item name lacks NUL"};
    REQUIRE(detailed.message() == "missing NUL terminator: snapshot item name lacks NUL");

    const Error os{Errc::os_error, ENOENT, "open of the SHM file failed"};
    const std::string text = os.message();
    REQUIRE(text.find(to_string(Errc::os_error)) == 0);
    REQUIRE(text.find("open of the SHM file failed") != std::string::npos);
    REQUIRE(text.find(std::strerror(ENOENT)) != std::string::npos);
    REQUIRE(text
            == std::string("system error: open of the SHM file failed (") + std::strerror(ENOENT)
                   + ")");

    // A null detail is tolerated (e.g. an Error built field by field).
    const Error null_detail{Errc::timeout, EAGAIN, nullptr};
    REQUIRE(null_detail.message() == std::string("timeout (") + std::strerror(EAGAIN) + ")");
}

TEST_CASE("fail() builds an unexpected Error with every field", "[wire][error]") {
    const Result<int> result = fail(Errc::os_error, "bind failed", EADDRINUSE);
    REQUIRE_FALSE(result.has_value());
    REQUIRE(result.error().code == Errc::os_error);
    REQUIRE(result.error().sys_errno == EADDRINUSE);
    REQUIRE(std::string(result.error().detail) == "bind failed");

    const Result<void> defaulted = fail(Errc::internal);
    REQUIRE(defaulted.error().sys_errno == 0);
    REQUIRE(std::string(defaulted.error().detail).empty());
}

TEST_CASE("Error equality compares the category only", "[wire][error]") {
    const Error a{Errc::bad_chunk, 0, "continuation arrived out of order"};
    const Error b{Errc::bad_chunk, 5, "other detail"};
    const Error c{Errc::bad_magic, 0, "continuation arrived out of order"};
    REQUIRE(a == b);
    REQUIRE_FALSE(a == c);
    REQUIRE(a == Errc::bad_chunk);
    REQUIRE_FALSE(a == Errc::bad_magic);
    // The default Error is an internal one.
    REQUIRE(Error{} == Errc::internal);
}

TEST_CASE("is_protocol_error covers exactly the peer-fault categories", "[wire][error]") {
    for (Errc code : all_errc) {
        INFO(to_string(code));
        const bool expected = code >= Errc::truncated && code <= Errc::limit_exceeded;
        REQUIRE(is_protocol_error(code) == expected);
    }
    // Spot checks that pin the boundary on both sides.
    STATIC_REQUIRE(is_protocol_error(Errc::truncated));
    STATIC_REQUIRE(is_protocol_error(Errc::bad_chunk));
    STATIC_REQUIRE(is_protocol_error(Errc::limit_exceeded));
    STATIC_REQUIRE_FALSE(is_protocol_error(Errc::overflow));
    STATIC_REQUIRE_FALSE(is_protocol_error(Errc::message_too_large));
    STATIC_REQUIRE_FALSE(is_protocol_error(Errc::timeout));
    STATIC_REQUIRE_FALSE(is_protocol_error(Errc::os_error));
    STATIC_REQUIRE_FALSE(is_protocol_error(Errc::internal));
}
