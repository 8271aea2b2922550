// The generic wire-layout engine (netipc/wire/layout.h) and the byte helpers
// (netipc/wire/bytes.h), exercised on a small layout of our own so that every
// field kind (integer, enum, Reserved, Fixed) is covered independently of the
// protocol layouts.
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <boost/hana/define_struct.hpp>
#include <catch2/catch.hpp>

#include "netipc/wire/bytes.h"
#include "netipc/wire/layout.h"
#include "netipc/wire/message_header.h"
#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using namespace netipc::wire;
using netipc::test::Buffer;

enum class Colour : std::uint16_t { red = 1, green = 2 };

// 1 + 3 + 4 + 2 + 2 + 8 = 20 bytes, with deliberately odd field offsets so a
// hidden alignment gap would show up as a size mismatch.
struct ProbeLayout {
    BOOST_HANA_DEFINE_STRUCT(ProbeLayout, (std::uint8_t, tag), (Reserved<3>, pad),
                             (Fixed<std::uint32_t, 0xA1B2C3D4U, Errc::bad_magic>, magic),
                             (std::uint16_t, count), (Colour, colour), (std::uint64_t, id));
};

// Not a layout: an ordinary struct without Hana reflection.
struct PlainStruct {
    std::uint32_t value;
};

static_assert(WireLayout<ProbeLayout>);
static_assert(WireLayout<MessageHeader>);
static_assert(!WireLayout<PlainStruct>);
static_assert(!WireLayout<std::uint32_t>);

static_assert(wire_size<ProbeLayout> == 20);
static_assert(wire_offset<ProbeLayout>(BOOST_HANA_STRING("tag")) == 0);
static_assert(wire_offset<ProbeLayout>(BOOST_HANA_STRING("pad")) == 1);
static_assert(wire_offset<ProbeLayout>(BOOST_HANA_STRING("magic")) == 4);
static_assert(wire_offset<ProbeLayout>(BOOST_HANA_STRING("count")) == 8);
static_assert(wire_offset<ProbeLayout>(BOOST_HANA_STRING("colour")) == 10);
static_assert(wire_offset<ProbeLayout>(BOOST_HANA_STRING("id")) == 12);
// An unknown member name yields the sentinel, not a silent 0.
static_assert(wire_offset<ProbeLayout>(BOOST_HANA_STRING("missing"))
              == static_cast<std::size_t>(-1));

ProbeLayout sample_probe() {
    ProbeLayout probe{};
    probe.tag = 0x7F;
    probe.count = 0x0102;
    probe.colour = Colour::green;
    probe.id = 0x1122334455667788ULL;
    return probe;
}

} // namespace

TEST_CASE("WireLayout concept: Hana structs are layouts, other types are not", "[wire][concept]") {
    STATIC_REQUIRE(WireLayout<ProbeLayout>);
    STATIC_REQUIRE(WireLayout<MessageHeader>);
    STATIC_REQUIRE_FALSE(WireLayout<PlainStruct>);
    STATIC_REQUIRE_FALSE(WireLayout<std::uint32_t>);
}

TEST_CASE("wire_size and wire_offset of a layout with Reserved and Fixed fields", "[wire]") {
    STATIC_REQUIRE(wire_size<ProbeLayout> == 20);
    STATIC_REQUIRE(wire_offset<ProbeLayout>(BOOST_HANA_STRING("pad")) == 1);
    STATIC_REQUIRE(wire_offset<ProbeLayout>(BOOST_HANA_STRING("magic")) == 4);
    STATIC_REQUIRE(wire_offset<ProbeLayout>(BOOST_HANA_STRING("id")) == 12);
    // Reserved and Fixed carry no data: the in-memory struct is smaller than
    // its wire image only by their bytes, never by padding on the wire.
    STATIC_REQUIRE(std::is_empty_v<Reserved<3>>);
    STATIC_REQUIRE(std::is_empty_v<Fixed<std::uint32_t, 1U, Errc::bad_magic>>);
}

TEST_CASE("align8 rounds up to the item alignment", "[wire]") {
    STATIC_REQUIRE(item_alignment == 8);
    STATIC_REQUIRE(align8(0) == 0);
    STATIC_REQUIRE(align8(1) == 8);
    STATIC_REQUIRE(align8(7) == 8);
    STATIC_REQUIRE(align8(8) == 8);
    STATIC_REQUIRE(align8(9) == 16);
    STATIC_REQUIRE(align8(279) == 280);
}

TEST_CASE("load and store are host order and work at any alignment", "[wire]") {
    Buffer buffer(16, std::byte{0});
    // Offset 3 is misaligned for a u64; memcpy-based access must still work.
    store<std::uint64_t>(buffer.data() + 3, 0x0102030405060708ULL);
    REQUIRE(load<std::uint64_t>(buffer.data() + 3) == 0x0102030405060708ULL);
    std::uint64_t native = 0x0102030405060708ULL;
    REQUIRE(std::memcmp(buffer.data() + 3, &native, sizeof native) == 0);
    REQUIRE(buffer[2] == std::byte{0});
    REQUIRE(buffer[11] == std::byte{0});
}

TEST_CASE("as_bytes views characters without copying", "[wire]") {
    const char text[] = "abc";
    const Bytes view = as_bytes(text, 3);
    REQUIRE(view.size() == 3);
    REQUIRE(static_cast<const void*>(view.data()) == static_cast<const void*>(text));
    REQUIRE(view[2] == std::byte{'c'});
}

TEST_CASE("layout encode writes fields in order, Reserved as zero, Fixed as its value", "[wire]") {
    Buffer buffer(wire_size<ProbeLayout>, std::byte{0xEE}); // non-zero fill exposes unwritten bytes
    auto written = encode(sample_probe(), buffer);
    REQUIRE_OK(written);
    REQUIRE(*written == 20);
    REQUIRE(test::peek<std::uint8_t>(buffer, 0) == 0x7F);
    REQUIRE(test::peek<std::uint8_t>(buffer, 1) == 0);
    REQUIRE(test::peek<std::uint8_t>(buffer, 2) == 0);
    REQUIRE(test::peek<std::uint8_t>(buffer, 3) == 0);
    REQUIRE(test::peek<std::uint32_t>(buffer, 4) == 0xA1B2C3D4U);
    REQUIRE(test::peek<std::uint16_t>(buffer, 8) == 0x0102);
    REQUIRE(test::peek<std::uint16_t>(buffer, 10) == 2);
    REQUIRE(test::peek<std::uint64_t>(buffer, 12) == 0x1122334455667788ULL);

    // encode_unchecked produces the same bytes.
    Buffer unchecked(wire_size<ProbeLayout>, std::byte{0xEE});
    encode_unchecked(sample_probe(), unchecked.data());
    REQUIRE(test::to_hex(unchecked) == test::to_hex(buffer));
}

TEST_CASE("layout round trip restores every field", "[wire]") {
    Buffer buffer(wire_size<ProbeLayout> + 5, std::byte{0}); // trailing bytes are ignored
    REQUIRE_OK(encode(sample_probe(), buffer));
    auto decoded = decode<ProbeLayout>(buffer);
    REQUIRE_OK(decoded);
    REQUIRE(decoded->tag == 0x7F);
    REQUIRE(decoded->count == 0x0102);
    REQUIRE(decoded->colour == Colour::green);
    REQUIRE(decoded->id == 0x1122334455667788ULL);
}

TEST_CASE("layout encode needs exactly wire_size bytes", "[wire]") {
    Buffer exact(wire_size<ProbeLayout>);
    REQUIRE_OK(encode(sample_probe(), exact));
    Buffer short_by_one(wire_size<ProbeLayout> - 1);
    REQUIRE_ERRC(encode(sample_probe(), short_by_one), Errc::overflow);
}

TEST_CASE("layout decode rejects malformed input", "[wire]") {
    Buffer valid(wire_size<ProbeLayout>);
    REQUIRE_OK(encode(sample_probe(), valid));

    SECTION("one byte short is truncated") {
        REQUIRE_ERRC(decode<ProbeLayout>(test::first_bytes(valid, valid.size() - 1)),
                     Errc::truncated);
    }
    SECTION("empty input is truncated") {
        REQUIRE_ERRC(decode<ProbeLayout>(Bytes{}), Errc::truncated);
    }
    SECTION("any non-zero Reserved byte is reserved_not_zero") {
        for (std::size_t offset = 1; offset <= 3; ++offset) {
            Buffer bad = valid;
            bad[offset] = std::byte{0x01};
            REQUIRE_ERRC(decode<ProbeLayout>(bad), Errc::reserved_not_zero);
        }
    }
    SECTION("a Fixed mismatch reports the field's own error") {
        Buffer bad = valid;
        test::patch<std::uint32_t>(bad, 4, 0xA1B2C3D5U);
        REQUIRE_ERRC(decode<ProbeLayout>(bad), Errc::bad_magic);
    }
    SECTION("the first offending field in wire order decides the error") {
        Buffer bad = valid;
        bad[2] = std::byte{0xFF};                        // Reserved at offset 1..3
        test::patch<std::uint32_t>(bad, 4, 0xDEADBEEFU); // Fixed at offset 4
        REQUIRE_ERRC(decode<ProbeLayout>(bad), Errc::reserved_not_zero);
    }
}

TEST_CASE("enum fields decode any underlying value without validation", "[wire]") {
    // The layout engine only reinterprets; semantic checks (e.g. message kind)
    // belong to the specific decoder.
    Buffer buffer(wire_size<ProbeLayout>);
    REQUIRE_OK(encode(sample_probe(), buffer));
    test::patch<std::uint16_t>(buffer, 10, 0xBEEF);
    auto decoded = decode<ProbeLayout>(buffer);
    REQUIRE_OK(decoded);
    REQUIRE(static_cast<std::uint16_t>(decoded->colour) == 0xBEEF);
}
