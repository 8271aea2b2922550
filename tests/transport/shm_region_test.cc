// ShmRegion: creation (mode, size, header bytes), attach validation, and the
// publish/wait data plane within one process and across threads.
#include "transports/posix/shm_region.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/posix/sigbus_guard.h"
#include "tests/support/blocked_thread.h"
#include "tests/support/resource_limit.h"
#include "tests/transport/shm_test_support.h"

using namespace std::chrono_literals;
using netipc::AbortSignal;
using netipc::Deadline;
using netipc::Errc;
using netipc::testing::FileSizeLimit;
using netipc::testing::when_blocked;
using netipc::transports::ShmDirection;
using netipc::transports::ShmMessageView;
using netipc::transports::ShmRegion;
using shm_test::TempDir;

namespace {

constexpr std::uint32_t request_ceiling = 4096;
constexpr std::uint32_t response_ceiling = 65536;
constexpr std::uint64_t region_size = 69824;

std::vector<std::byte> message_of(std::size_t size, std::uint8_t seed) {
    std::vector<std::byte> bytes(size);
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = std::byte(static_cast<std::uint8_t>(seed + i));
    }
    return bytes;
}

std::vector<std::byte> copy_of(netipc::wire::Bytes bytes) {
    return {bytes.begin(), bytes.end()};
}

ShmRegion create_region(const std::string& path) {
    auto region = ShmRegion::create(path, request_ceiling, response_ceiling);
    REQUIRE(region);
    return std::move(*region);
}

Errc attach_error(const std::string& path, std::uint32_t request = request_ceiling,
                  std::uint32_t response = response_ceiling) {
    auto region = ShmRegion::attach(path, request, response);
    REQUIRE_FALSE(region);
    return region.error().code;
}

} // namespace

TEST_CASE("a created region is 0600 even with umask 0, fully sized and zeroed",
          "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    const mode_t previous = ::umask(0);
    auto region = ShmRegion::create(path, request_ceiling, response_ceiling);
    ::umask(previous);
    REQUIRE(region);

    struct stat info{};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK(S_ISREG(info.st_mode));
    CHECK((info.st_mode & 07777) == 0600);
    CHECK(static_cast<std::uint64_t>(info.st_size) == region_size);
    // fallocate() reserved the blocks: not a sparse file.
    CHECK(static_cast<std::uint64_t>(info.st_blocks) * 512 >= region_size);

    const auto bytes = shm_test::read_all(path);
    REQUIRE(bytes.size() == region_size);
    const std::vector<std::uint8_t> expected_fixed = {
        0x4d, 0x48, 0x53, 0x4e, 0x03, 0x00, 0x40, 0x00, // magic, version 3, header_len 64
    };
    for (std::size_t i = 0; i < expected_fixed.size(); ++i) {
        CHECK(bytes[i] == std::byte{expected_fixed[i]});
    }
    CHECK(shm_test::load_at<std::int32_t>(bytes, 8) == ::getpid());
    CHECK(shm_test::load_at<std::uint32_t>(bytes, 12) != 0);
    CHECK(shm_test::load_at<std::uint32_t>(bytes, 12) == region->owner_generation());
    const std::vector<std::uint8_t> expected_areas = {
        0x40, 0x00, 0x00, 0x00, 0x40, 0x10, 0x00, 0x00, // request_offset 64, capacity 4160
        0x80, 0x10, 0x00, 0x00, 0x40, 0x00, 0x01, 0x00, // response_offset 4224, capacity 65600
    };
    for (std::size_t i = 0; i < expected_areas.size(); ++i) {
        CHECK(bytes[16 + i] == std::byte{expected_areas[i]});
    }
    bool rest_zero = true;
    for (std::size_t i = 32; i < bytes.size(); ++i) {
        rest_zero = rest_zero && bytes[i] == std::byte{0};
    }
    CHECK(rest_zero);
    CHECK(region->is_owner());
    CHECK(region->owner_pid() == ::getpid());
}

TEST_CASE("create refuses an existing path and leaves it alone", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    shm_test::write_file(path, {std::byte{1}, std::byte{2}});
    auto region = ShmRegion::create(path, request_ceiling, response_ceiling);
    REQUIRE_FALSE(region);
    CHECK(region.error() == Errc::address_in_use);
    CHECK(region.error().sys_errno == EEXIST);
    CHECK(shm_test::read_all(path).size() == 2);
}

TEST_CASE("create in a missing directory fails at open", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("missing/svc-0000000000000001.ipcshm");
    auto region = ShmRegion::create(path, request_ceiling, response_ceiling);
    REQUIRE_FALSE(region);
    CHECK(region.error() == Errc::os_error);
    CHECK(region.error().sys_errno == ENOENT);
}

TEST_CASE("a failed allocation stage removes the new file", "[transport][shm]") {
    // A file-size limit below the region size makes fallocate() fail with
    // EFBIG (SIGXFSZ is ignored meanwhile so it does not end the test).
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    auto region = [&] {
        const FileSizeLimit limit(4096);
        REQUIRE(limit.active());
        return ShmRegion::create(path, request_ceiling, response_ceiling);
    }();
    REQUIRE_FALSE(region);
    CHECK(region.error() == Errc::os_error);
    CHECK(region.error().sys_errno == EFBIG);
    CHECK(::access(path.c_str(), F_OK) != 0);
}

TEST_CASE("the creator removes its file on destruction and unlink()", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    {
        auto region = create_region(path);
        auto moved = std::move(region); // ownership follows the move
        REQUIRE(::access(path.c_str(), F_OK) == 0);
    }
    CHECK(::access(path.c_str(), F_OK) != 0);

    auto region = create_region(path);
    region.unlink();
    CHECK(::access(path.c_str(), F_OK) != 0);
    region.unlink(); // idempotent
}

TEST_CASE("assigning a region over another removes the replaced one's file", "[transport][shm]") {
    const TempDir dir;
    const std::string first_path = dir.file("svc-0000000000000001.ipcshm");
    const std::string second_path = dir.file("svc-0000000000000002.ipcshm");
    auto first = create_region(first_path);
    {
        auto second = create_region(second_path);
        first = std::move(second);
        // The replaced region's file went with it; the moved one is now
        // first's, and the moved-from second owns nothing.
        CHECK(::access(first_path.c_str(), F_OK) != 0);
        CHECK(first.path() == second_path);
        CHECK(first.is_owner());
    }
    CHECK(::access(second_path.c_str(), F_OK) == 0);
    // The region works through its new owner.
    const auto message = message_of(32, 5);
    REQUIRE(first.publish(ShmDirection::request, message));
    auto seen = first.wait(ShmDirection::request, 0, Deadline::after(30s));
    REQUIRE(seen);
    CHECK(copy_of(seen->message) == message);
    first.unlink();
    CHECK(::access(second_path.c_str(), F_OK) != 0);
}

TEST_CASE("ceilings whose region cannot be described by its header are refused",
          "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    constexpr std::uint32_t huge = 0xffffffffU;
    auto created = ShmRegion::create(path, huge, response_ceiling);
    REQUIRE_FALSE(created);
    CHECK(created.error() == Errc::limit_exceeded);
    CHECK(::access(path.c_str(), F_OK) != 0); // refused before any file was made

    auto server = create_region(path);
    CHECK(attach_error(path, request_ceiling, huge) == Errc::limit_exceeded);
}

TEST_CASE("with every SIGBUS guard slot taken, create and attach fail and leave no file",
          "[transport][shm]") {
    const TempDir dir;
    const std::string existing_path = dir.file("svc-0000000000000001.ipcshm");
    const std::string new_path = dir.file("svc-0000000000000002.ipcshm");
    auto existing = create_region(existing_path);
    // Take every slot left (the guard only records ranges; these are never
    // touched, so no fault can hit them).
    static std::array<std::byte, 64> unused_range{};
    std::vector<netipc::posix::SigbusGuardedRange> taken;
    for (;;) {
        auto slot =
            netipc::posix::SigbusGuardedRange::guard(unused_range.data(), unused_range.size());
        if (!slot) {
            REQUIRE(slot.error() == Errc::limit_exceeded);
            break;
        }
        taken.push_back(std::move(*slot));
        REQUIRE(taken.size() <= netipc::posix::sigbus_guard_capacity);
    }

    auto created = ShmRegion::create(new_path, request_ceiling, response_ceiling);
    REQUIRE_FALSE(created);
    CHECK(created.error() == Errc::limit_exceeded);
    CHECK(std::string(created.error().detail).find("SIGBUS guard") != std::string::npos);
    CHECK(::access(new_path.c_str(), F_OK) != 0);
    auto attached = ShmRegion::attach(existing_path, request_ceiling, response_ceiling);
    REQUIRE_FALSE(attached);
    CHECK(attached.error() == Errc::limit_exceeded);

    // One slot free again is enough for the next region.
    taken.pop_back();
    CHECK(ShmRegion::attach(existing_path, request_ceiling, response_ceiling).has_value());
}

TEST_CASE("attach to a path that cannot be opened as a file is an OS error", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    REQUIRE(::mkdir(path.c_str(), 0700) == 0);
    auto attached = ShmRegion::attach(path, request_ceiling, response_ceiling);
    REQUIRE_FALSE(attached);
    CHECK(attached.error() == Errc::os_error);
    CHECK(attached.error().sys_errno == EISDIR);
    CHECK(std::string(attached.error().detail) == "opening the SHM region file failed");
    REQUIRE(::rmdir(path.c_str()) == 0);
}

TEST_CASE("the creator never removes a successor's file", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    auto region = create_region(path);
    REQUIRE(::unlink(path.c_str()) == 0);
    shm_test::write_file(path, {std::byte{7}});
    region.unlink();
    CHECK(shm_test::read_all(path).size() == 1);
}

TEST_CASE("an attached client sees the creator's header and never unlinks", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    auto server = create_region(path);
    {
        auto client = ShmRegion::attach(path, request_ceiling, response_ceiling);
        REQUIRE(client);
        CHECK(client->geometry() == server.geometry());
        CHECK(client->owner_pid() == ::getpid());
        CHECK(client->owner_generation() == server.owner_generation());
        CHECK_FALSE(client->is_owner());
    }
    CHECK(::access(path.c_str(), F_OK) == 0);
}

TEST_CASE("attach rejects every malformed region with its own error", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");

    SECTION("no file: not found") {
        CHECK(attach_error(path) == Errc::not_found);
    }
    SECTION("shorter than the header: not ready (retryable not_found)") {
        shm_test::write_file(path, std::vector<std::byte>(10));
        CHECK(attach_error(path) == Errc::not_found);
    }
    SECTION("sized but header not written yet: not ready (retryable not_found)") {
        shm_test::write_file(path, std::vector<std::byte>(region_size));
        CHECK(attach_error(path) == Errc::not_found);
    }
    SECTION("not a regular file") {
        REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
        CHECK(attach_error(path) == Errc::bad_layout);
    }
    SECTION("header fields") {
        auto server = create_region(path);
        SECTION("bad magic") {
            shm_test::patch<std::uint32_t>(path, 0, 0x4e53484e);
            CHECK(attach_error(path) == Errc::bad_magic);
        }
        SECTION("bad version") {
            shm_test::patch<std::uint16_t>(path, 4, 2);
            CHECK(attach_error(path) == Errc::bad_version);
        }
        SECTION("bad header_len") {
            shm_test::patch<std::uint16_t>(path, 6, 32);
            CHECK(attach_error(path) == Errc::bad_header_len);
        }
        SECTION("response area running past the end of the file") {
            shm_test::patch<std::uint32_t>(path, 24, 4288);
            CHECK(attach_error(path) == Errc::truncated);
        }
        SECTION("misaligned response offset") {
            shm_test::patch<std::uint32_t>(path, 24, 4200);
            CHECK(attach_error(path) == Errc::bad_layout);
        }
        SECTION("request offset inside the header") {
            shm_test::patch<std::uint32_t>(path, 16, 0);
            CHECK(attach_error(path) == Errc::bad_layout);
        }
        SECTION("overlapping areas") {
            shm_test::patch<std::uint32_t>(path, 24, 128);
            CHECK(attach_error(path) == Errc::bad_layout);
        }
        SECTION("request area smaller than the negotiated ceiling needs") {
            shm_test::patch<std::uint32_t>(path, 20, 4096);
            CHECK(attach_error(path) == Errc::bad_layout);
        }
        SECTION("larger negotiated ceilings than the region holds") {
            CHECK(attach_error(path, request_ceiling + 64, response_ceiling) == Errc::bad_layout);
            CHECK(attach_error(path, request_ceiling, response_ceiling + 64) == Errc::bad_layout);
        }
        SECTION("file shorter than its areas") {
            REQUIRE(::truncate(path.c_str(), static_cast<off_t>(region_size - 64)) == 0);
            CHECK(attach_error(path) == Errc::truncated);
        }
    }
}

TEST_CASE("attach accepts a region sized for larger ceilings than negotiated",
          "[transport][shm][interop]") {
    // A reference server makes its region from its configured maximums
    // before it reads HELLO; the client takes the areas from the header.
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    auto server = ShmRegion::create(path, 1U << 20U, response_ceiling);
    REQUIRE(server);
    auto client = ShmRegion::attach(path, 1024, 4096);
    REQUIRE(client);
    CHECK(client->geometry() == server->geometry());

    const auto request = message_of(1000, 3);
    REQUIRE(client->publish(ShmDirection::request, request));
    auto received = server->wait(ShmDirection::request, 0, Deadline::after(5000ms));
    REQUIRE(received);
    CHECK(copy_of(received->message) == request);

    // A file longer than its areas is fine too.
    REQUIRE(::truncate(path.c_str(), static_cast<off_t>(server->geometry().region_size + 4096))
            == 0);
    CHECK(ShmRegion::attach(path, 1024, 4096).has_value());
}

TEST_CASE("publish then wait returns the whole message in both directions", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    auto server = create_region(path);
    auto client = ShmRegion::attach(path, request_ceiling, response_ceiling);
    REQUIRE(client);

    const std::uint64_t seen_request = server.sequence(ShmDirection::request);
    const auto request = message_of(40, 1);
    const auto published = client->publish(ShmDirection::request, request);
    REQUIRE(published);
    CHECK(*published == seen_request + 1);
    const auto received = server.wait(ShmDirection::request, seen_request, Deadline::after(5000ms));
    REQUIRE(received);
    CHECK(received->seq == *published);
    CHECK(copy_of(received->message) == request);

    const auto response = message_of(65568, 9); // the largest that fits: 32 + 65536
    REQUIRE(server.publish(ShmDirection::response, response));
    const auto answer = client->wait(ShmDirection::response, 0, Deadline::after(5000ms));
    REQUIRE(answer);
    CHECK(answer->seq == 1);
    CHECK(copy_of(answer->message) == response);

    // The header's live fields, as the reference peers would read them.
    const auto bytes = shm_test::read_all(path);
    CHECK(shm_test::load_at<std::uint64_t>(bytes, 32) == 1); // req_seq
    CHECK(shm_test::load_at<std::uint64_t>(bytes, 40) == 1); // resp_seq
    CHECK(shm_test::load_at<std::uint32_t>(bytes, 48) == 40);
    CHECK(shm_test::load_at<std::uint32_t>(bytes, 52) == 65568);
    CHECK(shm_test::load_at<std::uint32_t>(bytes, 56) == 1);          // req_signal
    CHECK(shm_test::load_at<std::uint32_t>(bytes, 60) == 1);          // resp_signal
    CHECK(shm_test::load_at<std::uint32_t>(bytes, 64) == 0x04030201); // request area
}

TEST_CASE("a message larger than its area is refused", "[transport][shm]") {
    const TempDir dir;
    auto server = create_region(dir.file("svc-0000000000000001.ipcshm"));
    // The request area is 4160 bytes (32 + 4096 rounded up to 64).
    REQUIRE(server.publish(ShmDirection::request, message_of(4160, 0)));
    const auto too_big = server.publish(ShmDirection::request, message_of(4161, 0));
    REQUIRE_FALSE(too_big);
    CHECK(too_big.error() == Errc::limit_exceeded);
    const auto empty = server.publish(ShmDirection::request, netipc::wire::Bytes{});
    REQUIRE_FALSE(empty);
    CHECK(empty.error() == Errc::invalid_argument);
    CHECK(server.sequence(ShmDirection::request) == 1);
}

TEST_CASE("a published length beyond the area is a protocol violation", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    auto server = create_region(path);
    shm_test::patch<std::uint32_t>(path, 48, 4161); // req_len
    shm_test::patch<std::uint64_t>(path, 32, 1);    // req_seq
    const auto received = server.wait(ShmDirection::request, 0, Deadline::after(5000ms));
    REQUIRE_FALSE(received);
    CHECK(received.error() == Errc::protocol_violation);
}

TEST_CASE("a wait with nothing published times out", "[transport][shm]") {
    const TempDir dir;
    auto server = create_region(dir.file("svc-0000000000000001.ipcshm"));
    const auto expired = server.wait(ShmDirection::request, 0, Deadline::after(0ms));
    REQUIRE_FALSE(expired);
    CHECK(expired.error() == Errc::timeout);
    const auto short_wait = server.wait(ShmDirection::request, 0, Deadline::after(20ms));
    REQUIRE_FALSE(short_wait);
    CHECK(short_wait.error() == Errc::timeout);
}

TEST_CASE("a raised abort wins, before and during a wait", "[transport][shm]") {
    const TempDir dir;
    auto server = create_region(dir.file("svc-0000000000000001.ipcshm"));
    auto abort = AbortSignal::create();
    REQUIRE(abort);

    SECTION("already raised, even with a message ready") {
        REQUIRE(server.publish(ShmDirection::request, message_of(40, 0)));
        abort->raise();
        const auto result = server.wait(ShmDirection::request, 0, Deadline::never(), &*abort);
        REQUIRE_FALSE(result);
        CHECK(result.error() == Errc::aborted);
    }
    SECTION("raised from another thread while waiting") {
        netipc::Result<ShmMessageView> result = ShmMessageView{};
        {
            auto raiser = when_blocked([&] { abort->raise(); });
            result = server.wait(ShmDirection::request, 0, Deadline::never(), &*abort);
        }
        REQUIRE_FALSE(result);
        CHECK(result.error() == Errc::aborted);
    }
}

TEST_CASE("a client waiting on a region whose owner died is disconnected", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    auto server = create_region(path);
    shm_test::patch<std::int32_t>(path, 8, shm_test::dead_pid());
    auto client = ShmRegion::attach(path, request_ceiling, response_ceiling);
    REQUIRE(client);
    SECTION("without an abort signal") {
        const auto result = client->wait(ShmDirection::response, 0, Deadline::never());
        REQUIRE_FALSE(result);
        CHECK(result.error() == Errc::disconnected);
    }
    SECTION("with an abort signal, which shortens the slices") {
        auto abort = AbortSignal::create();
        REQUIRE(abort);
        const auto result = client->wait(ShmDirection::response, 0, Deadline::never(), &*abort);
        REQUIRE_FALSE(result);
        CHECK(result.error() == Errc::disconnected);
    }
    SECTION("with a deadline shorter than a slice") {
        // The sleep that reaches the deadline ran out too, so the owner is
        // checked before the wait gives up.
        auto patient = ShmRegion::attach(
            path, request_ceiling, response_ceiling,
            {.spin_tries = 0, .check_interval = 10ms, .owner_check_interval = 60s});
        REQUIRE(patient);
        const auto result = patient->wait(ShmDirection::response, 0, Deadline::after(500ms));
        REQUIRE_FALSE(result);
        CHECK(result.error() == Errc::disconnected);
    }
}

namespace {

// One side answers every request with the request's bytes reversed; the
// other checks each answer. `requester` and `responder` may be one region
// object or two mappings of the same file. Catch2 assertions are not
// thread-safe, so the threads only record outcomes; the test checks them
// after join().
void ping_pong(ShmRegion& requester, ShmRegion& responder, int rounds) {
    Errc server_error{};
    bool server_failed = false;
    // Read both starting points before either side can publish.
    const std::uint64_t seen_request = responder.sequence(ShmDirection::request);
    std::uint64_t seen = requester.sequence(ShmDirection::response);
    std::thread server([&, seen = seen_request]() mutable {
        for (int i = 0; i < rounds; ++i) {
            auto request = responder.wait(ShmDirection::request, seen, Deadline::after(30000ms));
            if (!request) {
                server_failed = true;
                server_error = request.error().code;
                return;
            }
            seen = request->seq;
            auto reply = copy_of(request->message);
            std::ranges::reverse(reply);
            if (auto published = responder.publish(ShmDirection::response, reply); !published) {
                server_failed = true;
                server_error = published.error().code;
                return;
            }
        }
    });
    int matched = 0;
    bool client_failed = false;
    for (int i = 0; i < rounds && !client_failed; ++i) {
        const auto request =
            message_of(32 + static_cast<std::size_t>(i % 200), static_cast<std::uint8_t>(i));
        if (!requester.publish(ShmDirection::request, request)) {
            client_failed = true;
            break;
        }
        auto response = requester.wait(ShmDirection::response, seen, Deadline::after(30000ms));
        if (!response) {
            client_failed = true;
            break;
        }
        seen = response->seq;
        auto expected = request;
        std::ranges::reverse(expected);
        matched += copy_of(response->message) == expected ? 1 : 0;
    }
    server.join();
    INFO("server error: " << netipc::to_string(server_error));
    CHECK_FALSE(server_failed);
    CHECK_FALSE(client_failed);
    CHECK(matched == rounds);
    CHECK(requester.sequence(ShmDirection::request) == static_cast<std::uint64_t>(rounds));
    CHECK(requester.sequence(ShmDirection::response) == static_cast<std::uint64_t>(rounds));
}

} // namespace

TEST_CASE("ping-pong across two threads through two mappings", "[transport][shm]") {
    const TempDir dir;
    const std::string path = dir.file("svc-0000000000000001.ipcshm");
    auto server = create_region(path);
    auto client = ShmRegion::attach(path, request_ceiling, response_ceiling);
    REQUIRE(client);
    ping_pong(*client, server, 1000);
}

TEST_CASE("ping-pong across two threads through one mapping", "[transport][shm]") {
    // Both threads use the same addresses, so ThreadSanitizer can check the
    // publication ordering (it cannot see that two mappings alias).
    const TempDir dir;
    auto region = create_region(dir.file("svc-0000000000000001.ipcshm"));
    ping_pong(region, region, 1000);
}

TEST_CASE("a waiter that sleeps on the futex is woken by a publish", "[transport][shm]") {
    const TempDir dir;
    auto region = ShmRegion::create(dir.file("svc-0000000000000001.ipcshm"), 64, 64,
                                    {.spin_tries = 0, .check_interval = 10ms});
    REQUIRE(region);
    bool published = false;
    netipc::Result<ShmMessageView> received = ShmMessageView{};
    {
        // Published only once this thread sleeps on the futex.
        auto publisher = when_blocked([&] {
            published = region->publish(ShmDirection::response, message_of(8, 3)).has_value();
        });
        received = region->wait(ShmDirection::response, 0, Deadline::never());
    }
    CHECK(published);
    REQUIRE(received);
    CHECK(copy_of(received->message) == message_of(8, 3));
}
