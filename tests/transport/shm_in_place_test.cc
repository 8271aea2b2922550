// Building a message in an SHM region's area and publishing it from there
// (ShmRegion::area(), the InPlaceSend path of ShmHybrid).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "netipc/deadline.h"
#include "tests/transport/shm_test_support.h"
#include "transports/posix/shm_region.h"

using namespace std::chrono_literals;
using netipc::Deadline;
using netipc::transports::ShmDirection;
using netipc::transports::ShmRegion;
using shm_test::TempDir;

namespace {

std::vector<std::byte> received_bytes(const ShmRegion& region, ShmDirection direction) {
    auto message = region.wait(direction, 0, Deadline::after(5000ms));
    REQUIRE(message);
    return {message->message.begin(), message->message.end()};
}

} // namespace

TEST_CASE("an area spans its direction's whole capacity, at its offset", "[transport][shm]") {
    const TempDir dir;
    auto region = ShmRegion::create(dir.file("svc-0000000000000001.ipcshm"), 100, 1000);
    REQUIRE(region);
    const auto& geometry = region->geometry();
    const auto request = region->area(ShmDirection::request);
    const auto response = region->area(ShmDirection::response);
    CHECK(request.size() == geometry.request_capacity);
    CHECK(response.size() == geometry.response_capacity);
    CHECK(response.data() - request.data()
          == static_cast<std::ptrdiff_t>(geometry.response_offset - geometry.request_offset));
}

TEST_CASE("a message built in its area is published as built", "[transport][shm]") {
    const TempDir dir;
    auto region = ShmRegion::create(dir.file("svc-0000000000000001.ipcshm"), 256, 256);
    REQUIRE(region);
    const auto area = region->area(ShmDirection::response);
    std::vector<std::byte> expected(200);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        expected[i] = std::byte(static_cast<std::uint8_t>(i * 7));
        area[i] = expected[i];
    }
    const std::vector<netipc::wire::Bytes> pieces{area.first(expected.size())};
    REQUIRE(region->publish(ShmDirection::response, pieces));
    CHECK(received_bytes(*region, ShmDirection::response) == expected);
}

TEST_CASE("a piece that overlaps its area elsewhere is moved, not smeared", "[transport][shm]") {
    const TempDir dir;
    auto region = ShmRegion::create(dir.file("svc-0000000000000001.ipcshm"), 256, 256);
    REQUIRE(region);
    const auto area = region->area(ShmDirection::request);
    std::vector<std::byte> expected(100);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        expected[i] = std::byte(static_cast<std::uint8_t>(i + 1));
        area[16 + i] = expected[i]; // 16 bytes in: overlaps its destination
    }
    const std::vector<netipc::wire::Bytes> pieces{area.subspan(16, expected.size())};
    REQUIRE(region->publish(ShmDirection::request, pieces));
    CHECK(received_bytes(*region, ShmDirection::request) == expected);
}
