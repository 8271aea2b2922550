// Windows pipe names derived from a service address: pure string work, so
// tested on every platform. The hash is the published FNV-1a 64 (its
// reference vectors), and the name is what every NetIPC peer derives.
#include "transports/windows/pipe_name.h"

#include <string>

#include <catch2/catch.hpp>

#include "tests/support/result_assertions.h"

using netipc::Errc;
using netipc::transports::fnv1a_64;
using netipc::transports::pipe_name;
using netipc::transports::ServiceAddress;

TEST_CASE("FNV-1a 64 matches its reference vectors", "[transport][named-pipe]") {
    STATIC_REQUIRE(fnv1a_64("") == 0xcbf29ce484222325ULL);
    STATIC_REQUIRE(fnv1a_64("a") == 0xaf63dc4c8601ec8cULL);
    STATIC_REQUIRE(fnv1a_64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("the pipe name is prefix, 16 lower-case hex digits of the run_dir hash, service",
          "[transport][named-pipe]") {
    auto name = pipe_name(ServiceAddress{"/run/netdata", "cgroups-snapshot"});
    REQUIRE_OK(name);
    CHECK(*name == R"(\\.\pipe\netipc-efc07ed598ac339b-cgroups-snapshot)");

    // A hash with leading zero nibbles keeps all 16 digits.
    auto padded = pipe_name(ServiceAddress{"a", "x"});
    REQUIRE_OK(padded);
    CHECK(*padded == R"(\\.\pipe\netipc-af63dc4c8601ec8c-x)");
}

TEST_CASE("different run directories give different pipes for one service",
          "[transport][named-pipe]") {
    auto first = pipe_name(ServiceAddress{"/run/a", "svc"});
    auto second = pipe_name(ServiceAddress{"/run/b", "svc"});
    REQUIRE_OK(first);
    REQUIRE_OK(second);
    CHECK(*first != *second);
}

TEST_CASE("service names with forbidden characters are rejected, never sanitized",
          "[transport][named-pipe]") {
    using namespace std::string_literals;
    for (const std::string& service :
         {""s, "."s, ".."s, "a b"s, "a/b"s, R"(a\b)"s, "a:b"s, "svc*"s, "naïve"s, "a\0b"s}) {
        CAPTURE(service);
        REQUIRE_ERRC(pipe_name(ServiceAddress{"/run/netdata", service}), Errc::invalid_argument);
    }
    REQUIRE_OK(pipe_name(ServiceAddress{"/run/netdata", "Az09._-"}));
}

TEST_CASE("an empty run directory and over-long pipe names are rejected",
          "[transport][named-pipe]") {
    REQUIRE_ERRC(pipe_name(ServiceAddress{"", "svc"}), Errc::invalid_argument);
    REQUIRE_ERRC(pipe_name(ServiceAddress{"/run/netdata", std::string(240, 's')}),
                 Errc::invalid_argument);
    REQUIRE_OK(pipe_name(ServiceAddress{"/run/netdata", std::string(200, 's')}));
}
