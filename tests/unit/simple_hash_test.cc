// Netdata's simple_hash(), the identity hash of cgroup snapshot items. The
// expected values come from the reference image's input description
// (cgroups_snapshot_response_3_items), where the reference C peer computed
// them.
#include "codecs/simple_hash.h"

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

namespace {

using netipc::codecs::simple_hash;

// Usable at compile time, e.g. for switch labels over well-known names.
static_assert(simple_hash("") == 0x811c9dc5U);
static_assert(simple_hash("system.slice_docker.service") == 0x67c26a92U);
constexpr std::uint32_t compile_time_hash = simple_hash("k8s_pod_1234");
static_assert(compile_time_hash == 0xb7078c72U);

} // namespace

TEST_CASE("simple_hash of the empty string is the FNV offset basis", "[codec]") {
    REQUIRE(simple_hash("") == 0x811c9dc5U);
}

TEST_CASE("simple_hash matches the reference peer's values", "[codec]") {
    // Computed at run time too, so a constexpr-only evaluation path cannot
    // hide a difference.
    const std::string docker = "system.slice_docker.service";
    const std::string pod = "k8s_pod_1234";
    REQUIRE(simple_hash(docker) == 0x67c26a92U);
    REQUIRE(simple_hash(pod) == 0xb7078c72U);
}

TEST_CASE("simple_hash multiplies before xoring each byte", "[codec]") {
    // One byte: (basis * prime) ^ byte, all mod 2^32. This pins the FNV-1
    // order (FNV-1a would xor first) independently of the reference values.
    const std::uint32_t basis_times_prime = 0x811c9dc5U * 16777619U;
    REQUIRE(simple_hash("a") == (basis_times_prime ^ 0x61U));
    // Bytes >= 0x80 are taken unsigned, not sign-extended.
    REQUIRE(simple_hash("\xff") == (basis_times_prime ^ 0xffU));
}

TEST_CASE("simple_hash covers embedded NULs and distinguishes order", "[codec]") {
    REQUIRE(simple_hash(std::string_view("a\0b", 3)) != simple_hash("ab"));
    REQUIRE(simple_hash("ab") != simple_hash("ba"));
}
