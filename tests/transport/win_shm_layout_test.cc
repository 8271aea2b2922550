// The Windows SHM region header layout, the geometry a server creates and
// the checks a client applies to a header it reads, and the kernel object
// names. All pure computation, so this runs on every platform.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

#include "netipc/wire/layout.h"
#include "tests/support/result_assertions.h"
#include "transports/windows/pipe_name.h"
#include "transports/windows/win_shm_names.h"
#include "transports/windows/win_shm_region_header.h"

using netipc::Errc;
using netipc::transports::fnv1a_64;
using netipc::transports::win_shm_check_geometry;
using netipc::transports::win_shm_geometry;
using netipc::transports::win_shm_name_hash;
using netipc::transports::win_shm_object_names;
using netipc::transports::WinShmNameInputs;
using netipc::transports::WinShmRegionHeader;

namespace {

std::string narrow(const std::wstring& wide) {
    return {wide.begin(), wide.end()};
}

} // namespace

TEST_CASE("Windows SHM header encodes the specified constants at their offsets",
          "[transport][winshm]") {
    WinShmRegionHeader header{};
    header.profile = 2;
    header.request_offset = 128;
    header.request_capacity = 1088;
    header.response_offset = 1216;
    header.response_capacity = 65600;
    header.spin_tries = 1024;
    std::array<std::byte, 128> bytes{};
    REQUIRE_OK(netipc::wire::encode(header, bytes));
    const auto u32_at = [&bytes](std::size_t offset) {
        return netipc::wire::load<std::uint32_t>(bytes.data() + offset);
    };
    CHECK(u32_at(0) == 0x4e535748);
    CHECK(u32_at(4) == 3);
    CHECK(u32_at(8) == 128);
    CHECK(u32_at(12) == 2);
    CHECK(u32_at(20) == 1088);
    CHECK(u32_at(32) == 1024);
    // A header with a wrong magic is rejected by its own error.
    bytes[0] = std::byte{0};
    REQUIRE_ERRC(netipc::wire::decode<WinShmRegionHeader>(bytes), Errc::bad_magic);
}

TEST_CASE("Windows SHM geometry: cache-line areas after the 128-byte header",
          "[transport][winshm]") {
    const auto geometry = win_shm_geometry(1024, 65536);
    REQUIRE_OK(geometry);
    CHECK(geometry->request_offset == 128);
    CHECK(geometry->request_capacity == 1088); // 32 + 1024, a multiple of 64
    CHECK(geometry->response_offset == 1216);
    CHECK(geometry->response_capacity == 65600); // 32 + 65536 rounded up to 64
    CHECK(geometry->region_size == 1216 + 65600);
    REQUIRE_ERRC(win_shm_geometry(0xffffffffU, 1), Errc::limit_exceeded);
}

TEST_CASE("a client accepts larger areas but not broken or too small ones", "[transport][winshm]") {
    const auto geometry = win_shm_geometry(1024, 4096);
    REQUIRE_OK(geometry);
    const auto& g = *geometry;
    SECTION("exactly what it would create") {
        REQUIRE_OK(win_shm_check_geometry(g.request_offset, g.request_capacity, g.response_offset,
                                          g.response_capacity, g.region_size, 1024, 4096));
    }
    SECTION("a request area sized for a larger proposal") {
        REQUIRE_OK(win_shm_check_geometry(128, 1024 * 1024 + 64, 128 + 1024 * 1024 + 64, 4160,
                                          128 + 1024 * 1024 + 64 + 4160, 1024, 4096));
    }
    SECTION("an area that ends past the mapping") {
        REQUIRE_ERRC(win_shm_check_geometry(g.request_offset, g.request_capacity, g.response_offset,
                                            g.response_capacity + 64, g.region_size, 1024, 4096),
                     Errc::bad_layout);
    }
    SECTION("overlapping areas") {
        REQUIRE_ERRC(win_shm_check_geometry(128, 4096, 1024, 4160, 1024 + 4160, 1024, 4096),
                     Errc::bad_layout);
    }
    SECTION("an area inside the header or misaligned") {
        REQUIRE_ERRC(win_shm_check_geometry(64, 1088, 1216, 4160, 8192, 1024, 4096),
                     Errc::bad_layout);
        REQUIRE_ERRC(win_shm_check_geometry(130, 1088, 1280, 4160, 8192, 1024, 4096),
                     Errc::bad_layout);
    }
    SECTION("an area too small for the agreed ceiling") {
        REQUIRE_ERRC(win_shm_check_geometry(g.request_offset, g.request_capacity, g.response_offset,
                                            1024, g.region_size, 1024, 4096),
                     Errc::limit_exceeded);
    }
}

TEST_CASE("Windows SHM object names: hash of run_dir, service and token; one set per session",
          "[transport][winshm]") {
    const WinShmNameInputs inputs{
        .run_dir = "C:\\netdata\\run",
        .service = "cgroups-snapshot",
        .auth_token = 12345,
        .profile = 2,
        .session_id = 0x2a,
    };
    const auto names = win_shm_object_names(inputs);
    REQUIRE_OK(names);
    const std::uint64_t hash = fnv1a_64("C:\\netdata\\run\ncgroups-snapshot\n12345");
    CHECK(win_shm_name_hash(inputs.run_dir, inputs.service, inputs.auth_token) == hash);
    std::array<char, 17> hex{};
    REQUIRE(std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(hash))
            == 16);
    const std::string stem =
        "Local\\netipc-" + std::string(hex.data()) + "-cgroups-snapshot-p2-s000000000000002a-";
    CHECK(narrow(names->mapping) == stem + "mapping");
    CHECK(narrow(names->request_event) == stem + "req_event");
    CHECK(narrow(names->response_event) == stem + "resp_event");

    auto next_session = inputs;
    next_session.session_id = 0x2b;
    auto other_token = inputs;
    other_token.auth_token = 12346;
    auto busywait = inputs;
    busywait.profile = 4;
    for (const auto& other : {next_session, other_token, busywait}) {
        const auto other_names = win_shm_object_names(other);
        REQUIRE_OK(other_names);
        CHECK(other_names->mapping != names->mapping);
        CHECK(other_names->request_event != names->request_event);
    }
}

TEST_CASE("Windows SHM object names reject bad service names and an empty run_dir",
          "[transport][winshm]") {
    for (const char* service : {"", ".", "..", "a/b", "a\\b", "a b", "na\xc3\xafve"}) {
        INFO("service: " << service);
        REQUIRE_ERRC(win_shm_object_names({.run_dir = "ns", .service = service}),
                     Errc::invalid_argument);
    }
    REQUIRE_ERRC(win_shm_object_names({.run_dir = "", .service = "svc"}), Errc::invalid_argument);
}
