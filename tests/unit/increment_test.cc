// INCREMENT (method 1): u64 request and response.
#include "codecs/increment.h"

#include <cstdint>

#include <catch2/catch.hpp>

#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using netipc::codecs::Increment;
using netipc::codecs::IncrementBuilder;
using netipc::test::Buffer;

} // namespace

TEST_CASE("INCREMENT request round trip, including via to_owned", "[codec]") {
    for (std::uint64_t value :
         {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0xFFFFFFFFFFFFFFFF},
          std::uint64_t{0x0123456789ABCDEF}}) {
        Buffer bytes(Increment::request_size(value));
        REQUIRE(bytes.size() == 8);
        auto written = Increment::encode_request(value, bytes);
        REQUIRE_OK(written);
        REQUIRE(*written == 8);
        auto view = Increment::decode_request(bytes);
        REQUIRE_OK(view);
        REQUIRE(view->value == value);
        REQUIRE(Increment::to_owned(*view) == value);
    }
}

TEST_CASE("INCREMENT response round trip through encode_response and the builder", "[codec]") {
    Buffer direct(8);
    REQUIRE_OK(Increment::encode_response(100, direct));

    Buffer built(8);
    IncrementBuilder builder(built);
    builder.set(100);
    auto length = builder.finish();
    REQUIRE_OK(length);
    REQUIRE(*length == 8);
    REQUIRE(test::to_hex(built) == test::to_hex(direct));

    auto view = Increment::decode_response(built);
    REQUIRE_OK(view);
    REQUIRE(Increment::to_owned(*view) == 100);
}

TEST_CASE("INCREMENT builder keeps the last value set", "[codec]") {
    Buffer out(8);
    IncrementBuilder builder(out);
    builder.set(1);
    builder.set(2);
    REQUIRE_OK(builder.finish());
    REQUIRE(Increment::decode_response(out)->value == 2);
}

TEST_CASE("INCREMENT builder without a value is an invalid argument", "[codec]") {
    Buffer out(8);
    IncrementBuilder builder(out);
    REQUIRE_ERRC(builder.finish(), Errc::invalid_argument);
}

TEST_CASE("INCREMENT encoders need exactly 8 bytes", "[codec]") {
    Buffer exact(8);
    REQUIRE_OK(Increment::encode_request(5, exact));
    REQUIRE_OK(Increment::encode_response(5, exact));
    IncrementBuilder fits(exact);
    fits.set(5);
    REQUIRE_OK(fits.finish());

    Buffer short_by_one(7);
    REQUIRE_ERRC(Increment::encode_request(5, short_by_one), Errc::overflow);
    REQUIRE_ERRC(Increment::encode_response(5, short_by_one), Errc::overflow);
    IncrementBuilder too_small(short_by_one);
    too_small.set(5);
    REQUIRE_ERRC(too_small.finish(), Errc::overflow);
}

TEST_CASE("INCREMENT rejects a truncated payload", "[codec]") {
    Buffer bytes(8);
    REQUIRE_OK(Increment::encode_request(7, bytes));
    REQUIRE_ERRC(Increment::decode_request(test::first_bytes(bytes, 7)), Errc::truncated);
    REQUIRE_ERRC(Increment::decode_response(test::first_bytes(bytes, 7)), Errc::truncated);
    REQUIRE_ERRC(Increment::decode_request(wire::Bytes{}), Errc::truncated);
}

TEST_CASE("INCREMENT accepts trailing bytes after the value", "[codec]") {
    // The reference peers read the first 8 bytes and ignore the rest.
    Buffer bytes(12, std::byte{0xFF});
    REQUIRE_OK(Increment::encode_request(7, bytes));
    auto view = Increment::decode_request(bytes);
    REQUIRE_OK(view);
    REQUIRE(view->value == 7);
}
