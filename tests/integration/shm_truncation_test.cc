// A session's SHM region file truncated under it (`truncate -s 0` by anyone
// who can write the run directory) ends that session only, with
// Errc::disconnected naming the region, on whichever side touches it first;
// the process (here: both ends) and the server's other sessions go on.
// Without the SIGBUS guard (netipc/posix/sigbus_guard.h) this test process
// would die of SIGBUS.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include <catch2/catch.hpp>

#include "codecs/increment.h"
#include "framing/nipc.h"
#include "services/handshake_configs.h"
#include "services/increment_service.h"
#include "services/managed_server.h"
#include "sessions/session.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/endpoint.h"
#include "transports/posix/shm_hybrid.h"
#include "transports/posix/uds_seqpacket.h"

namespace {

using namespace std::chrono_literals;
using netipc::Deadline;
using netipc::Errc;
using netipc::services::IncrementService;
using netipc::services::ManagedServer;
using netipc::testing::TempRunDir;
using Hybrid = netipc::transports::ShmHybrid<netipc::transports::UdsSeqpacket>;
using ShmSession = netipc::Session<Hybrid, netipc::framing::Nipc, netipc::codecs::Increment>;
using Server = ManagedServer<IncrementService, Hybrid>;

Deadline soon() {
    return Deadline::after(30s);
}

std::uint64_t plus_one(const netipc::codecs::IncrementView& request) {
    return request.value + 1;
}

// An SHM session to the server, checked to really run over its region.
ShmSession connect(const TempRunDir& dir) {
    netipc::services::ClientConfig config;
    const auto handshake = netipc::services::client_handshake_config(
        config, netipc::services::initial_proposal(config), Hybrid::profile_bits);
    auto session = ShmSession::connect(dir.address("inc"), handshake, soon());
    REQUIRE(session);
    REQUIRE(session->data_plane_active());
    return std::move(*session);
}

std::uint64_t call(ShmSession& session, std::uint64_t value) {
    auto answer = session.call(value, soon());
    REQUIRE(answer);
    return answer->value;
}

// Truncates the region of session `session_id` (ids count from 1).
void truncate_region(const TempRunDir& dir, std::uint64_t session_id) {
    const auto path = netipc::transports::shm_path(dir.address("inc"), session_id);
    REQUIRE(path);
    REQUIRE(::truncate(path->c_str(), 0) == 0);
}

// Waits (no bound of its own: the test's timeout is) until `done(stats)`.
template <class Done>
void wait_for_stats(const Server& server, Done done) {
    while (!done(server.stats())) {
        std::this_thread::sleep_for(1ms);
    }
}

// A server and two working SHM sessions: the victim (session 1, whose
// region a test truncates) and another.
struct TwoSessions {
    TempRunDir dir;
    std::unique_ptr<Server> server = start(dir);
    ShmSession victim = connect(dir);
    ShmSession other = connect(dir);

    TwoSessions() {
        CHECK(call(victim, 1) == 2);
        CHECK(call(other, 10) == 11);
    }

    static std::unique_ptr<Server> start(const TempRunDir& dir) {
        auto server = Server::start(dir.address("inc"), {}, plus_one);
        REQUIRE(server);
        return std::move(*server);
    }
};

} // namespace

TEST_CASE("a region truncated under a client ends that session only", "[shm][sigbus]") {
    TwoSessions fixture;
    auto& [dir, server, victim, other] = fixture;

    truncate_region(dir, 1);
    // The client's request is written into the truncated region: that
    // access faults, the guard absorbs it, and the call fails.
    auto lost = victim.call(2, soon());
    REQUIRE_FALSE(lost);
    CHECK(lost.error().code == Errc::disconnected);
    CHECK(std::string_view(lost.error().detail).find("SHM region") != std::string_view::npos);
    // And so does every later call of that session.
    auto again = victim.call(3, soon());
    REQUIRE_FALSE(again);
    CHECK(again.error().code == Errc::disconnected);

    // The other session, and new ones, go on.
    CHECK(call(other, 20) == 21);
    auto fresh = connect(dir);
    CHECK(call(fresh, 30) == 31);
    // The server closed the victim's session (its side faulted too, or it
    // saw the client leave).
    wait_for_stats(*server, [](const auto& stats) { return stats.sessions_active == 2; });
}

TEST_CASE("a region truncated under a server ends that session only", "[shm][sigbus]") {
    TwoSessions fixture;
    auto& [dir, server, victim, other] = fixture;

    // The victim's client stays idle: only the server's worker, waiting for
    // the next request, touches the region, faults, and ends the session.
    truncate_region(dir, 1);
    wait_for_stats(*server, [](const auto& stats) { return stats.sessions_active == 1; });
    CHECK(call(other, 20) == 21);

    // The victim's client learns it on its next call.
    auto lost = victim.call(2, soon());
    REQUIRE_FALSE(lost);
    CHECK(lost.error().code == Errc::disconnected);

    auto fresh = connect(dir);
    CHECK(call(fresh, 30) == 31);
}
