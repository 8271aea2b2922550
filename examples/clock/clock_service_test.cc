// The CLOCK example end to end: a managed server and a client for a service
// defined entirely outside the library, over the default transport.
#include "examples/clock/clock_service.h"

#include <chrono>

#include <catch2/catch.hpp>

#include "services/client.h"
#include "services/managed_server.h"
#include "tests/support/temp_run_dir.h"

namespace {

std::uint64_t now_ns() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

} // namespace

TEST_CASE("a user-defined service works end to end", "[examples][clock]") {
    using netipc::examples::ClockReading;
    using netipc::examples::ClockRequestView;
    using netipc::examples::ClockService;
    netipc::testing::TempRunDir dir;
    const auto address = dir.address(std::string(ClockService::default_name));

    auto server = netipc::services::ManagedServer<ClockService>::start(
        address, {}, [](const ClockRequestView& request) {
            return ClockReading{request.client_sent_ns, now_ns()};
        });
    REQUIRE(server);
    auto client = netipc::services::Client<ClockService>::create(address);
    REQUIRE(client);
    REQUIRE(client->refresh());

    const std::uint64_t sent = now_ns();
    auto reading = client->call(sent);
    const std::uint64_t received = now_ns();
    REQUIRE(reading);
    CHECK(reading->client_sent_ns == sent);
    CHECK(reading->server_now_ns >= sent); // one host, one monotonic clock
    CHECK(reading->server_now_ns <= received);

    const std::uint64_t many[] = {1, 2, 3};
    auto batch = client->call_batch(many);
    REQUIRE(batch);
    REQUIRE(batch->size() == 3);
    CHECK((*batch)[2].client_sent_ns == 3);
}
