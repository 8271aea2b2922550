// The 16-item CGROUPS_SNAPSHOT every NetIPC driver's snapshot server answers
// and its lookup benchmark indexes: item i has hash 1000 + i, options 0,
// enabled i % 2, name "cgroup-<i>" and path "/sys/fs/cgroup/bench/cg-<i>".
#pragma once

#include <array>
#include <string>

#include "bench/driver/bench_config.h"
#include "codecs/cgroups_snapshot.h"

namespace netipc::bench::driver {

using SnapshotItems = std::array<codecs::CgroupsItem, snapshot_items>;

// Built on first use, then shared read-only by every thread.
inline const SnapshotItems& bench_snapshot_items() {
    static const SnapshotItems items = [] {
        SnapshotItems built;
        for (std::uint32_t i = 0; i < snapshot_items; ++i) {
            built[i].hash = 1000 + i;
            built[i].options = 0;
            built[i].enabled = i % 2;
            built[i].name = "cgroup-" + std::to_string(i);
            built[i].path = "/sys/fs/cgroup/bench/cg-" + std::to_string(i);
        }
        return built;
    }();
    return items;
}

} // namespace netipc::bench::driver
