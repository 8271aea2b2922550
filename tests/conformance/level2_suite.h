// Conformance, Level 2: services::ManagedServer and services::Client over
// the fixture's transport. The server's address() is where clients connect
// (concrete even when the fixture's address has wildcard parts), typed calls
// and batches work, and stop() returns with clients connected and idle,
// whose next call then fails instead of hanging.
#pragma once

#include <string>
#include <vector>

#include "netipc/concepts/data_plane.h"
#include "services/client.h"
#include "services/increment_service.h"
#include "services/managed_server.h"
#include "tests/conformance/fixture.h"

namespace netipc::conformance {

template <Fixture F>
using IncrementServer = services::ManagedServer<services::IncrementService, typename F::Transport>;
template <Fixture F>
using IncrementClient = services::Client<services::IncrementService, typename F::Transport>;

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
