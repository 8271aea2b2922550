// The SHM region header layout and the region geometry, against the live
// region captured between two reference peers (transcripts.md, section 3).
#include <array>
#include <cstddef>
#include <cstdint>

#include <catch2/catch.hpp>

#include "netipc/wire/layout.h"
#include "transports/posix/shm_region_header.h"

using netipc::Errc;
using netipc::transports::shm_geometry;
using netipc::transports::ShmRegionHeader;

namespace {

// The first 32 bytes of the captured header (the write-once part).
constexpr std::array<std::uint8_t, 32> captured_prefix = {
    0x4d, 0x48, 0x53, 0x4e, 0x03, 0x00, 0x40, 0x00, 0x3b, 0x75, 0x00, 0x00, 0x1f, 0x47, 0x00, 0x00,
    0x40, 0x00, 0x00, 0x00, 0x40, 0x10, 0x00, 0x00, 0x80, 0x10, 0x00, 0x00, 0x40, 0x00, 0x01, 0x00,
};

std::array<std::byte, 64> captured_header() {
    std::array<std::byte, 64> bytes{};
    for (std::size_t i = 0; i < captured_prefix.size(); ++i) {
        bytes[i] = std::byte{captured_prefix[i]};
    }
    return bytes;
}

} // namespace

TEST_CASE("SHM geometry reproduces the captured 4096/65536 session", "[transport][shm]") {
    const auto geometry = shm_geometry(4096, 65536);
    REQUIRE(geometry);
    CHECK(geometry->request_offset == 64);
    CHECK(geometry->request_capacity == 4160);
    CHECK(geometry->response_offset == 4224);
    CHECK(geometry->response_capacity == 65600);
    CHECK(geometry->region_size == 69824);
}

TEST_CASE("SHM geometry rounds every area to 64 bytes", "[transport][shm]") {
    const auto exact = shm_geometry(32, 0); // 64 and 32 -> 64
    REQUIRE(exact);
    CHECK(exact->request_capacity == 64);
    CHECK(exact->response_capacity == 64);
    CHECK(exact->response_offset == 128);
    CHECK(exact->region_size == 192);

    const auto odd = shm_geometry(1, 33);
    REQUIRE(odd);
    CHECK(odd->request_capacity == 64);
    CHECK(odd->response_capacity == 128);
    CHECK(odd->region_size == 64 + 64 + 128);
}

TEST_CASE("SHM geometry is usable at compile time", "[transport][shm]") {
    constexpr auto geometry = shm_geometry(4096, 65536);
    STATIC_REQUIRE(geometry.has_value());
    STATIC_REQUIRE(geometry->region_size == 69824);
}

TEST_CASE("SHM geometry that overflows the u32 header fields is rejected", "[transport][shm]") {
    const auto huge = shm_geometry(0xffffffffU, 16);
    REQUIRE_FALSE(huge);
    CHECK(huge.error() == Errc::limit_exceeded);
    // Both capacities fit, but the response area would start past 4 GiB.
    const auto sum = shm_geometry(0xffffff80U, 16);
    REQUIRE_FALSE(sum);
    CHECK(sum.error() == Errc::limit_exceeded);
}

TEST_CASE("the captured SHM region header decodes field by field", "[transport][shm]") {
    const auto bytes = captured_header();
    const auto header = netipc::wire::decode<ShmRegionHeader>(bytes);
    REQUIRE(header);
    CHECK(header->owner_pid == 0x753b);
    CHECK(header->owner_generation == 0x471f);
    CHECK(header->request_offset == 64);
    CHECK(header->request_capacity == 4160);
    CHECK(header->response_offset == 4224);
    CHECK(header->response_capacity == 65600);
}

TEST_CASE("an SHM region header encodes to the captured bytes", "[transport][shm]") {
    ShmRegionHeader header{};
    header.owner_pid = 0x753b;
    header.owner_generation = 0x471f;
    header.request_offset = 64;
    header.request_capacity = 4160;
    header.response_offset = 4224;
    header.response_capacity = 65600;
    std::array<std::byte, 64> out{};
    netipc::wire::encode_unchecked(header, out.data());
    CHECK(out == captured_header());
}

TEST_CASE("SHM region header constants are checked in wire order", "[transport][shm]") {
    auto bytes = captured_header();
    bytes[0] = std::byte{0x00};
    CHECK(netipc::wire::decode<ShmRegionHeader>(bytes).error() == Errc::bad_magic);
    bytes = captured_header();
    bytes[4] = std::byte{0x02};
    CHECK(netipc::wire::decode<ShmRegionHeader>(bytes).error() == Errc::bad_version);
    bytes = captured_header();
    bytes[6] = std::byte{0x20};
    CHECK(netipc::wire::decode<ShmRegionHeader>(bytes).error() == Errc::bad_header_len);
}
