// The CGROUPS_SNAPSHOT scenarios: a Level 2 client asks for the whole
// 16-item snapshot per round trip, over the baseline socket
// (snapshot-baseline) or shared memory (snapshot-shm). The answer is checked
// item by item against the snapshot every driver serves.
#include <atomic>
#include <cstdio>
#include <optional>

#include "bench/driver/level2_setup.h"
#include "bench/driver/measurement.h"
#include "bench/driver/scenarios.h"
#include "bench/driver/server_lifetime.h"
#include "bench/driver/snapshot_items.h"
#include "services/cgroups_snapshot_service.h"
#include "services/client.h"
#include "services/managed_server.h"

namespace netipc::bench::driver {

namespace {

using SnapshotClient = services::Client<services::CgroupsSnapshotService>;
using SnapshotServer = services::ManagedServer<services::CgroupsSnapshotService>;

// Whether `answer` is the bench snapshot; says what differs on stderr.
bool is_bench_snapshot(const codecs::CgroupsSnapshotView& answer) {
    const auto& expected = bench_snapshot_items();
    if (answer.size() != expected.size()) {
        (void)std::fprintf(stderr, "snapshot: expected %zu items, got %u\n", expected.size(),
                           answer.size());
        return false;
    }
    for (std::uint32_t i = 0; i < answer.size(); ++i) {
        const codecs::CgroupsItemView item = answer[i];
        if (item.hash != expected[i].hash || item.enabled != expected[i].enabled
            || item.name != expected[i].name || item.path != expected[i].path) {
            (void)std::fprintf(stderr, "snapshot: item %u is not the bench snapshot's\n", i);
            return false;
        }
    }
    return true;
}

} // namespace

int serve_snapshot(const ServerArgs& args, Plane plane) {
    ServerLifetime lifetime(args);
    (void)bench_snapshot_items(); // built before any session thread asks for it
    // Every answer is a new generation, as a provider's refreshed table is.
    std::atomic<std::uint64_t> generation{0};
    auto server = SnapshotServer::start(
        {args.run_dir, args.service}, server_config(args, plane),
        [&generation](const codecs::CgroupsSnapshotRequestView&,
                      codecs::CgroupsSnapshotBuilder& out) -> Result<void> {
            out.set_systemd_enabled(1);
            out.set_generation(generation.fetch_add(1, std::memory_order_relaxed) + 1);
            for (const auto& item : bench_snapshot_items()) {
                if (auto added = out.add(item); !added) {
                    return added;
                }
            }
            return {};
        });
    if (!server) {
        return lifetime.failed_to_start(server.error());
    }
    return lifetime.serve([&] { (*server)->stop(); },
                          [&] { return (*server)->stats().requests_served; });
}

int run_snapshot_client(const ClientArgs& args, Plane plane) {
    auto client = SnapshotClient::create({args.run_dir, args.service}, client_config(args, plane));
    if (!client) {
        (void)std::fprintf(stderr, "client: %s\n", client.error().message().c_str());
        return 1;
    }
    if (!connect_client(args, *client, plane)) {
        return 1;
    }
    (void)bench_snapshot_items();
    Measurement measurement;
    measure(
        args,
        [&]() -> std::optional<std::uint64_t> {
            auto answer = client->call(codecs::CgroupsSnapshotRequest{});
            if (!answer) {
                (void)std::fprintf(stderr, "snapshot call failed: %s\n",
                                   answer.error().message().c_str());
                return std::nullopt;
            }
            if (!is_bench_snapshot(*answer)) {
                return std::nullopt;
            }
            return 1;
        },
        measurement);
    return report(plane == Plane::shm ? "snapshot-shm" : "snapshot-baseline", measurement);
}

} // namespace netipc::bench::driver
