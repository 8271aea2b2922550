// Service addresses and the file names derived from them: names are
// rejected, never repaired; paths must fit the OS limits.
#include <sys/un.h>

#include <cstdint>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "transports/posix/endpoint.h"

using netipc::Errc;
using netipc::transports::is_session_shm_file_name;
using netipc::transports::ServiceAddress;
using netipc::transports::shm_path;
using netipc::transports::socket_path;
using netipc::transports::validate_run_dir;
using netipc::transports::validate_service_name;

TEST_CASE("service names from the allowed alphabet are accepted", "[transport][uds]") {
    for (const std::string_view name :
         {"cgroups-snapshot", "a", "A.b_c-9", "...", ".hidden", "x..y", "0123456789"}) {
        INFO(name);
        REQUIRE(validate_service_name(name).has_value());
    }
}

TEST_CASE("bad service names are rejected, each one", "[transport][uds]") {
    using namespace std::string_view_literals;
    const std::string_view rejected[] = {
        ""sv,      "."sv,        ".."sv,          "a/b"sv,       "/abs"sv,
        "../up"sv, "nul\0in"sv,  "sp ace"sv,      "tab\t"sv,     "colon:"sv,
        "star*"sv, R"(back\)"sv, "caf\xc3\xa9"sv, "new\nline"sv, "percent%"sv,
        "plus+"sv,
    };
    for (const std::string_view name : rejected) {
        INFO(std::string(name));
        const auto result = validate_service_name(name);
        REQUIRE_FALSE(result.has_value());
        REQUIRE(result.error() == Errc::invalid_argument);
        // The same rule guards every path builder.
        const ServiceAddress address{"/run/netdata", std::string(name)};
        REQUIRE(socket_path(address).error() == Errc::invalid_argument);
        REQUIRE(shm_path(address, 1).error() == Errc::invalid_argument);
    }
}

TEST_CASE("run directories must be non-empty and free of NUL", "[transport][uds]") {
    REQUIRE(validate_run_dir("/run/netdata").has_value());
    REQUIRE(validate_run_dir("relative/dir").has_value());
    REQUIRE(validate_run_dir("").error() == Errc::invalid_argument);
    REQUIRE(validate_run_dir(std::string_view("/run\0x", 6)).error() == Errc::invalid_argument);
    REQUIRE(socket_path({"", "svc"}).error() == Errc::invalid_argument);
    REQUIRE(shm_path({"", "svc"}, 1).error() == Errc::invalid_argument);
}

TEST_CASE("the socket path is {run_dir}/{service}.sock", "[transport][uds]") {
    const auto path = socket_path({"/run/netdata", "cgroups-snapshot"});
    REQUIRE(path.has_value());
    REQUIRE(*path == "/run/netdata/cgroups-snapshot.sock");
}

TEST_CASE("a socket path that does not fit sun_path is rejected", "[transport][uds]") {
    constexpr std::size_t limit = sizeof(sockaddr_un::sun_path); // includes the NUL
    const std::string run_dir = "/r";
    const std::size_t fixed = run_dir.size() + 1 + std::string_view(".sock").size();

    // Longest accepted: path plus NUL exactly fills sun_path.
    const std::string longest(limit - 1 - fixed, 's');
    const auto fits = socket_path({run_dir, longest});
    REQUIRE(fits.has_value());
    REQUIRE(fits->size() == limit - 1);

    const auto too_long = socket_path({run_dir, longest + "s"});
    REQUIRE_FALSE(too_long.has_value());
    REQUIRE(too_long.error() == Errc::invalid_argument);
}

TEST_CASE("the SHM path carries the session id as 16 lower-case hex digits", "[transport][uds]") {
    REQUIRE(*shm_path({"/run/netdata", "svc"}, 0) == "/run/netdata/svc-0000000000000000.ipcshm");
    REQUIRE(*shm_path({"/run/netdata", "svc"}, 0x1234abcdULL)
            == "/run/netdata/svc-000000001234abcd.ipcshm");
    REQUIRE(*shm_path({"/d", "svc"}, UINT64_MAX) == "/d/svc-ffffffffffffffff.ipcshm");
}

TEST_CASE("an SHM path of PATH_MAX bytes is rejected", "[transport][uds]") {
    const std::string huge_dir(5000, 'd');
    REQUIRE(shm_path({huge_dir, "svc"}, 1).error() == Errc::invalid_argument);
}

TEST_CASE("SHM file names are matched exactly for the stale scan", "[transport][uds]") {
    REQUIRE(is_session_shm_file_name("svc", "svc-000000001234abcd.ipcshm"));
    REQUIRE(is_session_shm_file_name("a", "a-ffffffffffffffff.ipcshm"));
    // Another service whose name extends ours.
    REQUIRE_FALSE(is_session_shm_file_name("a", "a-b-0000000000000001.ipcshm"));
    REQUIRE_FALSE(is_session_shm_file_name("svc", "svc-00000000000000001.ipcshm"));
    REQUIRE_FALSE(is_session_shm_file_name("svc", "svc-000000000000001.ipcshm"));
    REQUIRE_FALSE(is_session_shm_file_name("svc", "svc-000000001234ABCD.ipcshm"));
    REQUIRE_FALSE(is_session_shm_file_name("svc", "svc-00000000000000xz.ipcshm"));
    REQUIRE_FALSE(is_session_shm_file_name("svc", "svc_0000000000000001.ipcshm"));
    REQUIRE_FALSE(is_session_shm_file_name("svc", "svc-0000000000000001.ipcshmx"));
    REQUIRE_FALSE(is_session_shm_file_name("svc", "svc.sock"));
    REQUIRE_FALSE(is_session_shm_file_name("svc", "other-0000000000000001.ipcshm"));
    REQUIRE_FALSE(is_session_shm_file_name("..", "..-0000000000000001.ipcshm"));
}
