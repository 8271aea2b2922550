// Conformance, Level 2: services::ManagedServer and services::Client over
// the fixture's transport. The server's address() is where clients connect
// (concrete even when the fixture's address has wildcard parts), typed calls
// and batches work, and stop() returns with clients connected and idle,
// whose next call then fails instead of hanging.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/increment.h"
#include "netipc/concepts/data_plane.h"
#include "services/client.h"
#include "services/managed_server.h"
#include "services/service.h"
#include "tests/conformance/fixture.h"
#include "tests/conformance/level1_suite.h"

namespace netipc::conformance {

// The INCREMENT service with the transport under test as its default. The
// built-in services::IncrementService names the platform's default
// transport, which a platform may not have yet (Windows, until its
// shared-memory data plane exists); Client and ManagedServer are given the
// transport explicitly here anyway.
template <class T>
struct IncrementOver {
    using Codec = codecs::Increment;
    using DefaultTransport = T;
    static constexpr std::string_view default_name = "increment";

    static Result<void> respond(codecs::IncrementBuilder& out, std::uint64_t value) noexcept {
        out.set(value);
        return {};
    }
};

template <Fixture F>
using IncrementService = IncrementOver<typename F::Transport>;
template <Fixture F>
using IncrementServer = services::ManagedServer<IncrementService<F>, typename F::Transport>;
template <Fixture F>
using IncrementClient = services::Client<IncrementService<F>, typename F::Transport>;

inline std::uint64_t plus_one(const codecs::IncrementView& request) {
    return request.value + 1;
}

template <Fixture F>
std::unique_ptr<IncrementServer<F>> start_server(F& fixture) {
    auto server = IncrementServer<F>::start(fixture.address(), {}, plus_one);
    REQUIRE_OK(server);
    return std::move(*server);
}

// A client of `server`, connected.
template <Fixture F>
IncrementClient<F> connected_client(const IncrementServer<F>& server) {
    auto client = IncrementClient<F>::create(server.address(), services::ClientConfig{
                                                                   .batch_items = 8,
                                                               });
    REQUIRE_OK(client);
    REQUIRE_OK(client->refresh());
    CHECK(client->ready());
    return std::move(*client);
}

// --- the rules ------------------------------------------------------------------------

// A client reaches a managed server at its address(): refresh(), a call and
// a batch, on the data plane where the fixture expects one.
template <Fixture F>
void level2_calls() {
    using Connection = typename F::Transport::Connection;
    F fixture;
    auto server = start_server(fixture);
    auto client = connected_client<F>(*server);
    const auto status = client.status();
    REQUIRE(status.session.has_value());
    CHECK(((status.session->selected_profile & data_plane_profiles_of<Connection>) != 0)
          == F::data_plane);

    auto answer = client.call(41);
    REQUIRE_OK(answer);
    CHECK(answer->value == 42);
    const std::vector<std::uint64_t> values{1, 2, 3, 4, 5};
    auto answers = client.call_batch(values);
    REQUIRE_OK(answers);
    REQUIRE(answers->size() == values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        CHECK((*answers)[i].value == values[i] + 1);
    }
    // A ready client's refresh() succeeds without connecting again.
    REQUIRE_OK(client.refresh());
    CHECK(client.status().counters.connects == 1);
}

// stop() wakes every worker (each blocked waiting for its idle client, or
// for the HELLO of a client that says nothing), joins them and returns; the clients' next calls
// fail rather than hang, and nothing listens at the address any more.
template <Fixture F>
void level2_stop_with_idle_clients() {
    F fixture;
    auto server = start_server(fixture);
    std::vector<IncrementClient<F>> clients;
    for (std::uint64_t i = 0; i < 4; ++i) {
        clients.push_back(connected_client<F>(*server));
        auto answer = clients.back().call(i);
        REQUIRE_OK(answer);
        CHECK(answer->value == i + 1);
    }
    // And one that connected but never said HELLO: its worker waits in the
    // handshake.
    auto silent = F::Transport::connect(server->address(), soon());
    REQUIRE_OK(silent);
    const auto address = server->address();
    server->stop();
    CHECK(server->stats().sessions_active == 0);
    server->stop(); // idempotent

    for (auto& client : clients) {
        // The timeout only bounds a client that would never notice.
        auto after = client.call(1, std::chrono::seconds(20));
        REQUIRE_FALSE(after.has_value());
        INFO("error: " << after.error().message());
        CHECK(after.error().code != Errc::timeout);
        CHECK_FALSE(client.ready());
    }
    auto late = IncrementClient<F>::create(address);
    REQUIRE_OK(late);
    REQUIRE_ERRC(late->refresh(), Errc::not_found);
}

} // namespace netipc::conformance

// NOLINTBEGIN(cppcoreguidelines-macro-usage, bugprone-macro-parentheses)
#define NETIPC_LEVEL2_CONFORMANCE(FIXTURE, TAG)                                                 \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][level2]" TAG,                               \
                            "level 2: a client calls a managed server at its address()",        \
                            ::netipc::conformance::level2_calls)                                \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][level2]" TAG,                               \
                            "level 2: stop() returns with idle clients, whose calls then fail", \
                            ::netipc::conformance::level2_stop_with_idle_clients)
// NOLINTEND(cppcoreguidelines-macro-usage, bugprone-macro-parentheses)
