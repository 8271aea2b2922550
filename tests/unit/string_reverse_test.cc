// STRING_REVERSE (method 3): u32 str_offset (8), u32 str_length, bytes, NUL.
#include "codecs/string_reverse.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using netipc::codecs::StringReverse;
using netipc::codecs::StringReverseBuilder;
using netipc::test::Buffer;

Buffer encoded(std::string_view text) {
    Buffer out(StringReverse::request_size(text));
    auto written = StringReverse::encode_request(text, out);
    REQUIRE_OK(written);
    REQUIRE(*written == out.size());
    return out;
}

} // namespace

TEST_CASE("STRING_REVERSE layout: offset 8, length without NUL, text, NUL", "[codec]") {
    const Buffer bytes = encoded("hey");
    REQUIRE(bytes.size() == 8 + 3 + 1);
    REQUIRE(test::peek<std::uint32_t>(bytes, 0) == 8);
    REQUIRE(test::peek<std::uint32_t>(bytes, 4) == 3);
    REQUIRE(std::memcmp(bytes.data() + 8, "hey", 4) == 0); // NUL included
}

TEST_CASE("STRING_REVERSE round trip, including via to_owned", "[codec]") {
    const std::string text = GENERATE(std::string(""), std::string("x"), std::string("hello"),
                                      std::string("with\0nul", 8), std::string(1000, 'q'));
    const Buffer bytes = encoded(text);

    auto request = StringReverse::decode_request(bytes);
    REQUIRE_OK(request);
    REQUIRE(request->text == text);
    // The view points into the payload and is NUL-terminated there.
    REQUIRE(static_cast<const void*>(request->c_str())
            == static_cast<const void*>(bytes.data() + 8));
    REQUIRE(request->c_str()[text.size()] == '\0');
    REQUIRE(StringReverse::to_owned(*request) == text);

    auto response = StringReverse::decode_response(bytes);
    REQUIRE_OK(response);
    REQUIRE(StringReverse::to_owned(*response) == text);
}

TEST_CASE("STRING_REVERSE owned copy outlives the payload", "[codec]") {
    std::string owned;
    {
        const Buffer bytes = encoded("short-lived");
        auto view = StringReverse::decode_request(bytes);
        REQUIRE_OK(view);
        owned = StringReverse::to_owned(*view);
    }
    REQUIRE(owned == "short-lived");
}

TEST_CASE("STRING_REVERSE encode_response matches encode_request and the builder", "[codec]") {
    Buffer response(StringReverse::request_size("abc"));
    REQUIRE_OK(StringReverse::encode_response("abc", response));

    Buffer built(64, std::byte{0xEE});
    StringReverseBuilder builder(built);
    REQUIRE_OK(builder.set("abc"));
    auto length = builder.finish();
    REQUIRE_OK(length);
    built.resize(*length);

    REQUIRE(test::to_hex(response) == test::to_hex(encoded("abc")));
    REQUIRE(test::to_hex(built) == test::to_hex(response));
}

TEST_CASE("STRING_REVERSE builder writes text in place", "[codec]") {
    Buffer out(32);
    StringReverseBuilder builder(out);
    auto room = builder.text_buffer(5);
    REQUIRE_OK(room);
    REQUIRE(room->size() == 5);
    std::memcpy(room->data(), "olleh", 5);
    auto length = builder.finish();
    REQUIRE_OK(length);
    REQUIRE(*length == 14);
    auto view = StringReverse::decode_response(test::first_bytes(out, *length));
    REQUIRE_OK(view);
    REQUIRE(view->text == "olleh");
}

TEST_CASE("STRING_REVERSE builder: the last set() wins", "[codec]") {
    Buffer out(64, std::byte{0xEE});
    StringReverseBuilder builder(out);
    REQUIRE_OK(builder.set("a much longer first text"));
    REQUIRE_OK(builder.set("hi"));
    auto length = builder.finish();
    REQUIRE_OK(length);
    REQUIRE(*length == 11);
    REQUIRE(StringReverse::decode_response(test::first_bytes(out, *length))->text == "hi");
}

TEST_CASE("STRING_REVERSE builder without text is an invalid argument", "[codec]") {
    Buffer out(32);
    StringReverseBuilder builder(out);
    REQUIRE_ERRC(builder.finish(), Errc::invalid_argument);
}

TEST_CASE("STRING_REVERSE encoders need exactly header + text + NUL", "[codec]") {
    for (std::string_view text : {std::string_view(""), std::string_view("hello")}) {
        INFO("text '" << text << "'");
        Buffer exact(8 + text.size() + 1);
        REQUIRE_OK(StringReverse::encode_request(text, exact));
        REQUIRE_OK(StringReverse::encode_response(text, exact));
        StringReverseBuilder fits(exact);
        REQUIRE_OK(fits.set(text));
        REQUIRE_OK(fits.finish());

        Buffer short_by_one(8 + text.size());
        REQUIRE_ERRC(StringReverse::encode_request(text, short_by_one), Errc::overflow);
        REQUIRE_ERRC(StringReverse::encode_response(text, short_by_one), Errc::overflow);
        StringReverseBuilder too_small(short_by_one);
        REQUIRE_ERRC(too_small.set(text), Errc::overflow);
        REQUIRE_ERRC(too_small.text_buffer(text.size()), Errc::overflow);
    }
}

TEST_CASE("STRING_REVERSE of 1 MiB round trips", "[codec]") {
    std::string text(1U << 20, '\0');
    for (std::size_t i = 0; i < text.size(); ++i) {
        text[i] = static_cast<char>('a' + i % 26);
    }
    const Buffer bytes = encoded(text);
    REQUIRE(bytes.size() == (1U << 20) + 9);
    auto view = StringReverse::decode_request(bytes);
    REQUIRE_OK(view);
    REQUIRE(view->text.size() == text.size());
    REQUIRE(view->text == text);
}

TEST_CASE("STRING_REVERSE rejects a truncated header", "[codec]") {
    const Buffer bytes = encoded("hello");
    REQUIRE_ERRC(StringReverse::decode(test::first_bytes(bytes, 7)), Errc::truncated);
    REQUIRE_ERRC(StringReverse::decode(wire::Bytes{}), Errc::truncated);
}

TEST_CASE("STRING_REVERSE rejects a str_offset other than 8", "[codec]") {
    Buffer bytes = encoded("hello");
    for (std::uint32_t offset : {0U, 7U, 9U, 16U}) {
        INFO("str_offset " << offset);
        test::patch<std::uint32_t>(bytes, 0, offset);
        REQUIRE_ERRC(StringReverse::decode_request(bytes), Errc::bad_layout);
        REQUIRE_ERRC(StringReverse::decode_response(bytes), Errc::bad_layout);
    }
}

TEST_CASE("STRING_REVERSE rejects a length past the payload", "[codec]") {
    Buffer bytes = encoded("hello");

    SECTION("one more character than present") {
        test::patch<std::uint32_t>(bytes, 4, 6);
        REQUIRE_ERRC(StringReverse::decode(bytes), Errc::out_of_bounds);
    }
    SECTION("the NUL itself cut off") {
        REQUIRE_ERRC(StringReverse::decode(test::first_bytes(bytes, bytes.size() - 1)),
                     Errc::out_of_bounds);
    }
    SECTION("a length near the u32 maximum does not wrap") {
        test::patch<std::uint32_t>(bytes, 4, 0xFFFFFFFFU);
        REQUIRE_ERRC(StringReverse::decode(bytes), Errc::out_of_bounds);
    }
}

TEST_CASE("STRING_REVERSE rejects a missing NUL", "[codec]") {
    Buffer bytes = encoded("hello");
    bytes.back() = std::byte{'!'};
    REQUIRE_ERRC(StringReverse::decode_request(bytes), Errc::missing_nul);

    // A shorter declared length whose terminator position holds text.
    Buffer shorter = encoded("hello");
    test::patch<std::uint32_t>(shorter, 4, 3);
    REQUIRE_ERRC(StringReverse::decode_request(shorter), Errc::missing_nul);
}

TEST_CASE("STRING_REVERSE accepts trailing bytes after the NUL", "[codec]") {
    Buffer bytes = encoded("hello");
    bytes.resize(bytes.size() + 3, std::byte{'z'}); // e.g. batch item padding
    auto view = StringReverse::decode(bytes);
    REQUIRE_OK(view);
    REQUIRE(view->text == "hello");
}
