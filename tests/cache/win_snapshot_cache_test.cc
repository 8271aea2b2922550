// The Level 3 snapshot cache over Windows' default transport (WinShm over
// the Named Pipe; run under wine on Linux): it fills over SHM, rebuilds,
// keeps answering while its provider is gone and picks up the provider's
// restart, with the cache and the server both chosen by default.
#include <random>
#include <string>
#include <type_traits>

#include <catch2/catch.hpp>

#include "cache/snapshot_cache.h"
#include "codecs/simple_hash.h"
#include "services/cgroups_snapshot_service.h"
#include "services/managed_server.h"
#include "tests/support/result_assertions.h"
#include "tests/support/snapshots.h"
#include "transports/default_transport.h"

using netipc::Errc;
using netipc::cache::CgroupsSnapshotCache;
using netipc::codecs::CgroupsSnapshotBuilder;
using netipc::codecs::CgroupsSnapshotRequestView;
using netipc::codecs::simple_hash;
using netipc::services::CgroupsSnapshotService;
using netipc::services::ClientState;
using netipc::services::ManagedServer;
using netipc::testing::cgroup_name;
using netipc::testing::cgroup_path;
using netipc::testing::make_snapshot;
using netipc::testing::SnapshotSource;

namespace {

// An address in a namespace (the Windows run_dir) no other run uses.
netipc::transports::ServiceAddress fresh_address() {
    std::random_device entropy;
    return {"netipc-cache-" + std::to_string(entropy()) + "-" + std::to_string(entropy()),
            "cgroups-snapshot"};
}

auto serve(const netipc::transports::ServiceAddress& address, SnapshotSource& source) {
    auto server = ManagedServer<CgroupsSnapshotService>::start(
        address, {},
        [&source](const CgroupsSnapshotRequestView& request, CgroupsSnapshotBuilder& out) {
            return source(request, out);
        });
    REQUIRE_OK(server);
    return std::move(*server);
}

} // namespace

TEST_CASE(
    "a snapshot cache over the Windows default transport fills, rebuilds and survives "
    "its provider",
    "[services][cache][winshm]") {
    static_assert(std::is_same_v<CgroupsSnapshotService::DefaultTransport,
                                 netipc::transports::DefaultTransport>);
    const auto address = fresh_address();
    auto cache = CgroupsSnapshotCache::create(address, {});
    REQUIRE_OK(cache);

    REQUIRE_ERRC((*cache)->refresh(), Errc::not_found);
    CHECK_FALSE((*cache)->ready());

    SnapshotSource source(make_snapshot(1, 16));
    auto server = serve(address, source);
    REQUIRE_OK((*cache)->refresh());
    CHECK((*cache)->ready());
    CHECK((*cache)->find_copy(simple_hash(cgroup_name(3)), cgroup_name(3))->path
          == cgroup_path(1, 3));

    source.replace(make_snapshot(2, 8));
    REQUIRE_OK((*cache)->refresh());
    CHECK((*cache)->status().generation == 2);
    CHECK((*cache)->status().items == 8);

    // The provider goes away: refreshes fail, the cache keeps answering.
    server->stop();
    CHECK_FALSE((*cache)->refresh());
    CHECK((*cache)->ready());
    CHECK((*cache)->find_copy(simple_hash(cgroup_name(7)), cgroup_name(7))->path
          == cgroup_path(2, 7));
    CHECK((*cache)->status().connection == ClientState::not_found);

    // It restarts with new data: the next refresh picks it up.
    source.replace(make_snapshot(3, 20));
    server = serve(address, source);
    REQUIRE_OK((*cache)->refresh());
    CHECK((*cache)->status().generation == 3);
    CHECK((*cache)->status().items == 20);
    CHECK((*cache)->status().connection == ClientState::ready);
}
