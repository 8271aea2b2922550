// The CGROUPS_SNAPSHOT service: a consumer asks for the whole cgroups table
// and the provider (Netdata's cgroups plugin, or anything speaking for it)
// answers every cgroup's hash, options, enabled flag, name and path.
//
// Handlers fill the codecs::CgroupsSnapshotBuilder they are given, or return
// an owned codecs::CgroupsSnapshotData. Consumers usually keep the answer in
// a SnapshotCache (cache/snapshot_cache.h) rather than calling directly.
#pragma once

#include <string_view>

#include "codecs/cgroups_snapshot.h"
#include "services/service.h"
#include "transports/default_transport.h"

namespace netipc::services {

struct CgroupsSnapshotService {
    using Codec = codecs::CgroupsSnapshot;
    using DefaultTransport = transports::DefaultTransport;
    static constexpr std::string_view default_name = "cgroups-snapshot";

    static Result<void> respond(codecs::CgroupsSnapshotBuilder& out,
                                const codecs::CgroupsSnapshotData& snapshot) noexcept {
        out.set_systemd_enabled(snapshot.systemd_enabled);
        out.set_generation(snapshot.generation);
        for (const auto& item : snapshot.items) {
            if (auto added = out.add(item); !added) {
                return added;
            }
        }
        return {};
    }
};

static_assert(Service<CgroupsSnapshotService>);
static_assert(RespondsWith<CgroupsSnapshotService, const codecs::CgroupsSnapshotData&>);

} // namespace netipc::services
