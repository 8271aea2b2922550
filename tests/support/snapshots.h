// Snapshots for the Level 3 tests and benchmarks: generated items whose
// path names the generation they belong to (so a reader can tell a torn
// cache from a consistent one), and a provider whose data can be swapped
// while it serves.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "codecs/cgroups_snapshot.h"
#include "codecs/simple_hash.h"
#include "netipc/error.h"
#include "services/cgroups_snapshot_service.h"

namespace netipc::testing {

inline std::string cgroup_name(std::uint32_t index) {
    return "system.slice/unit-" + std::to_string(index) + ".service";
}

inline std::string cgroup_path(std::uint64_t generation, std::uint32_t index) {
    return "/sys/fs/cgroup/gen-" + std::to_string(generation) + "/unit-" + std::to_string(index);
}

// `count` items named cgroup_name(i), with paths that carry `generation`.
inline codecs::CgroupsSnapshotData make_snapshot(std::uint64_t generation, std::uint32_t count,
                                                 std::size_t path_padding = 0) {
    codecs::CgroupsSnapshotData snapshot;
    snapshot.systemd_enabled = 1;
    snapshot.generation = generation;
    snapshot.items.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        codecs::CgroupsItem item;
        item.name = cgroup_name(i);
        item.hash = codecs::simple_hash(item.name);
        item.options = i % 4;
        item.enabled = i % 2;
        item.path = cgroup_path(generation, i) + std::string(path_padding, 'p');
        snapshot.items.push_back(std::move(item));
    }
    return snapshot;
}

// A thread-safe snapshot a managed-server handler serves from.
class SnapshotSource {
public:
    explicit SnapshotSource(codecs::CgroupsSnapshotData data) : data_(std::move(data)) {}

    void replace(codecs::CgroupsSnapshotData data) {
        const std::lock_guard lock(mutex_);
        data_ = std::move(data);
    }

    // The handler: fills the builder from the current data.
    Result<void> operator()(const codecs::CgroupsSnapshotRequestView&,
                            codecs::CgroupsSnapshotBuilder& out) const {
        const std::lock_guard lock(mutex_);
        return services::CgroupsSnapshotService::respond(out, data_);
    }

private:
    mutable std::mutex mutex_;
    codecs::CgroupsSnapshotData data_;
};

} // namespace netipc::testing
