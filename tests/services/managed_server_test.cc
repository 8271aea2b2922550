// ManagedServer: many concurrent clients, batch dispatch order, hostile and
// malformed clients (also silent ones: handshake eviction and timeout), the
// session limit, and a shutdown that joins every
// thread and leaves no file behind.
#include "services/managed_server.h"

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "framing/nipc.h"
#include "services/client.h"
#include "services/increment_service.h"
#include "services/string_reverse_service.h"
#include "sessions/session.h"
#include "tests/services/service_handlers.h"
#include "tests/support/server_stats.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/uds_seqpacket.h"

namespace {

using namespace std::chrono_literals;
using netipc::Deadline;
using netipc::Errc;
using netipc::Result;
using netipc::codecs::IncrementBuilder;
using netipc::codecs::IncrementView;
using netipc::services::Client;
using netipc::services::ClientConfig;
using netipc::services::ClientState;
using netipc::services::IncrementService;
using netipc::services::ManagedServer;
using netipc::services::ServerConfig;
using netipc::services::StringReverseService;
using netipc::testing::Baseline;
using netipc::testing::Fast;
using netipc::testing::plus_one;
using netipc::testing::reverse;
using netipc::testing::TempRunDir;
using netipc::testing::wait_for_stats;
namespace fs = std::filesystem;

// The server counts a message after answering it, so a client can see the
// answer before the count moves: wait for it to catch up.
template <class Server>
std::uint64_t served_count(const Server& server, std::uint64_t expected) {
    // No bound of its own: a count that never comes is the test's timeout.
    while (server.stats().requests_served < expected) {
        std::this_thread::sleep_for(1ms);
    }
    return server.stats().requests_served;
}

std::vector<std::string> files_in(const TempRunDir& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        names.push_back(entry.path().filename().string());
    }
    return names;
}

} // namespace

TEMPLATE_TEST_CASE("many concurrent clients are each answered correctly", "[services][server]",
                   Baseline, Fast) {
    TempRunDir dir;
    auto server =
        ManagedServer<IncrementService, TestType>::start(dir.address("inc"), {}, plus_one);
    REQUIRE(server);
    constexpr int clients = 8;
    constexpr int calls = 300;
    std::atomic<int> wrong{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    threads.reserve(clients);
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            auto client = Client<IncrementService, TestType>::create(dir.address("inc"));
            if (!client || !client->refresh()) {
                ++failed;
                return;
            }
            for (int i = 0; i < calls; ++i) {
                const std::uint64_t value = (static_cast<std::uint64_t>(c) << 32U) + i;
                auto answer = client->call(value);
                if (!answer) {
                    ++failed;
                } else if (answer->value != value + 1) {
                    ++wrong;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(failed == 0);
    CHECK(wrong == 0);
    CHECK(served_count(**server, clients * calls) == clients * calls);
    const auto stats = (*server)->stats();
    CHECK(stats.sessions_accepted == clients);
    CHECK(stats.sessions_failed == 0);
}

TEMPLATE_TEST_CASE("batches are dispatched item by item and answered in order",
                   "[services][server][batch]", Baseline, Fast) {
    TempRunDir dir;
    auto server =
        ManagedServer<StringReverseService, TestType>::start(dir.address("rev"), {}, reverse);
    REQUIRE(server);
    auto client = Client<StringReverseService, TestType>::create(
        dir.address("rev"), ClientConfig{.request_payload_bytes = 8192, .batch_items = 64});
    REQUIRE(client);
    REQUIRE(client->refresh());

    std::vector<std::string> texts;
    texts.reserve(50);
    for (int i = 0; i < 50; ++i) {
        texts.push_back("item-" + std::to_string(i) + std::string(i, '.'));
    }
    const std::vector<std::string_view> requests(texts.begin(), texts.end());
    auto answers = client->call_batch(requests);
    REQUIRE(answers);
    REQUIRE(answers->size() == texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
        CHECK((*answers)[i].text == std::string(texts[i].rbegin(), texts[i].rend()));
    }
    // Single and batch messages mix freely on one session.
    CHECK(client->call("abc")->text == "cba");
    auto again = client->call_batch(std::vector<std::string_view>{"xy", "z"});
    REQUIRE(again);
    CHECK((*again)[0].text == "yx");
    CHECK((*again)[1].text == "z");
    CHECK(client->status().counters.resizes == 0); // batch intent provisioned up front
    CHECK(served_count(**server, 3) == 3);
}

TEST_CASE("a failing item fails the whole batch with INTERNAL_ERROR", "[services][server]") {
    TempRunDir dir;
    auto picky = [](const IncrementView& request, IncrementBuilder& out) -> Result<void> {
        if (request.value == 3) {
            return netipc::fail(Errc::invalid_argument, "no threes");
        }
        out.set(request.value * 10);
        return {};
    };
    auto server = ManagedServer<IncrementService, Baseline>::start(dir.address("inc"), {}, picky);
    REQUIRE(server);
    auto client = Client<IncrementService, Baseline>::create(dir.address("inc"),
                                                             ClientConfig{.batch_items = 8});
    REQUIRE(client->refresh());
    const std::vector<std::uint64_t> good{1, 2, 4};
    auto answers = client->call_batch(good);
    REQUIRE(answers);
    CHECK((*answers)[2].value == 40);
    const std::vector<std::uint64_t> bad{1, 2, 3, 4};
    auto refused = client->call_batch(bad);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::internal);
    CHECK((*server)->stats().handler_failures >= 1);
}

TEST_CASE("a hostile client only ends its own session", "[services][server][hostile]") {
    TempRunDir dir;
    auto server =
        ManagedServer<IncrementService, Baseline>::start(dir.address("inc"), {}, plus_one);
    REQUIRE(server);
    auto good = Client<IncrementService, Baseline>::create(dir.address("inc"));
    REQUIRE(good->refresh());

    SECTION("garbage instead of a HELLO") {
        auto raw = Baseline::connect(dir.address("inc"), Deadline::after(1s));
        REQUIRE(raw);
        const std::array<std::byte, 40> junk{std::byte{0xde}, std::byte{0xad}};
        const std::array<netipc::wire::Bytes, 1> pieces{netipc::wire::Bytes(junk)};
        REQUIRE(raw->send_packet(pieces, Deadline::after(1s)));
        std::array<std::byte, 64> answer{};
        auto got = raw->receive_packet(answer, Deadline::after(5s), nullptr);
        REQUIRE_FALSE(got);
        CHECK(got.error().code == Errc::disconnected);
    }
    SECTION("a malformed message after a good handshake") {
        auto session =
            netipc::Session<Baseline, netipc::framing::Nipc, netipc::codecs::Increment>::connect(
                dir.address("inc"), {}, Deadline::after(1s));
        REQUIRE(session);
        std::array<std::byte, 40> junk{};
        junk.fill(std::byte{0x5a});
        const std::array<netipc::wire::Bytes, 1> pieces{netipc::wire::Bytes(junk)};
        REQUIRE(session->connection().send_packet(pieces, Deadline::after(1s)));
        auto answer = session->receive(Deadline::after(5s));
        REQUIRE_FALSE(answer);
        CHECK(answer.error().code == Errc::disconnected);
    }
    SECTION("a client that connects and says nothing") {
        auto raw = Baseline::connect(dir.address("inc"), Deadline::after(1s));
        REQUIRE(raw);
        CHECK(good->call(1)->value == 2); // served meanwhile by another worker
    }
    CHECK(good->call(41)->value == 42);
    auto other = Client<IncrementService, Baseline>::create(dir.address("inc"));
    REQUIRE(other->refresh());
    CHECK(other->call(1)->value == 2);
}

TEST_CASE("clients beyond max_sessions wait for a free session", "[services][server]") {
    TempRunDir dir;
    auto server = ManagedServer<IncrementService, Baseline>::start(
        dir.address("inc"), ServerConfig{.max_sessions = 1}, plus_one);
    REQUIRE(server);
    auto first = Client<IncrementService, Baseline>::create(dir.address("inc"));
    REQUIRE(first->refresh());
    auto second = Client<IncrementService, Baseline>::create(
        dir.address("inc"), ClientConfig{.connect_timeout = 200ms});
    (void)second->refresh(); // the handshake waits for a worker, and times out
    CHECK(second->state() == ClientState::disconnected);
    CHECK(second->status().last_error->code == Errc::timeout);
    first->close();
    // The server notices the first session end, then takes the next one.
    bool ready = false;
    for (int attempt = 0; attempt < 50 && !ready; ++attempt) {
        (void)second->refresh();
        ready = second->ready();
    }
    REQUIRE(ready);
    CHECK(second->call(1)->value == 2);
}

TEST_CASE("clients that never say HELLO cannot keep a real client out",
          "[services][server][hostile]") {
    // A handshake timeout far beyond anything the test waits for: the real
    // client can only be served because a silent handshake was evicted, not
    // because one timed out.
    TempRunDir dir;
    auto server = ManagedServer<IncrementService, Baseline>::start(
        dir.address("inc"), ServerConfig{.max_sessions = 2, .handshake_timeout = 600s}, plus_one);
    REQUIRE(server);
    std::vector<Baseline::Connection> silent;
    for (int i = 0; i < 6; ++i) {
        auto raw = Baseline::connect(dir.address("inc"), Deadline::after(30s));
        REQUIRE(raw);
        silent.push_back(std::move(*raw));
    }
    // Every worker is now held by a silent handshake.
    wait_for_stats(**server, [](const auto& stats) { return stats.handshakes_pending == 2; });

    auto real = Client<IncrementService, Baseline>::create(dir.address("inc"),
                                                           ClientConfig{.connect_timeout = 60s});
    REQUIRE(real->refresh());
    CHECK(real->call(41)->value == 42);
    // Served while the silent ones are still connected (and this one still
    // holds a worker of its own).
    CHECK(silent.size() == 6);
    const auto stats = (*server)->stats();
    CHECK(stats.sessions_active == 1);
    CHECK(stats.handshakes_failed >= 1);
    CHECK(stats.handshakes_pending <= 1);

    // An evicted silent client sees its connection closed.
    std::array<std::byte, 64> buffer{};
    auto first = silent.front().receive_packet(buffer, Deadline::after(60s), nullptr);
    REQUIRE_FALSE(first);
    CHECK(first.error().code == Errc::disconnected);
}

TEST_CASE("a client that never says HELLO is closed after the handshake timeout",
          "[services][server][hostile]") {
    TempRunDir dir;
    auto server = ManagedServer<IncrementService, Baseline>::start(
        dir.address("inc"), ServerConfig{.handshake_timeout = 50ms}, plus_one);
    REQUIRE(server);
    auto silent = Baseline::connect(dir.address("inc"), Deadline::after(30s));
    REQUIRE(silent);
    std::array<std::byte, 64> buffer{};
    // No eviction here (63 workers are free): only the timeout ends it.
    auto got = silent->receive_packet(buffer, Deadline::after(60s), nullptr);
    REQUIRE_FALSE(got);
    CHECK(got.error().code == Errc::disconnected);
    wait_for_stats(**server, [](const auto& stats) { return stats.handshakes_failed == 1; });
    CHECK((*server)->stats().handshakes_pending == 0);
    CHECK((*server)->stats().sessions_accepted == 0);

    auto real = Client<IncrementService, Baseline>::create(dir.address("inc"));
    REQUIRE(real->refresh());
    CHECK(real->call(1)->value == 2);
}

TEMPLATE_TEST_CASE("stop joins every session and removes every endpoint file",
                   "[services][server][shutdown]", Baseline, Fast) {
    TempRunDir dir;
    auto server =
        ManagedServer<IncrementService, TestType>::start(dir.address("inc"), {}, plus_one);
    REQUIRE(server);
    std::vector<Client<IncrementService, TestType>> clients;
    for (int i = 0; i < 4; ++i) {
        auto client = Client<IncrementService, TestType>::create(dir.address("inc"));
        REQUIRE(client->refresh());
        REQUIRE(client->call(i)->value == static_cast<std::uint64_t>(i) + 1);
        clients.push_back(std::move(*client));
    }
    CHECK_FALSE(files_in(dir).empty());
    (*server)->stop();
    CHECK(files_in(dir).empty());
    CHECK((*server)->stats().sessions_active == 0);
    (*server)->stop(); // idempotent
    auto after = clients.front().call(1);
    REQUIRE_FALSE(after);
    CHECK(clients.front().state() == ClientState::not_found);
}

TEST_CASE("stop wakes a session blocked sending to a client that never reads",
          "[services][server][shutdown]") {
    TempRunDir dir;
    auto server =
        ManagedServer<IncrementService, Baseline>::start(dir.address("inc"), {}, plus_one);
    REQUIRE(server);
    auto session =
        netipc::Session<Baseline, netipc::framing::Nipc, netipc::codecs::Increment>::connect(
            dir.address("inc"), {}, Deadline::after(1s));
    REQUIRE(session);
    // Pipeline requests without reading answers until both directions are
    // full: the server's worker is then blocked sending.
    std::array<std::byte, 8> payload{};
    int sent = 0;
    for (std::uint64_t id = 1; id < 1'000'000; ++id) {
        auto header = netipc::wire::make_request_header(netipc::wire::MethodCode::increment, id, 8);
        if (!session->send(header, payload, Deadline::after(100ms))) {
            break;
        }
        ++sent;
    }
    REQUIRE(sent > 0);
    (*server)->stop(); // must return
    CHECK(files_in(dir).empty());
}

TEST_CASE("a second server on a live endpoint is refused", "[services][server]") {
    TempRunDir dir;
    auto first = ManagedServer<IncrementService, Baseline>::start(dir.address("inc"), {}, plus_one);
    REQUIRE(first);
    auto second =
        ManagedServer<IncrementService, Baseline>::start(dir.address("inc"), {}, plus_one);
    REQUIRE_FALSE(second);
    CHECK(second.error().code == Errc::address_in_use);
}
