// Load at the session limit: a ManagedServer serving max_sessions clients
// while many more knock. Excess clients wait in the listen backlog (or get
// a clear Errc::timeout when their own deadline ends first), nobody
// crashes, the server never serves more than max_sessions at once, and
// every session that ends lets exactly one waiting client in.
//
// Ordered by events only: the knockers report being served through a
// condition variable, and the test ends sessions one at a time and waits
// for the effect. Deadlines are generous bounds (a Watchdog turns a hang
// into a message), never what is asserted.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "services/client.h"
#include "services/increment_service.h"
#include "services/managed_server.h"
#include "tests/services/service_handlers.h"
#include "tests/support/blocked_thread.h"
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
using netipc::services::ServerConfig;
using netipc::testing::Baseline;
using netipc::testing::Fast;
using netipc::testing::plus_one;
using netipc::testing::TempRunDir;
using netipc::testing::wait_for_stats;
using netipc::testing::Watchdog;

constexpr std::uint32_t max_sessions = 3;
constexpr int knockers = 9;

// What the knocking clients have done, shared with the test thread.
class Knocks {
public:
    void served(bool answered_right) {
        {
            const std::lock_guard lock(mutex_);
            ++served_;
            ++holding_;
            max_holding_ = std::max(max_holding_, holding_);
            wrong_answers_ += answered_right ? 0 : 1;
        }
        changed_.notify_all();
    }
    // Called BEFORE the session closes: the server still counts it, so
    // `holding` never runs ahead of the server's own count.
    void leaving() {
        const std::lock_guard lock(mutex_);
        --holding_;
    }
    void failed() {
        {
            const std::lock_guard lock(mutex_);
            ++failed_;
        }
        changed_.notify_all();
    }
    // Served knockers close their sessions once this is called.
    void release_all() {
        {
            const std::lock_guard lock(mutex_);
            released_ = true;
        }
        changed_.notify_all();
    }
    void wait_for_release() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return released_; });
    }
    void wait_until_served(int count) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return served_ >= count || failed_ > 0; });
    }
    [[nodiscard]] int served() const {
        const std::lock_guard lock(mutex_);
        return served_;
    }
    [[nodiscard]] int failed_count() const {
        const std::lock_guard lock(mutex_);
        return failed_;
    }
    [[nodiscard]] int max_holding() const {
        const std::lock_guard lock(mutex_);
        return max_holding_;
    }
    [[nodiscard]] int wrong_answers() const {
        const std::lock_guard lock(mutex_);
        return wrong_answers_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    int served_ = 0;
    int holding_ = 0;
    int max_holding_ = 0;
    int failed_ = 0;
    int wrong_answers_ = 0;
    bool released_ = false;
};

} // namespace

TEMPLATE_TEST_CASE(
    "at max_sessions, excess clients wait or time out clearly, and each freed "
    "session serves one waiting client",
    "[services][server][load]", Baseline, Fast) {
    const Watchdog watchdog(200s, "the session-limit load test");
    TempRunDir dir;
    const auto address = dir.address("inc");
    auto server = ManagedServer<IncrementService, TestType>::start(
        address, ServerConfig{.max_sessions = max_sessions}, plus_one);
    REQUIRE(server);

    // Every slot taken by a live session.
    std::vector<Client<IncrementService, TestType>> holders;
    for (std::uint32_t i = 0; i < max_sessions; ++i) {
        auto holder = Client<IncrementService, TestType>::create(address);
        REQUIRE(holder);
        REQUIRE(holder->refresh());
        REQUIRE(holder->call(i)->value == i + 1);
        holders.push_back(std::move(*holder));
    }
    REQUIRE((*server)->stats().sessions_active == max_sessions);

    // Knockers: patient clients (a deadline far beyond the test's needs).
    Knocks knocks;
    std::vector<std::jthread> threads;
    std::vector<pid_t> knocker_ids(knockers);
    std::mutex ids_mutex;
    std::condition_variable ids_ready;
    int ids_known = 0;
    for (int k = 0; k < knockers; ++k) {
        threads.emplace_back([&, k] {
            {
                const std::lock_guard lock(ids_mutex);
                knocker_ids[k] = netipc::testing::this_thread_id();
                ++ids_known;
            }
            ids_ready.notify_all();
            auto client = Client<IncrementService, TestType>::create(
                address, ClientConfig{.call_timeout = 120s, .connect_timeout = 120s});
            if (!client || !client->refresh()) {
                knocks.failed();
                return;
            }
            const auto value = static_cast<std::uint64_t>(1000 + k);
            auto answer = client->call(value);
            knocks.served(answer && answer->value == value + 1);
            knocks.wait_for_release();
            knocks.leaving();
            client->close();
        });
    }
    // Declared after the threads, so destroyed (releasing every knocker)
    // before they are joined, also when an assertion ends the test early.
    struct ReleaseOnExit {
        explicit ReleaseOnExit(Knocks& to_release) : knocks(to_release) {}
        Knocks& knocks;
        ReleaseOnExit(const ReleaseOnExit&) = delete;
        ReleaseOnExit& operator=(const ReleaseOnExit&) = delete;
        ReleaseOnExit(ReleaseOnExit&&) = delete;
        ReleaseOnExit& operator=(ReleaseOnExit&&) = delete;
        ~ReleaseOnExit() { knocks.release_all(); }
    } const release_on_exit{knocks};
    {
        std::unique_lock lock(ids_mutex);
        ids_ready.wait(lock, [&] { return ids_known == knockers; });
    }
    // Coverage only: let every knocker reach its wait (connect or HELLO_ACK).
    for (const pid_t id : knocker_ids) {
        netipc::testing::wait_until_blocked(id);
    }
    // No slot is free, so nobody can have been let in.
    CHECK(knocks.served() == 0);
    CHECK((*server)->stats().sessions_active == max_sessions);

    // An impatient client: a short deadline of its own, and a clear error.
    auto impatient =
        Client<IncrementService, TestType>::create(address, ClientConfig{.connect_timeout = 300ms});
    REQUIRE(impatient);
    auto refused = impatient->refresh();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::timeout);
    CHECK(impatient->state() == ClientState::disconnected);
    CHECK(knocks.served() == 0);

    // Each session that ends lets exactly one waiting client in.
    for (std::uint32_t released = 1; released <= max_sessions; ++released) {
        holders[released - 1].close();
        knocks.wait_until_served(static_cast<int>(released));
        REQUIRE(knocks.failed_count() == 0);
        // The other slots are still held: nobody else could get in.
        CHECK(knocks.served() == static_cast<int>(released));
        CHECK((*server)->stats().sessions_active <= max_sessions);
    }

    // The rest are served as the served ones leave.
    knocks.release_all();
    knocks.wait_until_served(knockers);
    threads.clear(); // joins: every knocker closed its session
    CHECK(knocks.failed_count() == 0);
    CHECK(knocks.served() == knockers);
    CHECK(knocks.wrong_answers() == 0);
    CHECK(knocks.max_holding() <= static_cast<int>(max_sessions));

    // The impatient client's abandoned connection was taken from the
    // backlog in its turn and failed its handshake without harm.
    wait_for_stats(**server, [](const auto& stats) { return stats.handshakes_failed >= 1; });
    const auto stats = (*server)->stats();
    CHECK(stats.sessions_accepted == max_sessions + knockers);
    CHECK(stats.handshakes_failed == 1);
    CHECK(stats.sessions_failed == 0);

    // The server still serves, and the impatient client gets in now.
    REQUIRE(impatient->refresh());
    CHECK(impatient->call(41)->value == 42);
}
