// WinShmRegion on Windows (run under wine on Linux): create and attach by
// name, publish and wait in both profiles, and every way a wait ends besides
// a message (timeout, abort, interrupt, peer close, peer process end), plus
// the checks a client and a reader apply to what a peer wrote.
#include "transports/windows/win_shm_region.h"

#define WIN32_LEAN_AND_MEAN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/wire/constants.h"
#include "tests/support/result_assertions.h"
#include "transports/windows/unique_handle.h"
#include "transports/windows/win_shm_names.h"

using namespace std::chrono_literals;
using netipc::AbortSignal;
using netipc::Deadline;
using netipc::Errc;
using netipc::transports::win_shm_geometry;
using netipc::transports::win_shm_object_names;
using netipc::transports::WinShmObjectNames;
using netipc::transports::WinShmRegion;
using netipc::transports::WinShmRole;
using netipc::transports::WinShmWatch;
using netipc::transports::windows::UniqueHandle;
namespace profile = netipc::wire::profile;

namespace {

constexpr std::uint32_t request_ceiling = 1024;
constexpr std::uint32_t response_ceiling = 4096;

// Names no other test (or earlier run) uses: the process id and a counter.
WinShmObjectNames fresh_names(std::uint32_t selected_profile) {
    static std::atomic<std::uint64_t> next_session{1};
    auto names = win_shm_object_names({
        .run_dir = "netipc-test-" + std::to_string(GetCurrentProcessId()),
        .service = "region",
        .auth_token = 7,
        .profile = selected_profile,
        .session_id = next_session++,
    });
    REQUIRE(names);
    return *names;
}

WinShmRegion create(const WinShmObjectNames& names, std::uint32_t selected_profile) {
    auto geometry = win_shm_geometry(request_ceiling, response_ceiling);
    REQUIRE(geometry);
    auto region = WinShmRegion::create(names, selected_profile, *geometry);
    REQUIRE_OK(region);
    return std::move(*region);
}

WinShmRegion attach(const WinShmObjectNames& names, std::uint32_t selected_profile) {
    auto region = WinShmRegion::attach(names, selected_profile, request_ceiling, response_ceiling);
    REQUIRE_OK(region);
    return std::move(*region);
}

std::vector<std::byte> message_of(std::size_t size, std::uint8_t seed) {
    std::vector<std::byte> bytes(size);
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = std::byte(static_cast<std::uint8_t>(seed + i));
    }
    return bytes;
}

netipc::Result<std::uint64_t> publish(const WinShmRegion& region,
                                      const std::vector<std::byte>& message) {
    const std::array<netipc::wire::Bytes, 1> pieces{netipc::wire::Bytes(message)};
    return region.publish(pieces);
}

Deadline soon() {
    return Deadline::after(30s);
}

// The raw view of a region's mapping, as a misbehaving peer would write it.
class RawView {
public:
    explicit RawView(const WinShmObjectNames& names)
        : mapping_(OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, names.mapping.c_str())) {
        REQUIRE(mapping_);
        base_ =
            static_cast<std::byte*>(MapViewOfFile(mapping_.get(), FILE_MAP_ALL_ACCESS, 0, 0, 0));
        REQUIRE(base_ != nullptr);
    }
    RawView(const RawView&) = delete;
    RawView& operator=(const RawView&) = delete;
    ~RawView() { UnmapViewOfFile(base_); }

    template <class T>
    void store(std::size_t offset, T value) {
        std::atomic_ref<T>(*reinterpret_cast<T*>(base_ + offset)).store(value);
    }

private:
    UniqueHandle mapping_;
    std::byte* base_ = nullptr;
};

} // namespace

TEST_CASE("Windows SHM: a request and a response travel in both profiles", "[transport][winshm]") {
    const auto selected = GENERATE(profile::shm_hybrid, profile::shm_busywait);
    INFO("profile " << selected);
    const auto names = fresh_names(selected);
    auto server = create(names, selected);
    auto client = attach(names, selected);
    CHECK(server.role() == WinShmRole::server);
    CHECK(client.role() == WinShmRole::client);
    CHECK(client.geometry() == server.geometry());
    CHECK(client.spin_tries() == 1024);

    const auto request = message_of(request_ceiling + 32, 1);
    const auto response = message_of(response_ceiling + 32, 2);
    // Read before the client can publish: the server waits for what follows.
    const auto first_request = server.incoming_sequence();
    auto server_side = std::async(std::launch::async, [&] {
        auto received = server.wait(first_request, soon(), {});
        REQUIRE_OK(received);
        CHECK(std::equal(received->message.begin(), received->message.end(), request.begin(),
                         request.end()));
        REQUIRE_OK(publish(server, response));
    });
    const auto first_response = client.incoming_sequence();
    REQUIRE_OK(publish(client, request));
    auto answer = client.wait(first_response, soon(), {});
    REQUIRE_OK(answer);
    CHECK(answer->seq == first_response + 1);
    CHECK(std::equal(answer->message.begin(), answer->message.end(), response.begin(),
                     response.end()));
    server_side.get();
}

TEST_CASE("Windows SHM: a message larger than its area is refused before it is written",
          "[transport][winshm]") {
    const auto names = fresh_names(profile::shm_hybrid);
    auto server = create(names, profile::shm_hybrid);
    auto client = attach(names, profile::shm_hybrid);
    REQUIRE_ERRC(publish(client, message_of(request_ceiling + 32 + 64, 0)), Errc::limit_exceeded);
    REQUIRE_ERRC(publish(client, {}), Errc::invalid_argument);
    CHECK(server.incoming_sequence() == 0);
}

TEST_CASE("Windows SHM: a published length beyond the area's capacity is rejected, not read",
          "[transport][winshm]") {
    const auto selected = GENERATE(profile::shm_hybrid, profile::shm_busywait);
    const auto names = fresh_names(selected);
    auto server = create(names, selected);
    auto client = attach(names, selected);
    RawView peer(names);
    // What a broken client would do: a length past the request area, then
    // the sequence that publishes it.
    peer.store<std::uint32_t>(36, server.geometry().request_capacity + 1);
    peer.store<std::uint64_t>(64, 1);
    auto received = server.wait(0, soon(), {});
    REQUIRE_ERRC(received, Errc::protocol_violation);
    CHECK(std::string(received.error().detail).find("longer than its area") != std::string::npos);
}

TEST_CASE("Windows SHM: a client refuses objects that are missing or made for another profile",
          "[transport][winshm]") {
    const auto names = fresh_names(profile::shm_hybrid);
    REQUIRE_ERRC(
        WinShmRegion::attach(names, profile::shm_hybrid, request_ceiling, response_ceiling),
        Errc::not_found);
    auto server = create(names, profile::shm_hybrid);
    REQUIRE_ERRC(
        WinShmRegion::attach(names, profile::shm_busywait, request_ceiling, response_ceiling),
        Errc::unsupported);
    // Areas smaller than what the session agreed.
    REQUIRE_ERRC(
        WinShmRegion::attach(names, profile::shm_hybrid, request_ceiling * 2, response_ceiling),
        Errc::limit_exceeded);
}

TEST_CASE("Windows SHM: a client refuses a header whose areas end past the mapping",
          "[transport][winshm]") {
    const auto names = fresh_names(profile::shm_busywait);
    auto server = create(names, profile::shm_busywait);
    RawView squatter(names);
    squatter.store<std::uint32_t>(28, 1U << 30U); // response_capacity
    REQUIRE_ERRC(
        WinShmRegion::attach(names, profile::shm_busywait, request_ceiling, response_ceiling),
        Errc::bad_layout);
}

TEST_CASE("Windows SHM: a second region under the same names is refused", "[transport][winshm]") {
    const auto names = fresh_names(profile::shm_hybrid);
    auto server = create(names, profile::shm_hybrid);
    auto geometry = win_shm_geometry(request_ceiling, response_ceiling);
    REQUIRE(geometry);
    REQUIRE_ERRC(WinShmRegion::create(names, profile::shm_hybrid, *geometry), Errc::address_in_use);
    REQUIRE_ERRC(WinShmRegion::create(names, profile::baseline, *geometry), Errc::invalid_argument);
}

TEST_CASE("Windows SHM: a wait ends with the peer's close, in both profiles",
          "[transport][winshm]") {
    const auto selected = GENERATE(profile::shm_hybrid, profile::shm_busywait);
    INFO("profile " << selected);
    const auto names = fresh_names(selected);
    auto server = create(names, selected);
    auto client = attach(names, selected);
    // Whether the client closes before or during the wait, the wait ends
    // with the same error: the close flag is checked before every sleep and
    // the close sets the event the sleep is on.
    auto waiting = std::async(std::launch::async, [&] { return server.wait(0, soon(), {}); });
    client.close();
    auto ended = waiting.get();
    REQUIRE_ERRC(ended, Errc::disconnected);
    CHECK(std::string(ended.error().detail).find("peer closed") != std::string::npos);
    REQUIRE_ERRC(publish(server, message_of(64, 0)), Errc::disconnected);
}

TEST_CASE("Windows SHM: a message published just before the peer closes is still delivered",
          "[transport][winshm]") {
    // The close flag is checked after the sequence, and once more when it is
    // seen: a peer's last message is never lost to its close. (The race this
    // guards against, a reader that sees the flag before the sequence, cannot
    // be forced from outside; this pins the contract both orders must meet.)
    const auto selected = GENERATE(profile::shm_hybrid, profile::shm_busywait);
    INFO("profile " << selected);
    const auto names = fresh_names(selected);
    auto server = create(names, selected);
    auto client = attach(names, selected);
    auto waiting = std::async(std::launch::async, [&] { return server.wait(0, soon(), {}); });
    const auto last = message_of(100, 9);
    REQUIRE_OK(publish(client, last));
    client.close();
    auto received = waiting.get();
    REQUIRE_OK(received);
    CHECK(received->message.size() == last.size());
    REQUIRE_ERRC(server.wait(received->seq, soon(), {}), Errc::disconnected);
}

TEST_CASE("Windows SHM: the client's wait ends when the server closes", "[transport][winshm]") {
    const auto names = fresh_names(profile::shm_hybrid);
    auto server = create(names, profile::shm_hybrid);
    auto client = attach(names, profile::shm_hybrid);
    auto waiting = std::async(std::launch::async, [&] { return client.wait(0, soon(), {}); });
    server.close();
    REQUIRE_ERRC(waiting.get(), Errc::disconnected);
}

TEST_CASE("Windows SHM: a wait ends with its deadline, its abort and its interrupt event",
          "[transport][winshm]") {
    const auto selected = GENERATE(profile::shm_hybrid, profile::shm_busywait);
    INFO("profile " << selected);
    const auto names = fresh_names(selected);
    auto server = create(names, selected);
    auto client = attach(names, selected);

    REQUIRE_ERRC(server.wait(0, Deadline::after(20ms), {}), Errc::timeout);

    auto abort = AbortSignal::create();
    REQUIRE_OK(abort);
    auto aborted =
        std::async(std::launch::async, [&] { return server.wait(0, soon(), {.abort = &*abort}); });
    abort->raise();
    REQUIRE_ERRC(aborted.get(), Errc::aborted);

    UniqueHandle interrupt(CreateEventW(nullptr, TRUE, FALSE, nullptr));
    REQUIRE(interrupt);
    auto interrupted = std::async(std::launch::async, [&] {
        return server.wait(0, soon(), {.interrupt_event = interrupt.get()});
    });
    SetEvent(interrupt.get());
    REQUIRE_ERRC(interrupted.get(), Errc::disconnected);
}

TEST_CASE("Windows SHM: a wait ends when the peer's process ends", "[transport][winshm]") {
    const auto selected = GENERATE(profile::shm_hybrid, profile::shm_busywait);
    INFO("profile " << selected);
    const auto names = fresh_names(selected);
    auto server = create(names, selected);
    auto client = attach(names, selected);
    // A child that stands in for the peer: it ends by itself, and the wait
    // must notice without the region's close flag ever being set.
    std::wstring command = L"cmd.exe /c exit 0";
    STARTUPINFOW startup{};
    startup.cb = sizeof(startup);
    PROCESS_INFORMATION child{};
    REQUIRE(CreateProcessW(nullptr, command.data(), nullptr, nullptr, FALSE, CREATE_NO_WINDOW,
                           nullptr, nullptr, &startup, &child)
            != 0);
    UniqueHandle process(child.hProcess);
    UniqueHandle thread(child.hThread);
    auto ended = server.wait(0, soon(), {.peer_process = process.get()});
    REQUIRE_ERRC(ended, Errc::disconnected);
    INFO("detail: " << ended.error().detail);
    CHECK(std::string(ended.error().detail).find("peer process") != std::string::npos);
}
