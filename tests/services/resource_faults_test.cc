// Resource faults at Level 2: a run directory that cannot take a session's
// SHM region (the file-size limit makes fallocate() fail, as a full
// filesystem would), and a process out of descriptors (RLIMIT_NOFILE) on
// the server's accept and on the client's connect. Each gives a clear error
// or a working fallback, and the server keeps serving once the resource is
// back. Limits are process-wide, so each is held by an RAII guard for as
// short a time as the test needs.
#include <sys/resource.h>

#include <chrono>
#include <latch>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "netipc/error.h"
#include "netipc/wire/constants.h"
#include "services/client.h"
#include "services/increment_service.h"
#include "services/managed_server.h"
#include "tests/services/service_handlers.h"
#include "tests/support/resource_limit.h"
#include "tests/support/server_stats.h"
#include "tests/support/temp_run_dir.h"
#include "tests/support/watchdog.h"

namespace {

using namespace std::chrono_literals;
using netipc::Errc;
using netipc::services::Client;
using netipc::services::ClientConfig;
using netipc::services::ClientState;
using netipc::services::IncrementService;
using netipc::services::ManagedServer;
using netipc::testing::Baseline;
using netipc::testing::DescriptorLimit;
using netipc::testing::Fast;
using netipc::testing::FileSizeLimit;
using netipc::testing::plus_one;
using netipc::testing::TempRunDir;
using netipc::testing::wait_for_stats;
using netipc::testing::Watchdog;
namespace profile = netipc::wire::profile;

bool mentions(const netipc::Error& error, const std::string& text) {
    return error.message().find(text) != std::string::npos;
}

} // namespace

TEST_CASE(
    "a server that cannot create a session's SHM region serves it on the baseline, and "
    "the client says why",
    "[services][faults][shm]") {
    TempRunDir dir;
    const auto address = dir.address("inc");
    auto server = ManagedServer<IncrementService, Fast>::start(address, {}, plus_one);
    REQUIRE(server);
    auto client = Client<IncrementService, Fast>::create(address);
    REQUIRE(client);
    {
        // The region (tens of KiB) cannot be reserved under a 4 KiB limit.
        const FileSizeLimit full(4096);
        REQUIRE(full.active());
        REQUIRE(client->refresh());
    }
    const auto status = client->status();
    REQUIRE(status.session.has_value());
    CHECK(status.session->selected_profile == profile::baseline);
    CHECK_FALSE(status.data_plane_dropped);
    REQUIRE(status.data_plane_unused.has_value());
    CHECK(status.data_plane_unused->code == Errc::shm_unavailable);
    CHECK(mentions(*status.data_plane_unused, "could not create the session's SHM region"));
    // The session works, and the failed region left no file behind.
    CHECK(client->call(41)->value == 42);
    CHECK(dir.entries() == std::vector<std::string>{"inc.sock"});

    // With room again, the next session gets shared memory.
    auto fresh = Client<IncrementService, Fast>::create(address);
    REQUIRE(fresh->refresh());
    CHECK(fresh->status().session->selected_profile == profile::shm_hybrid);
    CHECK_FALSE(fresh->status().data_plane_unused.has_value());
    CHECK(fresh->call(1)->value == 2);
    // The first client still runs on the baseline, unharmed.
    CHECK(client->call(2)->value == 3);
}

TEST_CASE("a client that chose the baseline itself reports no unused data plane",
          "[services][faults][shm]") {
    TempRunDir dir;
    const auto address = dir.address("inc");
    auto server = ManagedServer<IncrementService, Fast>::start(address, {}, plus_one);
    REQUIRE(server);
    auto client = Client<IncrementService, Fast>::create(
        address, ClientConfig{.profiles = profile::baseline});
    REQUIRE(client->refresh());
    CHECK(client->status().session->selected_profile == profile::baseline);
    CHECK_FALSE(client->status().data_plane_unused.has_value());
}

TEST_CASE("a client out of descriptors says which limit, and connects once it has them again",
          "[services][faults][emfile]") {
    TempRunDir dir;
    const auto address = dir.address("inc");
    auto server = ManagedServer<IncrementService, Baseline>::start(address, {}, plus_one);
    REQUIRE(server);
    auto client = Client<IncrementService, Baseline>::create(address);
    REQUIRE(client);
    auto refused = [&] {
        const DescriptorLimit none_left;
        REQUIRE(none_left.active());
        return client->refresh();
    }();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::os_error);
    CHECK(refused.error().sys_errno == EMFILE);
    CHECK(mentions(refused.error(), "RLIMIT_NOFILE"));
    CHECK(client->state() == ClientState::disconnected);

    REQUIRE(client->refresh());
    CHECK(client->call(41)->value == 42);
}

TEST_CASE(
    "a server out of descriptors on accept keeps its client queued and serves it once "
    "descriptors are free",
    "[services][faults][emfile]") {
    const Watchdog watchdog(120s, "the accept-at-EMFILE test");
    TempRunDir dir;
    const auto address = dir.address("inc");
    auto server = ManagedServer<IncrementService, Baseline>::start(address, {}, plus_one);
    REQUIRE(server);
    auto client =
        Client<IncrementService, Baseline>::create(address, ClientConfig{.connect_timeout = 120s});
    REQUIRE(client);

    // The connecting thread starts before the limit: under UBSan, creating
    // a thread checks its state object's vptr by probing the memory through
    // a pipe(), which fails at EMFILE and reads as an invalid object.
    std::optional<netipc::Result<void>> connected;
    std::latch limit_in_place(1);
    std::jthread connecting([&] {
        limit_in_place.wait();
        connected = client->refresh();
    });
    // One descriptor to spare: the client's socket takes it (the connect
    // comes first), so the server's accept meets EMFILE. The limit is set
    // once the acceptor waits in poll() with the next handshake's abort
    // signal already made, and the connecting thread waits on the latch
    // (DescriptorLimit waits for that), so nothing else takes or frees one.
    std::optional<DescriptorLimit> one_left(std::in_place, 1);
    limit_in_place.count_down(); // first: a failed REQUIRE must not leave the thread waiting
    REQUIRE(one_left->active());
    // A state to wait for (bounded by the watchdog): the acceptor has failed.
    wait_for_stats(**server, [](const auto& stats) { return stats.accept_failures > 0; });
    one_left.reset();
    connecting.join();

    REQUIRE(connected.has_value());
    INFO("refresh: " << (connected->has_value() ? "ok" : connected->error().detail) << " errno "
                     << (connected->has_value() ? 0 : connected->error().sys_errno));
    REQUIRE(connected->has_value());
    CHECK(client->call(41)->value == 42);
    const auto stats = (*server)->stats();
    CHECK(stats.accept_failures >= 1);
    CHECK(stats.sessions_accepted == 1);
    // And it keeps serving others.
    auto other = Client<IncrementService, Baseline>::create(address);
    REQUIRE(other->refresh());
    CHECK(other->call(1)->value == 2);
}

TEST_CASE("a client cannot be made without a descriptor for its abort signal, and says why",
          "[services][faults][emfile]") {
    TempRunDir dir;
    const auto address = dir.address("inc");
    // No Catch assertion while the limit is in place (see DescriptorLimit).
    bool limited = false;
    auto refused = [&] {
        const DescriptorLimit none_left;
        limited = none_left.active();
        return Client<IncrementService, Baseline>::create(address);
    }();
    REQUIRE(limited);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::os_error);
    CHECK(refused.error().sys_errno == EMFILE);
    CHECK(mentions(refused.error(), "RLIMIT_NOFILE"));
    // With descriptors back, the same address gives a client.
    CHECK(Client<IncrementService, Baseline>::create(address).has_value());
}
