// Lookup answers as JSON, both ways, and as text. The same shape is read by
// `netipc serve cgroups-lookup|apps-lookup --data FILE` (the table of known
// keys) and printed by `netipc call ... --json`, so an answer round-trips:
//
//   {"generation": 3,
//    "items": [{"path": "/docker/abc", "status": "KNOWN", "orchestrator": "DOCKER",
//               "name": "web", "labels": [{"key": "image", "value": "nginx"}]}]}
//
//   {"generation": 7,
//    "items": [{"pid": 1234, "status": "KNOWN", "ppid": 1, "uid": 1000,
//               "starttime": 5521, "comm": "nginx", "cgroup_status": "KNOWN",
//               "cgroup_path": "/docker/abc", "cgroup_name": "web",
//               "orchestrator": "DOCKER", "labels": [...]}]}
//
// Statuses are their specification names; an orchestrator is its name or,
// for a value the specification does not list, the number. On input only
// the key (path, pid) is required: statuses default to KNOWN, the
// orchestrator to UNKNOWN, strings to empty, numbers to 0 and uid to unset
// (4294967295). Unknown fields are refused, and so is an item the decoder
// would reject (a name on an item that is not KNOWN, ...), with its index.
#pragma once

#include <expected>
#include <string>

#include <nlohmann/json.hpp>

#include "codecs/apps_lookup.h"
#include "codecs/cgroups_lookup.h"

namespace netipc::cli {

nlohmann::ordered_json lookup_to_json(const codecs::CgroupsLookupView& answer);
nlohmann::ordered_json lookup_to_json(const codecs::AppsLookupView& answer);
nlohmann::ordered_json lookup_to_json(const codecs::CgroupsLookupData& table);
nlohmann::ordered_json lookup_to_json(const codecs::AppsLookupData& table);

// One line per item, tab-separated fields, labels as k=v,k=v.
std::string lookup_to_text(const codecs::CgroupsLookupView& answer);
std::string lookup_to_text(const codecs::AppsLookupView& answer);

std::expected<codecs::CgroupsLookupData, std::string> cgroups_lookup_from_json(
    const nlohmann::ordered_json& document);
std::expected<codecs::AppsLookupData, std::string> apps_lookup_from_json(
    const nlohmann::ordered_json& document);

// Reads and parses a file (the message names the file on failure).
std::expected<codecs::CgroupsLookupData, std::string> load_cgroups_lookup_file(
    const std::string& path);
std::expected<codecs::AppsLookupData, std::string> load_apps_lookup_file(const std::string& path);

// Small, realistic tables served without --data, and used by `demo`.
codecs::CgroupsLookupData sample_cgroups_lookup();
codecs::AppsLookupData sample_apps_lookup();

} // namespace netipc::cli
