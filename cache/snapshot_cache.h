// netipc::cache::SnapshotCache: Level 3. A consumer's local copy of a
// provider's snapshot that never goes empty because the provider restarted.
//
//   auto cache = CgroupsSnapshotCache::create({run_dir, "cgroups-snapshot"});
//   // in the plugin's loop, at its own cadence:
//   (void)(*cache)->refresh();
//   // anywhere, any thread, hot paths included:
//   auto guard = (*cache)->read();
//   if (auto item = guard->find(hash, name)) { ... item->path ... }
//
// Guarantees (the Level 3 specification, netdata/plugin-ipc
// docs/level3-snapshot-api.md, with the newest upstream rule that lookups
// happen under read guards and a failed refresh never loses the cache):
//   - refresh() goes through the Level 2 client (connect, retry, resize
//     rules all apply), copies the answer into a private index and only
//     then publishes it, atomically;
//   - any failure (provider gone, timeout, malformed answer: the last also
//     drops the session) keeps the previous cache untouched;
//   - lookups are in-memory only (no I/O, no syscalls) and O(1), under a
//     read guard; a refresh builds while readers hold guards and publishes
//     once they release, so a view from find() stays valid for the guard's
//     life;
//   - ready() means "has data": true after the first successful refresh,
//     for good.
//
// Thread safety: refresh(), status() and close() from one thread (the
// plugin's loop); read(), find_copy() and ready() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex> // std::shared_lock
#include <utility>

#include "cache/cgroups_index.h"
#include "cache/read_mostly_lock.h"
#include "framing/nipc.h"
#include "services/cgroups_snapshot_service.h"
#include "services/client.h"

namespace netipc::cache {

using services::CgroupsSnapshotService;
using services::ClientConfig;
using services::ClientState;
using services::Service;

// How a snapshot service's answer becomes a cache: the index type built
// from a response view. Specialised once per snapshot service.
template <class S>
struct SnapshotIndexFor;

template <>
struct SnapshotIndexFor<CgroupsSnapshotService> {
    using Index = CgroupsIndex;
    using Request = codecs::CgroupsSnapshotRequest;
};

struct SnapshotCacheStatus {
    ClientState connection = ClientState::disconnected; // the Level 2 client's state
    bool populated = false;
    std::uint64_t refresh_successes = 0;
    std::uint64_t refresh_failures = 0;
    std::optional<std::chrono::system_clock::time_point> last_success;
    std::uint64_t generation = 0; // of the cached snapshot
    std::uint32_t items = 0;      // in the cached snapshot
    std::optional<Error> last_error;
};

template <Service S = CgroupsSnapshotService, Transport T = typename S::DefaultTransport,
          class F = framing::Nipc>
class SnapshotCache {
public:
    using Index = typename SnapshotIndexFor<S>::Index;
    using ClientType = services::Client<S, T, F>;
    using Milliseconds = std::chrono::milliseconds;

    // Read access to the cache as of the moment the guard was taken. While
    // any guard lives, refresh() cannot publish (it waits), so keep guards
    // short; taking one is cheap (ReadMostlyLock), so a guard per
    // lookup is fine. An empty cache reads as an empty index.
    class ReadGuard {
    public:
        // Lvalue guards only: `cache.read()->find(...)` would hand out views
        // into an index the temporary guard no longer protects.
        [[nodiscard]] const Index& index() const& noexcept { return *index_; }
        const Index* operator->() const& noexcept { return index_; }
        const Index& operator*() const& noexcept { return *index_; }
        const Index& index() const&& = delete;
        const Index* operator->() const&& = delete;
        const Index& operator*() const&& = delete;

    private:
        friend class SnapshotCache;
        ReadGuard(std::shared_lock<ReadMostlyLock> lock, const Index* index)
            : lock_(std::move(lock)), index_(index) {}
        std::shared_lock<ReadMostlyLock> lock_;
        const Index* index_;
    };

    explicit SnapshotCache(ClientType client)
        : current_(std::make_unique<Index>()), client_(std::move(client)) {}

    static Result<std::unique_ptr<SnapshotCache>> create(typename T::Address address,
                                                         ClientConfig config = {}) {
        auto client = ClientType::create(std::move(address), config);
        if (!client) {
            return std::unexpected(client.error());
        }
        return std::make_unique<SnapshotCache>(std::move(*client));
    }

    SnapshotCache(const SnapshotCache&) = delete;
    SnapshotCache& operator=(const SnapshotCache&) = delete;
    SnapshotCache(SnapshotCache&&) = delete;
    SnapshotCache& operator=(SnapshotCache&&) = delete;
    ~SnapshotCache() = default;

    // Connects if needed, asks for a full snapshot and publishes it. On any
    // failure the previous cache stays as it was.
    Result<void> refresh(Milliseconds timeout = Milliseconds{0}) {
        if (auto connected = client_.refresh(); !connected) {
            // Why connecting failed, not merely that it did.
            ++failures_;
            last_error_ = connected.error();
            return std::unexpected(connected.error());
        }
        auto answer = client_.call(typename SnapshotIndexFor<S>::Request{}, timeout);
        if (!answer) {
            ++failures_;
            last_error_ = answer.error();
            return std::unexpected(answer.error());
        }
        auto fresh = std::make_unique<Index>(Index::build(*answer));
        {
            const std::unique_lock writer(mutex_); // waits for readers to let go
            current_.swap(fresh);
        }
        // `fresh` now holds the old index; it is freed outside the lock.
        ++successes_;
        last_success_ = std::chrono::system_clock::now();
        populated_.store(true, std::memory_order_release);
        return {};
    }

    [[nodiscard]] bool ready() const noexcept { return populated_.load(std::memory_order_acquire); }

    // True while a refresh has built its new index and waits for read guards
    // to be released before it publishes (a snapshot, for tests and
    // diagnostics).
    [[nodiscard]] bool publish_waiting() const noexcept { return mutex_.has_writer(); }

    [[nodiscard]] ReadGuard read() const {
        std::shared_lock lock(mutex_);
        const Index* index = current_.get();
        return ReadGuard(std::move(lock), index);
    }

    // Looks up (with the index's find() arguments) and copies the item out,
    // so nothing stays borrowed once this returns.
    template <class... Key>
    [[nodiscard]] auto find_copy(const Key&... key) const
        -> std::optional<decltype(S::Codec::to_owned(*std::declval<const Index&>().find(key...)))> {
        const auto guard = read();
        auto found = guard->find(key...);
        if (!found) {
            return std::nullopt;
        }
        return S::Codec::to_owned(*found);
    }

    [[nodiscard]] SnapshotCacheStatus status() const {
        SnapshotCacheStatus status;
        status.connection = client_.state();
        status.populated = ready();
        status.refresh_successes = successes_;
        status.refresh_failures = failures_;
        status.last_success = last_success_;
        status.last_error = last_error_;
        const auto guard = read();
        status.generation = guard.index().generation();
        status.items = guard.index().size();
        return status;
    }

    // The Level 2 client underneath (for its status, abort, or close).
    [[nodiscard]] ClientType& client() noexcept { return client_; }

private:
    // The cache-line-aligned lock first: fewest padding bytes.
    mutable ReadMostlyLock mutex_;
    std::unique_ptr<Index> current_; // never null; guarded by mutex_
    std::uint64_t successes_ = 0;
    std::uint64_t failures_ = 0;
    std::optional<std::chrono::system_clock::time_point> last_success_;
    std::optional<Error> last_error_;
    ClientType client_;
    std::atomic<bool> populated_{false};
};

// The cache most consumers want.
using CgroupsSnapshotCache = SnapshotCache<CgroupsSnapshotService>;

} // namespace netipc::cache
