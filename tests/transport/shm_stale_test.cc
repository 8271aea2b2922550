// Stale SHM region recovery: classification by owner liveness, removal of
// junk and stale files, and the start-up scan of one service's files.
#include "transports/posix/shm_stale.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/resource_limit.h"
#include "tests/transport/shm_test_support.h"
#include "transports/posix/shm_region.h"

using netipc::Errc;
using netipc::testing::DescriptorLimit;
using netipc::transports::classify_existing_region;
using netipc::transports::process_alive;
using netipc::transports::recover_region_path;
using netipc::transports::scan_stale_regions;
using netipc::transports::ShmRegion;
using netipc::transports::ShmRegionState;
using shm_test::TempDir;

namespace {

bool exists(const std::string& path) {
    struct stat info{};
    return ::lstat(path.c_str(), &info) == 0;
}

// A region whose creator is gone: create it, then forget it without removing
// the file, and rewrite owner_pid / owner_generation as asked.
void make_region_file(const std::string& path, pid_t owner, std::uint32_t generation) {
    auto region = ShmRegion::create(path, 64, 64);
    REQUIRE(region);
    shm_test::patch<std::int32_t>(path, 8, owner);
    shm_test::patch<std::uint32_t>(path, 12, generation);
    // Keep the file: move it aside while the region object removes "its" path.
    const std::string aside = path + ".aside";
    REQUIRE(::rename(path.c_str(), aside.c_str()) == 0);
    region->unlink();
    REQUIRE(::rename(aside.c_str(), path.c_str()) == 0);
}

} // namespace

TEST_CASE("process_alive tells live from dead pids", "[transport][shm]") {
    CHECK(process_alive(::getpid()));
    CHECK(process_alive(1)); // init: alive, maybe not ours (EPERM still counts)
    CHECK_FALSE(process_alive(shm_test::dead_pid()));
    CHECK_FALSE(process_alive(0));
    CHECK_FALSE(process_alive(-1));
}

TEST_CASE("classification of an SHM path", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");

    SECTION("nothing there") {
        CHECK(classify_existing_region(path) == ShmRegionState::absent);
        const auto recovered = recover_region_path(path);
        REQUIRE(recovered);
        CHECK(*recovered == ShmRegionState::absent);
    }
    SECTION("a live owner keeps its file, untouched") {
        auto region = ShmRegion::create(path, 64, 64);
        REQUIRE(region);
        const auto before = shm_test::read_all(path);
        CHECK(classify_existing_region(path) == ShmRegionState::live);
        const auto recovered = recover_region_path(path);
        REQUIRE_FALSE(recovered);
        CHECK(recovered.error() == Errc::address_in_use);
        CHECK(shm_test::read_all(path) == before);
    }
    SECTION("a dead owner is stale and removed") {
        make_region_file(path, shm_test::dead_pid(), 1234);
        CHECK(classify_existing_region(path) == ShmRegionState::stale);
        const auto recovered = recover_region_path(path);
        REQUIRE(recovered);
        CHECK(*recovered == ShmRegionState::stale);
        CHECK_FALSE(exists(path));
    }
    SECTION("a live pid with generation zero is stale") {
        make_region_file(path, ::getpid(), 0);
        CHECK(classify_existing_region(path) == ShmRegionState::stale);
        REQUIRE(recover_region_path(path));
        CHECK_FALSE(exists(path));
    }
    SECTION("random bytes with a bad magic are junk") {
        std::vector<std::byte> noise(4096);
        for (std::size_t i = 0; i < noise.size(); ++i) {
            noise[i] = std::byte(static_cast<std::uint8_t>(i * 131 + 7));
        }
        shm_test::write_file(path, noise);
        CHECK(classify_existing_region(path) == ShmRegionState::junk);
        const auto recovered = recover_region_path(path);
        REQUIRE(recovered);
        CHECK(*recovered == ShmRegionState::junk);
        CHECK_FALSE(exists(path));
    }
    SECTION("a regular file shorter than the header is junk") {
        // Even with the right magic: it cannot be a region.
        shm_test::write_file(path,
                             {std::byte{0x4d}, std::byte{0x48}, std::byte{0x53}, std::byte{0x4e}});
        CHECK(classify_existing_region(path) == ShmRegionState::junk);
        REQUIRE(recover_region_path(path));
        CHECK_FALSE(exists(path));
    }
    SECTION("a directory at the path is junk") {
        REQUIRE(::mkdir(path.c_str(), 0700) == 0);
        CHECK(classify_existing_region(path) == ShmRegionState::junk);
        REQUIRE(recover_region_path(path));
        CHECK_FALSE(exists(path));
    }
    SECTION("a FIFO at the path is junk, and inspecting it does not block") {
        REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
        CHECK(classify_existing_region(path) == ShmRegionState::junk);
        REQUIRE(recover_region_path(path));
        CHECK_FALSE(exists(path));
    }
    SECTION("a symlink at the path is junk; its target survives") {
        const std::string target = dir.file("target");
        auto region = ShmRegion::create(target, 64, 64);
        REQUIRE(region);
        REQUIRE(::symlink(target.c_str(), path.c_str()) == 0);
        CHECK(classify_existing_region(path) == ShmRegionState::junk);
        REQUIRE(recover_region_path(path));
        CHECK_FALSE(exists(path));
        CHECK(exists(target));
    }
}

TEST_CASE("a region that cannot be opened for lack of descriptors is kept as in use",
          "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    make_region_file(path, shm_test::dead_pid(), 7); // stale, if it could be read
    // No descriptor left, so the next open() fails with EMFILE. No Catch
    // assertion while the limit is in place (see DescriptorLimit).
    bool limited = false;
    ShmRegionState state{};
    const auto recovered = [&] {
        const DescriptorLimit none_left;
        limited = none_left.active();
        state = classify_existing_region(path);
        return recover_region_path(path);
    }();

    REQUIRE(limited);
    CHECK(state == ShmRegionState::in_use_fd_exhausted);
    REQUIRE_FALSE(recovered);
    CHECK(recovered.error() == Errc::address_in_use);
    CHECK(exists(path));
}

TEST_CASE("the start-up scan removes only this service's dead files", "[transport][shm]") {
    const TempDir dir;
    const std::string stale = dir.file("svc-0000000000000001.ipcshm");
    const std::string junk = dir.file("svc-0000000000000002.ipcshm");
    const std::string live = dir.file("svc-0000000000000003.ipcshm");
    const std::string other_service = dir.file("svc-b-0000000000000004.ipcshm");
    const std::string other_service2 = dir.file("other-0000000000000005.ipcshm");
    const std::string not_a_session = dir.file("svc-1.ipcshm");
    const std::string socket_like = dir.file("svc.sock");

    make_region_file(stale, shm_test::dead_pid(), 99);
    shm_test::write_file(junk, std::vector<std::byte>(16));
    auto live_region = ShmRegion::create(live, 64, 64);
    REQUIRE(live_region);
    make_region_file(other_service, shm_test::dead_pid(), 99);
    shm_test::write_file(other_service2, std::vector<std::byte>(16));
    shm_test::write_file(not_a_session, std::vector<std::byte>(16));
    shm_test::write_file(socket_like, std::vector<std::byte>(16));

    const auto removed = scan_stale_regions(dir.path(), "svc");
    REQUIRE(removed);
    CHECK(*removed == 2);
    CHECK_FALSE(exists(stale));
    CHECK_FALSE(exists(junk));
    CHECK(exists(live));
    CHECK(exists(other_service));
    CHECK(exists(other_service2));
    CHECK(exists(not_a_session));
    CHECK(exists(socket_like));
}

TEST_CASE("the start-up scan tolerates a missing run dir and rejects bad names",
          "[transport][shm]") {
    const TempDir dir;
    const auto missing = scan_stale_regions(dir.file("nope"), "svc");
    REQUIRE(missing);
    CHECK(*missing == 0);
    const auto bad_name = scan_stale_regions(dir.path(), "../svc");
    REQUIRE_FALSE(bad_name);
    CHECK(bad_name.error() == Errc::invalid_argument);
}

TEST_CASE("the start-up scan of a run dir that is not a directory is an OS error",
          "[transport][shm]") {
    const TempDir dir;
    const std::string not_a_directory = dir.file("file");
    shm_test::write_file(not_a_directory, {std::byte{1}});
    const auto scanned = scan_stale_regions(not_a_directory, "svc");
    REQUIRE_FALSE(scanned);
    CHECK(scanned.error() == Errc::os_error);
    CHECK(scanned.error().sys_errno == ENOTDIR);
    CHECK(std::string(scanned.error().detail) == "opening the run directory failed");
}
