// The INCREMENT scenarios: ping-pong (one value per round trip) and batch
// ping-pong (2..1000 values per round trip, sizes from BatchSizes), over UDS
// or SHM, through the Level 2 Client and ManagedServer. Every answer is
// checked: value + 1 for each value sent.
#include <array>
#include <cstdio>
#include <optional>
#include <span>
#include <vector>

#include "bench/driver/batch_sizes.h"
#include "bench/driver/level2_setup.h"
#include "bench/driver/measurement.h"
#include "bench/driver/scenarios.h"
#include "bench/driver/server_lifetime.h"
#include "services/client.h"
#include "services/increment_service.h"
#include "services/managed_server.h"

namespace netipc::bench::driver {

namespace {

using IncrementClient = services::Client<services::IncrementService>;
using IncrementServer = services::ManagedServer<services::IncrementService>;

const char* scenario_name(Plane plane, bool batch) {
    if (batch) {
        return plane == Plane::shm ? "shm-batch-ping-pong" : "uds-batch-ping-pong";
    }
    return plane == Plane::shm ? "shm-ping-pong" : "uds-ping-pong";
}

std::optional<IncrementClient> connected_client(const ClientArgs& args, Plane plane,
                                                std::uint32_t batch_items) {
    auto client = IncrementClient::create({args.run_dir, args.service},
                                          client_config(args, plane, batch_items));
    if (!client) {
        (void)std::fprintf(stderr, "client: %s\n", client.error().message().c_str());
        return std::nullopt;
    }
    if (!connect_client(args, *client, plane)) {
        return std::nullopt;
    }
    return std::move(*client);
}

} // namespace

int serve_increment(const ServerArgs& args, Plane plane) {
    ServerLifetime lifetime(args);
    // Batches are dispatched item by item by the server, so one handler
    // serves both the single and the batch scenarios.
    auto server = IncrementServer::start(
        {args.run_dir, args.service}, server_config(args, plane),
        [](const codecs::IncrementView& request) { return request.value + 1; });
    if (!server) {
        return lifetime.failed_to_start(server.error());
    }
    return lifetime.serve([&] { (*server)->stop(); },
                          [&] { return (*server)->stats().requests_served; });
}

int run_increment_client(const ClientArgs& args, Plane plane) {
    auto client = connected_client(args, plane, 1);
    if (!client) {
        return 1;
    }
    std::uint64_t counter = 0;
    Measurement measurement;
    measure(
        args,
        [&]() -> std::optional<std::uint64_t> {
            auto answer = client->call(counter);
            if (!answer) {
                (void)std::fprintf(stderr, "call %llu failed: %s\n",
                                   static_cast<unsigned long long>(counter),
                                   answer.error().message().c_str());
                return std::nullopt;
            }
            if (answer->value != counter + 1) {
                (void)std::fprintf(stderr, "wrong answer to %llu: %llu\n",
                                   static_cast<unsigned long long>(counter),
                                   static_cast<unsigned long long>(answer->value));
                return std::nullopt;
            }
            ++counter;
            return 1;
        },
        measurement);
    return report(scenario_name(plane, false), measurement);
}

int run_increment_batch_client(const ClientArgs& args, Plane plane) {
    auto client = connected_client(args, plane, max_batch_items);
    if (!client) {
        return 1;
    }
    std::vector<std::uint64_t> values(max_batch_items);
    std::uint64_t counter = 0;
    // Sends `count` consecutive values and checks every answer.
    const auto round_trip = [&](std::uint32_t count) -> std::optional<std::uint64_t> {
        for (std::uint32_t i = 0; i < count; ++i) {
            values[i] = counter + i;
        }
        auto answers = client->call_batch(std::span<const std::uint64_t>(values.data(), count));
        if (!answers) {
            (void)std::fprintf(stderr, "batch of %u failed: %s\n", count,
                               answers.error().message().c_str());
            return std::nullopt;
        }
        if (answers->size() != count) {
            (void)std::fprintf(stderr, "batch of %u answered with %zu items\n", count,
                               answers->size());
            return std::nullopt;
        }
        for (std::uint32_t i = 0; i < count; ++i) {
            if ((*answers)[i].value != values[i] + 1) {
                (void)std::fprintf(stderr, "batch item %u/%u: sent %llu, got %llu\n", i, count,
                                   static_cast<unsigned long long>(values[i]),
                                   static_cast<unsigned long long>((*answers)[i].value));
                return std::nullopt;
            }
        }
        counter += count;
        return count;
    };
    // One batch of the largest size first: the client's answer list then
    // has its final capacity, and no later batch has to grow it.
    if (!round_trip(max_batch_items)) {
        return 1;
    }
    BatchSizes sizes;
    Measurement measurement;
    measure(args, [&] { return round_trip(sizes.next()); }, measurement);
    return report(scenario_name(plane, true), measurement);
}

} // namespace netipc::bench::driver
