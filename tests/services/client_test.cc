// Level 2 client lifecycle, retry, timeout, abort and resize rules, against
// a real ManagedServer over the baseline socket and over SHM.
#include "services/client.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "services/increment_service.h"
#include "services/managed_server.h"
#include "services/string_reverse_service.h"
#include "tests/services/service_handlers.h"
#include "tests/support/hand_handshake.h"
#include "tests/support/peek_hello.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/uds_seqpacket.h"

namespace {

using namespace std::chrono_literals;
using netipc::Errc;
using netipc::Result;
using netipc::codecs::IncrementView;
using netipc::services::Client;
using netipc::services::ClientConfig;
using netipc::services::ClientState;
using netipc::services::IncrementService;
using netipc::services::ManagedServer;
using netipc::services::ServerConfig;
using netipc::services::StringReverseService;
using netipc::testing::Baseline;
using netipc::testing::plus_one;
using netipc::testing::reverse;
using netipc::testing::TempRunDir;
namespace profile = netipc::wire::profile;

template <class Transport>
auto start_increment(const TempRunDir& dir, const ServerConfig& config = {}) {
    auto server =
        ManagedServer<IncrementService, Transport>::start(dir.address("inc"), config, plus_one);
    REQUIRE(server);
    return std::move(*server);
}

template <class Transport>
auto make_increment_client(const TempRunDir& dir, ClientConfig config = {}) {
    auto client = Client<IncrementService, Transport>::create(dir.address("inc"), config);
    REQUIRE(client);
    return std::move(*client);
}

} // namespace

TEMPLATE_TEST_CASE("a client is created without a provider and connects on refresh",
                   "[services][client]", Baseline, netipc::transports::DefaultTransport) {
    TempRunDir dir;
    auto client = make_increment_client<TestType>(dir);
    CHECK(client.state() == ClientState::disconnected);
    CHECK_FALSE(client.ready());

    SECTION("a call before refresh fails at once, without I/O") {
        auto answer = client.call(1);
        REQUIRE_FALSE(answer);
        CHECK(answer.error().code == Errc::not_ready);
        CHECK(client.status().counters.connects == 0);
    }
    SECTION("refresh with nothing listening fails with NOT_FOUND, each time") {
        auto first = client.refresh();
        REQUIRE_FALSE(first);
        CHECK(first.error().code == Errc::not_found);
        CHECK(client.state() == ClientState::not_found);
        auto second = client.refresh();
        REQUIRE_FALSE(second);
        CHECK(second.error().code == Errc::not_found);
        CHECK(client.state() == ClientState::not_found);
        CHECK(client.status().counters.connect_failures == 2);
    }
    SECTION("the provider appears later") {
        REQUIRE_FALSE(client.refresh());
        auto server = start_increment<TestType>(dir);
        REQUIRE(client.refresh());
        CHECK(client.ready());
        CHECK(client.refresh()); // ready: nothing to do, still fine
        auto answer = client.call(41);
        REQUIRE(answer);
        CHECK(answer->value == 42);
        const auto status = client.status();
        CHECK(status.counters.connects == 1);
        CHECK(status.counters.reconnects == 0);
        CHECK(status.counters.calls == 1);
        CHECK(status.counters.call_failures == 0);
        REQUIRE(status.session);
        CHECK(status.session->session_id == 1);
        CHECK(status.session->selected_profile
              == (TestType::profile_bits & profile::shm_hybrid ? profile::shm_hybrid
                                                               : profile::baseline));
    }
}

TEST_CASE("a client can be kept off shared memory by configuration", "[services][client]") {
    TempRunDir dir;
    auto server = start_increment<netipc::transports::DefaultTransport>(dir);
    auto client = make_increment_client<netipc::transports::DefaultTransport>(
        dir, ClientConfig{.profiles = profile::baseline});
    REQUIRE(client.refresh());
    REQUIRE(client.ready());
    CHECK(client.status().session->selected_profile == profile::baseline);
    CHECK(client.call(1)->value == 2);
}

TEST_CASE("handshake refusals map to distinct client states", "[services][client]") {
    TempRunDir dir;
    SECTION("wrong token: AUTH_FAILED") {
        auto server = start_increment<Baseline>(dir, ServerConfig{.auth_token = 7});
        auto client = make_increment_client<Baseline>(dir, ClientConfig{.auth_token = 8});
        REQUIRE_FALSE(client.refresh());
        CHECK(client.state() == ClientState::auth_failed);
        REQUIRE(client.status().last_error);
        CHECK(client.status().last_error->code == Errc::auth_failed);
        auto answer = client.call(1);
        REQUIRE_FALSE(answer);
        CHECK(answer.error().code == Errc::not_ready);
    }
    SECTION("no common profile: INCOMPATIBLE") {
        auto server = start_increment<netipc::transports::DefaultTransport>(
            dir, ServerConfig{.profiles = profile::shm_hybrid});
        auto client = make_increment_client<netipc::transports::DefaultTransport>(
            dir, ClientConfig{.profiles = profile::baseline});
        REQUIRE_FALSE(client.refresh());
        CHECK(client.state() == ClientState::incompatible);
    }
    SECTION("request ceiling above the server's maximum: INCOMPATIBLE") {
        auto server = start_increment<Baseline>(dir, ServerConfig{.request_payload_bytes = 512});
        auto client =
            make_increment_client<Baseline>(dir, ClientConfig{.request_payload_bytes = 4096});
        REQUIRE_FALSE(client.refresh());
        CHECK(client.state() == ClientState::incompatible);
        CHECK(client.status().last_error->code == Errc::limit_exceeded);
    }
    SECTION("the right token: READY") {
        auto server = start_increment<Baseline>(dir, ServerConfig{.auth_token = 0xfeed});
        auto client = make_increment_client<Baseline>(dir, ClientConfig{.auth_token = 0xfeed});
        CHECK(client.refresh());
        CHECK(client.ready());
    }
}

TEMPLATE_TEST_CASE("a ready client reconnects and resends once after an ordinary failure",
                   "[services][client][retry]", Baseline, netipc::transports::DefaultTransport) {
    TempRunDir dir;
    auto server = start_increment<TestType>(dir);
    auto client = make_increment_client<TestType>(dir);
    REQUIRE(client.refresh());
    REQUIRE(client.call(1)->value == 2);

    SECTION("the provider restarted: one retry succeeds") {
        server->stop();
        server = start_increment<TestType>(dir);
        auto answer = client.call(10);
        REQUIRE(answer);
        CHECK(answer->value == 11);
        const auto status = client.status();
        CHECK(status.counters.retries == 1);
        CHECK(status.counters.reconnects == 1);
        CHECK(status.state == ClientState::ready);
    }
    SECTION("the provider is gone: the retry fails too, and then calls fail at once") {
        server->stop();
        auto answer = client.call(10);
        REQUIRE_FALSE(answer);
        CHECK(answer.error().code == Errc::not_found);
        CHECK(client.state() == ClientState::not_found);
        CHECK(client.status().counters.retries == 1);
        auto next = client.call(10);
        REQUIRE_FALSE(next);
        CHECK(next.error().code == Errc::not_ready);
        CHECK(client.status().counters.retries == 1); // not ready: no retry
    }
    SECTION("refresh brings a broken client back") {
        server->stop();
        (void)client.call(10);
        server = start_increment<TestType>(dir);
        CHECK(client.refresh());
        CHECK(client.ready());
        CHECK(client.call(5)->value == 6);
    }
}

TEMPLATE_TEST_CASE("timeout and abort are terminal for the call and never retried",
                   "[services][client][timeout]", Baseline, netipc::transports::DefaultTransport) {
    TempRunDir dir;
    std::atomic<bool> entered{false};
    std::atomic<bool> release{false};
    auto slow = [&](const IncrementView& request) {
        entered = true;
        while (!release) {
            std::this_thread::sleep_for(1ms);
        }
        return request.value + 1;
    };
    auto server = ManagedServer<IncrementService, TestType>::start(dir.address("inc"), {}, slow);
    REQUIRE(server);
    auto client = make_increment_client<TestType>(dir);
    REQUIRE(client.refresh());

    SECTION("timeout") {
        auto answer = client.call(1, 50ms);
        release = true;
        REQUIRE_FALSE(answer);
        CHECK(answer.error().code == Errc::timeout);
        CHECK(client.state() == ClientState::broken);
        CHECK(client.status().counters.retries == 0);
    }
    SECTION("abort from another thread") {
        std::thread aborter([&] {
            while (!entered) {
                std::this_thread::sleep_for(1ms);
            }
            client.abort();
        });
        auto answer = client.call(1);
        aborter.join();
        release = true;
        REQUIRE_FALSE(answer);
        CHECK(answer.error().code == Errc::aborted);
        CHECK(client.state() == ClientState::broken);
        CHECK(client.status().counters.retries == 0);

        // Sticky: still raised until cleared.
        CHECK(client.abort_raised());
        client.clear_abort();
        CHECK(client.refresh());
        auto again = client.call(1);
        REQUIRE(again);
        CHECK(again->value == 2);

        // Raised before a call: refused without I/O, the session stays.
        client.abort();
        auto refused = client.call(1);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == Errc::aborted);
        CHECK(client.ready());
        client.close();
        CHECK_FALSE(client.abort_raised()); // close() lowers it
    }
}

TEST_CASE("a request larger than the session's ceilings grows them by reconnecting",
          "[services][client][resize]") {
    TempRunDir dir;
    auto server = ManagedServer<StringReverseService, Baseline>::start(
        dir.address("rev"), ServerConfig{.response_payload_bytes = 1 << 20}, reverse);
    REQUIRE(server);
    auto client = Client<StringReverseService, Baseline>::create(dir.address("rev"));
    REQUIRE(client);
    REQUIRE(client->refresh());
    CHECK(client->status().session->requests.max_payload_bytes == 1024);

    const std::string big(5000, 'x');
    auto answer = client->call(big + "y");
    REQUIRE(answer);
    CHECK(answer->text == "y" + big);
    const auto status = client->status();
    CHECK(status.counters.resizes == 1);
    CHECK(status.session->requests.max_payload_bytes == 8192);

    SECTION("beyond the growth cap the call fails locally and the session stays") {
        const std::string huge(2 << 20, 'z');
        auto refused = client->call(huge);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == Errc::message_too_large);
        CHECK(client->ready());
    }
}

TEST_CASE("a server refusing the grown ceiling leaves the client usable",
          "[services][client][resize]") {
    TempRunDir dir;
    auto server = ManagedServer<StringReverseService, Baseline>::start(
        dir.address("rev"), ServerConfig{.request_payload_bytes = 2048}, reverse);
    REQUIRE(server);
    auto client = Client<StringReverseService, Baseline>::create(dir.address("rev"));
    REQUIRE(client->refresh());
    auto refused = client->call(std::string(3000, 'a'));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::limit_exceeded);
    CHECK(client->state() == ClientState::disconnected);
    CHECK(client->refresh());
    CHECK(client->status().session->requests.max_payload_bytes == 1024);
    CHECK(client->call("abc")->text == "cba");
}

TEST_CASE("a response over the provider's ceiling stops resizing once nothing grows",
          "[services][client][resize]") {
    TempRunDir dir;
    auto server = ManagedServer<StringReverseService, Baseline>::start(
        dir.address("rev"), ServerConfig{.response_payload_bytes = 256}, reverse);
    REQUIRE(server);
    auto client = Client<StringReverseService, Baseline>::create(dir.address("rev"));
    REQUIRE(client->refresh());
    auto answer = client->call(std::string(600, 'q'));
    REQUIRE_FALSE(answer);
    CHECK(answer.error().code == Errc::limit_exceeded);
    CHECK(client->status().counters.resizes == 1); // one reconnect showed no growth
    CHECK(client->ready());
    CHECK(client->call("ok")->text == "ko");
}

TEMPLATE_TEST_CASE("batch calls answer in request order and grow the batch limit",
                   "[services][client][batch]", Baseline, netipc::transports::DefaultTransport) {
    TempRunDir dir;
    auto server = start_increment<TestType>(dir);
    auto client = make_increment_client<TestType>(dir);
    REQUIRE(client.refresh());
    CHECK(client.status().session->requests.max_batch_items == 1);

    std::vector<std::uint64_t> values(100);
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = i * 3;
    }
    auto answers = client.call_batch(values);
    REQUIRE(answers);
    REQUIRE(answers->size() == values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        CHECK((*answers)[i].value == values[i] + 1);
    }
    CHECK(client.status().counters.resizes == 1);
    CHECK(client.status().session->requests.max_batch_items == 128);

    SECTION("empty and single batches") {
        auto none = client.call_batch({});
        REQUIRE(none);
        CHECK(none->empty());
        const std::uint64_t one[] = {7};
        auto single = client.call_batch(one);
        REQUIRE(single);
        REQUIRE(single->size() == 1);
        CHECK((*single)[0].value == 8);
    }
    SECTION("a smaller batch after a larger one has exactly its own answers") {
        const std::uint64_t three[] = {10, 20, 30};
        auto small = client.call_batch(three);
        REQUIRE(small);
        REQUIRE(small->size() == 3);
        CHECK((*small)[0].value == 11);
        CHECK((*small)[2].value == 31);
    }
}

TEST_CASE("a handler failure reaches the client as a failed call and a new session",
          "[services][client]") {
    TempRunDir dir;
    auto failing = [](const IncrementView& request) -> Result<std::uint64_t> {
        if (request.value == 13) {
            return netipc::fail(Errc::invalid_argument, "unlucky");
        }
        return request.value + 1;
    };
    auto server = ManagedServer<IncrementService, Baseline>::start(dir.address("inc"), {}, failing);
    REQUIRE(server);
    auto client = make_increment_client<Baseline>(dir);
    REQUIRE(client.refresh());
    auto answer = client.call(13);
    REQUIRE_FALSE(answer);
    CHECK(answer.error().code == Errc::internal);
    CHECK(client.status().counters.retries == 1); // at-least-once: resent once
    CHECK((*server)->stats().handler_failures == 2);
    CHECK(client.state() == ClientState::broken);
    CHECK(client.refresh());
    auto next = client.call(1);
    REQUIRE(next);
    CHECK(next->value == 2);
}

TEST_CASE("after an SHM attach failure a client stops offering SHM for good",
          "[services][client][shm]") {
    TempRunDir dir;
    // A provider that selects SHM without preparing a region whenever SHM
    // is offered, and otherwise serves one INCREMENT over the baseline and
    // hangs up. It records every offer; the test checks after join().
    auto listener = Baseline::listen(dir.address("inc")).value();
    std::vector<std::uint32_t> offers;
    std::thread provider([&] {
        netipc::ServerHandshakeConfig config;
        config.supported_profiles = profile::baseline | profile::shm_hybrid;
        config.preferred_profiles = profile::shm_hybrid;
        const auto soon = [] { return netipc::Deadline::after(10s); };
        for (std::uint64_t session_id = 1; session_id <= 3; ++session_id) {
            auto connection = listener.accept(soon(), nullptr);
            if (!connection) {
                return;
            }
            auto offered = netipc::testing::peek_offered_profiles(*connection, soon());
            if (!offered) {
                return;
            }
            offers.push_back(*offered);
            if ((*offered & profile::shm_hybrid) != 0) {
                (void)netipc::testing::answer_hello_by_hand(*connection, config, session_id,
                                                            soon());
                std::array<std::byte, 64> drain{};
                (void)connection->receive_packet(drain, soon(), nullptr); // until it hangs up
                continue;
            }
            auto session =
                netipc::Session<Baseline, netipc::framing::Nipc,
                                netipc::codecs::Increment>::server_over(std::move(*connection),
                                                                        config, session_id, soon());
            if (session) {
                (void)session->serve_one(
                    [](const IncrementView& request, netipc::codecs::IncrementBuilder& out) {
                        out.set(request.value + 1);
                        return Result<void>{};
                    },
                    soon());
            }
        }
    });
    auto client = make_increment_client<netipc::transports::DefaultTransport>(dir);
    CHECK(client.refresh());
    const bool ready_at_once = client.ready();
    const auto status = client.status();
    auto first = client.call(1);   // served, then the provider hangs up
    auto second = client.call(10); // fails, reconnects (baseline only), retried
    provider.join();

    CHECK(ready_at_once);
    CHECK(status.data_plane_dropped);
    CHECK(status.session->selected_profile == profile::baseline);
    REQUIRE(first);
    CHECK(first->value == 2);
    REQUIRE(second);
    CHECK(second->value == 11);
    CHECK(offers
          == std::vector<std::uint32_t>{profile::baseline | profile::shm_hybrid, profile::baseline,
                                        profile::baseline});
}

TEST_CASE("a client of the wrong service kind is told UNSUPPORTED and does not retry",
          "[services][client]") {
    TempRunDir dir;
    auto server =
        ManagedServer<StringReverseService, Baseline>::start(dir.address("svc"), {}, reverse);
    REQUIRE(server);
    auto client = Client<IncrementService, Baseline>::create(dir.address("svc"));
    REQUIRE(client);
    REQUIRE(client->refresh()); // the handshake does not name the method
    auto answer = client->call(1);
    REQUIRE_FALSE(answer);
    CHECK(answer.error().code == Errc::unsupported);
    CHECK(client->status().counters.retries == 0);
    CHECK(client->state() == ClientState::broken);
}

TEST_CASE("each client state prints as the name the status reports use", "[services][client]") {
    using netipc::services::to_string;
    CHECK(to_string(ClientState::disconnected) == "DISCONNECTED");
    CHECK(to_string(ClientState::connecting) == "CONNECTING");
    CHECK(to_string(ClientState::ready) == "READY");
    CHECK(to_string(ClientState::not_found) == "NOT_FOUND");
    CHECK(to_string(ClientState::auth_failed) == "AUTH_FAILED");
    CHECK(to_string(ClientState::incompatible) == "INCOMPATIBLE");
    CHECK(to_string(ClientState::broken) == "BROKEN");
    // A value no enumerator names (memory corruption, a newer peer's state):
    // printed, never undefined behaviour.
    // NOLINTNEXTLINE(clang-analyzer-optin.core.EnumCastOutOfRange): the point of the test
    CHECK(to_string(static_cast<ClientState>(200)) == "UNKNOWN");
}
