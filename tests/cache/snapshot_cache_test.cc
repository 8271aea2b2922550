// Level 3: the cgroups snapshot cache and its index. First refresh, later
// rebuilds, failures that must keep the previous cache (provider down,
// provider restarted, malformed answer), lookups, readers holding guards
// across refreshes, and a large snapshot.
#include "cache/snapshot_cache.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "cache/cgroups_index.h"
#include "codecs/cgroups_snapshot.h"
#include "codecs/simple_hash.h"
#include "services/managed_server.h"
#include "tests/support/resource_limit.h"
#include "tests/support/snapshots.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/uds_seqpacket.h"

namespace {

using netipc::Errc;
using netipc::Result;
using netipc::cache::CgroupsIndex;
using netipc::cache::SnapshotCache;
using netipc::codecs::CgroupsItem;
using netipc::codecs::CgroupsSnapshot;
using netipc::codecs::CgroupsSnapshotBuilder;
using netipc::codecs::CgroupsSnapshotData;
using netipc::codecs::CgroupsSnapshotRequestView;
using netipc::codecs::simple_hash;
using netipc::services::CgroupsSnapshotService;
using netipc::services::ClientConfig;
using netipc::services::ClientState;
using netipc::services::ManagedServer;
using netipc::services::ServerConfig;
using netipc::testing::cgroup_name;
using netipc::testing::cgroup_path;
using netipc::testing::make_snapshot;
using netipc::testing::SnapshotSource;
using netipc::testing::TempRunDir;
using Baseline = netipc::transports::UdsSeqpacket;
using Fast = netipc::transports::DefaultTransport;

// Encodes `data` and decodes it again: the view a client would receive.
struct EncodedSnapshot {
    explicit EncodedSnapshot(const CgroupsSnapshotData& data)
        : bytes(CgroupsSnapshot::encoded_size(data)) {
        REQUIRE(CgroupsSnapshot::encode_response(data, bytes));
    }
    [[nodiscard]] netipc::codecs::CgroupsSnapshotView view() const {
        return CgroupsSnapshot::decode_response(bytes).value();
    }
    std::vector<std::byte> bytes;
};

template <class Transport>
auto serve(const TempRunDir& dir, SnapshotSource& source, ServerConfig config = {}) {
    auto server = ManagedServer<CgroupsSnapshotService, Transport>::start(
        dir.address("cgroups"), config,
        [&source](const CgroupsSnapshotRequestView& request, CgroupsSnapshotBuilder& out) {
            return source(request, out);
        });
    REQUIRE(server);
    return std::move(*server);
}

template <class Transport>
auto make_cache(const TempRunDir& dir, ClientConfig config = {}) {
    auto cache =
        SnapshotCache<CgroupsSnapshotService, Transport>::create(dir.address("cgroups"), config);
    REQUIRE(cache);
    return std::move(*cache);
}

// A provider that answers CGROUPS_SNAPSHOT with bytes no decoder accepts:
// the snapshot codec with a builder that writes junk. (Also a worked example
// of how small a new service definition is.)
class JunkBuilder {
public:
    explicit JunkBuilder(netipc::wire::MutableBytes out) noexcept : out_(out) {}
    Result<std::size_t> finish() noexcept {
        constexpr std::size_t junk = 24;
        if (out_.size() < junk) {
            return netipc::fail(Errc::overflow, "no room");
        }
        std::fill_n(out_.begin(), junk, std::byte{0xee});
        return junk;
    }

private:
    netipc::wire::MutableBytes out_;
};
struct JunkSnapshotCodec : CgroupsSnapshot {
    using ResponseBuilder = JunkBuilder;
};
struct JunkSnapshotService {
    using Codec = JunkSnapshotCodec;
    using DefaultTransport = Baseline;
    static constexpr std::string_view default_name = "cgroups-snapshot";
};
static_assert(netipc::services::Service<JunkSnapshotService>);

} // namespace

TEST_CASE("the cgroups index finds items by hash and name", "[services][cache][index]") {
    SECTION("empty") {
        const CgroupsIndex empty;
        CHECK(empty.empty());
        CHECK_FALSE(empty.find(1, "x"));
        CHECK_FALSE(empty.find("x"));
    }
    SECTION("every item, and nothing else") {
        const EncodedSnapshot encoded(make_snapshot(9, 300));
        const auto index = CgroupsIndex::build(encoded.view());
        CHECK(index.size() == 300);
        CHECK(index.generation() == 9);
        CHECK(index.systemd_enabled() == 1);
        for (std::uint32_t i = 0; i < 300; ++i) {
            const auto name = cgroup_name(i);
            auto item = index.find(simple_hash(name), name);
            REQUIRE(item);
            CHECK(item->name == name);
            CHECK(item->path == cgroup_path(9, i));
            CHECK(item->options == i % 4);
            CHECK(item->enabled == i % 2);
            CHECK(index.find(name)->path == item->path);
            CHECK(index[i].name == name); // snapshot order
        }
        CHECK_FALSE(index.find("system.slice/unit-300.service"));
        const auto known = cgroup_name(5);
        CHECK_FALSE(index.find(simple_hash(known) + 1, known)); // right name, wrong hash
    }
    SECTION("colliding hashes are told apart by name; a duplicate keeps the first") {
        CgroupsSnapshotData data;
        data.items = {CgroupsItem{7, 0, 1, "a", "/a"}, CgroupsItem{7, 0, 1, "b", "/b"},
                      CgroupsItem{7, 0, 1, "a", "/a-again"}, CgroupsItem{8, 0, 0, "a", "/a8"}};
        const EncodedSnapshot encoded(data);
        const auto index = CgroupsIndex::build(encoded.view());
        CHECK(index.size() == 3);
        CHECK(index.find(7, "a")->path == "/a");
        CHECK(index.find(7, "b")->path == "/b");
        CHECK(index.find(8, "a")->path == "/a8");
        CHECK_FALSE(index.find(7, "c"));
    }
}

TEMPLATE_TEST_CASE("a snapshot cache fills, rebuilds and survives its provider",
                   "[services][cache]", Baseline, Fast) {
    TempRunDir dir;
    auto cache = make_cache<TestType>(dir);

    // No provider yet: empty, not ready, the failure counted.
    CHECK_FALSE(cache->ready());
    auto first = cache->refresh();
    REQUIRE_FALSE(first);
    CHECK(first.error().code == Errc::not_found);
    CHECK_FALSE(cache->ready());
    {
        const auto guard = cache->read();
        CHECK_FALSE(guard->find(cgroup_name(0)));
    }
    CHECK(cache->status().refresh_failures == 1);
    CHECK_FALSE(cache->status().last_success);

    SnapshotSource source(make_snapshot(1, 16));
    auto server = serve<TestType>(dir, source);
    REQUIRE(cache->refresh());
    CHECK(cache->ready());
    {
        auto guard = cache->read();
        CHECK(guard->size() == 16);
        CHECK(guard->generation() == 1);
        CHECK(guard->find(cgroup_name(3))->path == cgroup_path(1, 3));
    }
    auto copy = cache->find_copy(simple_hash(cgroup_name(4)), cgroup_name(4));
    REQUIRE(copy);
    CHECK(copy->path == cgroup_path(1, 4));
    CHECK_FALSE(cache->find_copy(simple_hash("nope"), std::string_view("nope")));

    // A later refresh rebuilds from scratch.
    source.replace(make_snapshot(2, 8));
    REQUIRE(cache->refresh());
    {
        const auto guard = cache->read();
        CHECK(guard->generation() == 2);
    }
    {
        const auto guard = cache->read();
        CHECK(guard->size() == 8);
    }
    {
        const auto guard = cache->read();
        CHECK_FALSE(guard->find(cgroup_name(12)));
    }
    {
        const auto guard = cache->read();
        CHECK(guard->find(cgroup_name(7))->path == cgroup_path(2, 7));
    }

    // The provider goes away: refreshes fail, the cache stays.
    server->stop();
    REQUIRE_FALSE(cache->refresh());
    REQUIRE_FALSE(cache->refresh());
    CHECK(cache->ready());
    {
        const auto guard = cache->read();
        CHECK(guard->generation() == 2);
    }
    {
        const auto guard = cache->read();
        CHECK(guard->find(cgroup_name(7)));
    }
    auto status = cache->status();
    CHECK(status.refresh_successes == 2);
    CHECK(status.refresh_failures == 3);
    CHECK(status.connection == ClientState::not_found);
    CHECK(status.items == 8);
    CHECK(status.last_success);

    // It restarts with new data: the next refresh picks it up.
    source.replace(make_snapshot(3, 20));
    server = serve<TestType>(dir, source);
    REQUIRE(cache->refresh());
    {
        const auto guard = cache->read();
        CHECK(guard->generation() == 3);
    }
    {
        const auto guard = cache->read();
        CHECK(guard->size() == 20);
    }
    CHECK(cache->status().connection == ClientState::ready);
}

TEST_CASE("a malformed snapshot keeps the previous cache and drops the session",
          "[services][cache]") {
    TempRunDir dir;
    auto cache = make_cache<Baseline>(dir);
    SnapshotSource source(make_snapshot(5, 10));
    auto good = serve<Baseline>(dir, source);
    REQUIRE(cache->refresh());
    good->stop();

    auto broken = ManagedServer<JunkSnapshotService, Baseline>::start(
        dir.address("cgroups"), {},
        [](const CgroupsSnapshotRequestView&, JunkBuilder&) { return Result<void>{}; });
    REQUIRE(broken);
    auto refreshed = cache->refresh();
    REQUIRE_FALSE(refreshed);
    CHECK(refreshed.error().code != Errc::not_ready);
    CHECK(cache->client().state() == ClientState::broken);
    {
        const auto guard = cache->read();
        CHECK(guard->generation() == 5);
    }
    {
        const auto guard = cache->read();
        CHECK(guard->size() == 10);
    }
    (*broken)->stop();

    source.replace(make_snapshot(6, 4));
    good = serve<Baseline>(dir, source);
    REQUIRE(cache->refresh());
    {
        const auto guard = cache->read();
        CHECK(guard->generation() == 6);
    }
}

TEMPLATE_TEST_CASE("readers holding guards never see a torn or freed cache",
                   "[services][cache][concurrency]", Baseline, Fast) {
    TempRunDir dir;
    SnapshotSource source(make_snapshot(1, 64));
    auto server = serve<TestType>(dir, source);
    auto cache = make_cache<TestType>(dir);
    REQUIRE(cache->refresh());

    std::atomic<bool> done{false};
    std::atomic<int> inconsistent{0};
    std::atomic<long> lookups{0};
    std::vector<std::thread> readers;
    readers.reserve(3);
    for (int r = 0; r < 3; ++r) {
        readers.emplace_back([&, r] {
            auto i = static_cast<std::uint32_t>(r);
            while (!done.load()) {
                auto guard = cache->read();
                const auto generation = guard->generation();
                for (int k = 0; k < 16; ++k, i = (i + 7) % 64) {
                    auto item = guard->find(cgroup_name(i));
                    // Every snapshot holds items 0..63 with paths of its generation.
                    if (!item || item->path != cgroup_path(generation, i)) {
                        ++inconsistent;
                    }
                    ++lookups;
                }
            }
        });
    }
    for (std::uint64_t generation = 2; generation <= 40; ++generation) {
        source.replace(make_snapshot(generation, 64));
        REQUIRE(cache->refresh());
    }
    done = true;
    for (auto& reader : readers) {
        reader.join();
    }
    CHECK(inconsistent == 0);
    CHECK(lookups > 0);
    {
        const auto guard = cache->read();
        CHECK(guard->generation() == 40);
    }
}

TEMPLATE_TEST_CASE("a large snapshot with long strings", "[services][cache][large]", Baseline,
                   Fast) {
    TempRunDir dir;
    constexpr std::uint32_t count = 30000;
    constexpr std::size_t padding = 300; // ~350-byte paths
    SnapshotSource source(make_snapshot(77, count, padding));
    auto server = serve<TestType>(dir, source, ServerConfig{.response_payload_bytes = 32U << 20U});
    auto cache = make_cache<TestType>(dir);
    REQUIRE(cache->refresh());
    auto guard = cache->read();
    CHECK(guard->size() == count);
    for (std::uint32_t i = 0; i < count; i += 997) {
        auto item = guard->find(cgroup_name(i));
        REQUIRE(item);
        CHECK(item->path.size() == cgroup_path(77, i).size() + padding);
    }
}

TEST_CASE("a refresh publishes only after readers release their guards",
          "[services][cache][concurrency]") {
    TempRunDir dir;
    SnapshotSource source(make_snapshot(1, 4));
    auto server = serve<Baseline>(dir, source);
    auto cache = make_cache<Baseline>(dir);
    REQUIRE(cache->refresh());

    // One item with a 4000-byte name and a 60000-byte path.
    const std::string long_name(4000, 'n');
    CgroupsSnapshotData next;
    next.generation = 2;
    next.items.push_back(
        CgroupsItem{simple_hash(long_name), 0, 1, long_name, std::string(60000, 'P')});
    source.replace(next);

    std::atomic<bool> published{false};
    std::thread refresher;
    {
        auto guard = cache->read();
        auto item = guard->find(cgroup_name(2));
        REQUIRE(item);
        refresher = std::thread([&] {
            (void)cache->refresh();
            published = true;
        });
        // The refresh has fetched and built the new index and now waits
        // for this guard.
        while (!cache->publish_waiting()) {
            std::this_thread::yield();
        }
        // Still the old index, and the view into it still valid.
        CHECK_FALSE(published.load());
        CHECK(guard->generation() == 1);
        CHECK(item->path == cgroup_path(1, 2));
    }
    refresher.join();
    CHECK(published.load());
    auto guard = cache->read();
    CHECK(guard->generation() == 2);
    REQUIRE(guard->find(long_name));
    CHECK(guard->find(long_name)->path.size() == 60000);
}

TEST_CASE("a cache cannot be made without a descriptor for its client, and says why",
          "[services][cache]") {
    TempRunDir dir;
    // No Catch assertion while the limit is in place (see DescriptorLimit).
    bool limited = false;
    auto refused = [&] {
        const netipc::testing::DescriptorLimit none_left;
        limited = none_left.active();
        return SnapshotCache<CgroupsSnapshotService, Baseline>::create(dir.address("cgroups"));
    }();
    REQUIRE(limited);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::os_error);
    CHECK(refused.error().sys_errno == EMFILE);
    CHECK(std::string(refused.error().detail).find("RLIMIT_NOFILE") != std::string::npos);
    CHECK(SnapshotCache<CgroupsSnapshotService, Baseline>::create(dir.address("cgroups")));
}
