// A cgroups snapshot as JSON, both ways. The same shape is read by
// `netipc serve cgroups-snapshot --data FILE` and printed by
// `netipc call cgroups-snapshot`, so a file round-trips:
//
//   {"systemd_enabled": 1, "generation": 7,
//    "items": [{"hash": 123, "options": 0, "enabled": 1,
//               "name": "system.slice_docker.service",
//               "path": "/sys/fs/cgroup/system.slice/docker.service"}]}
//
// On input every top-level field and every item field but name and path
// may be left out: systemd_enabled, generation and options default to 0,
// enabled to 1, and hash to simple_hash(name), as providers compute it.
// Unknown fields are refused, so a typo never passes silently. Output
// always has every field, in the order above.
#pragma once

#include <expected>
#include <string>

#include <nlohmann/json.hpp>

#include "codecs/cgroups_snapshot.h"

namespace netipc::cli {

nlohmann::ordered_json item_to_json(const codecs::CgroupsItemView& item);
nlohmann::ordered_json snapshot_to_json(const codecs::CgroupsSnapshotView& snapshot);
nlohmann::ordered_json snapshot_to_json(const codecs::CgroupsSnapshotData& snapshot);

// The snapshot `json` describes, or a message naming the first field that
// is missing, mistyped, out of range or unknown.
std::expected<codecs::CgroupsSnapshotData, std::string> snapshot_from_json(
    const nlohmann::json& document);

// Reads and parses a file (the message names the file on failure).
std::expected<codecs::CgroupsSnapshotData, std::string> load_snapshot_file(const std::string& path);

// Text of `json`, indented by 2 when `pretty`, else on one line. Bytes
// that are not UTF-8 (a provider may send any bytes in a name) become
// U+FFFD instead of failing the whole output.
std::string dump_json(const nlohmann::ordered_json& document, bool pretty);

// A small, realistic snapshot (systemd services, containers, a pod, a VM)
// served when `serve cgroups-snapshot` has no --data, and used by `demo`.
codecs::CgroupsSnapshotData sample_snapshot();

} // namespace netipc::cli
