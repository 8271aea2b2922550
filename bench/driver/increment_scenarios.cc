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
#include "transports/default_baseline.h"
#include "transports/posix/shm_hybrid.h"

namespace netipc::bench::driver {

namespace {

// The default transport (adaptive spin on SHM), and the SHM plane with the
// protocol's fixed spin only.
using FixedSpinTransport =
    transports::ShmHybrid<transports::DefaultBaseline, transports::FixedPacing>;

template <class Transport>
using IncrementClientOver = services::Client<services::IncrementService, Transport>;
template <class Transport>
using IncrementServerOver = services::ManagedServer<services::IncrementService, Transport>;
using DefaultTransport = services::IncrementService::DefaultTransport;

const char* scenario_name(Plane plane, bool batch) {
    switch (plane) {
        case Plane::uds:
            return batch ? "uds-batch-ping-pong" : "uds-ping-pong";
        case Plane::shm:
            return batch ? "shm-batch-ping-pong" : "shm-ping-pong";
        case Plane::shm_fixed_spin:
            break;
    }
    return batch ? "shm-batch-ping-pong-fixed-spin" : "shm-ping-pong-fixed-spin";
}

template <class Transport>
std::optional<IncrementClientOver<Transport>> connected_client(const ClientArgs& args, Plane plane,
                                                               std::uint32_t batch_items) {
    auto client = IncrementClientOver<Transport>::create({args.run_dir, args.service},
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

template <class Transport>
int serve_increment_over(const ServerArgs& args, Plane plane) {
    ServerLifetime lifetime(args);
    // Batches are dispatched item by item by the server, so one handler
    // serves both the single and the batch scenarios.
    auto server = IncrementServerOver<Transport>::start(
        {args.run_dir, args.service}, server_config(args, plane),
        [](const codecs::IncrementView& request) { return request.value + 1; });
    if (!server) {
        return lifetime.failed_to_start(server.error());
    }
    return lifetime.serve([&] { (*server)->stop(); },
                          [&] { return (*server)->stats().requests_served; });
}

template <class Transport>
int run_increment_client_over(const ClientArgs& args, Plane plane) {
    auto client = connected_client<Transport>(args, plane, 1);
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

template <class Transport>
int run_increment_batch_client_over(const ClientArgs& args, Plane plane) {
    auto client = connected_client<Transport>(args, plane, max_batch_items);
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

} // namespace

int serve_increment(const ServerArgs& args, Plane plane) {
    return plane == Plane::shm_fixed_spin ? serve_increment_over<FixedSpinTransport>(args, plane)
                                          : serve_increment_over<DefaultTransport>(args, plane);
}

int run_increment_client(const ClientArgs& args, Plane plane) {
    return plane == Plane::shm_fixed_spin
               ? run_increment_client_over<FixedSpinTransport>(args, plane)
               : run_increment_client_over<DefaultTransport>(args, plane);
}

int run_increment_batch_client(const ClientArgs& args, Plane plane) {
    return plane == Plane::shm_fixed_spin
               ? run_increment_batch_client_over<FixedSpinTransport>(args, plane)
               : run_increment_batch_client_over<DefaultTransport>(args, plane);
}

} // namespace netipc::bench::driver
