#include "tools/cli/snapshot_json.h"

#include <array>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string_view>

#include <fmt/format.h>

#include "codecs/simple_hash.h"
#include "tools/cli/json_fields.h"

namespace netipc::cli {

namespace {

using nlohmann::json;
using Failure = std::unexpected<std::string>;

std::expected<codecs::CgroupsItem, std::string> item_from_json(const json& value,
                                                               std::size_t index) {
    const std::string where = fmt::format("items[{}]", index);
    if (!value.is_object()) {
        return Failure(where + " must be an object");
    }
    codecs::CgroupsItem item;
    item.enabled = 1;
    bool has_name = false;
    bool has_path = false;
    bool has_hash = false;
    for (const auto& [key, field] : value.items()) {
        const std::string name = fmt::format("{}.{}", where, key);
        if (key == "name" || key == "path") {
            auto text = string_field(field, name);
            if (!text) {
                return Failure(text.error());
            }
            (key == "name" ? item.name : item.path) = std::move(*text);
            (key == "name" ? has_name : has_path) = true;
            continue;
        }
        std::uint32_t* target = nullptr;
        if (key == "hash") {
            target = &item.hash;
            has_hash = true;
        } else if (key == "options") {
            target = &item.options;
        } else if (key == "enabled") {
            target = &item.enabled;
        } else {
            return Failure(fmt::format("unknown field {}", name));
        }
        auto number = unsigned_field<std::uint32_t>(field, name);
        if (!number) {
            return Failure(number.error());
        }
        *target = *number;
    }
    if (!has_name || !has_path) {
        return Failure(fmt::format("{} needs a \"{}\"", where, has_name ? "path" : "name"));
    }
    if (!has_hash) {
        item.hash = codecs::simple_hash(item.name);
    }
    return item;
}

} // namespace

nlohmann::ordered_json item_to_json(const codecs::CgroupsItemView& item) {
    nlohmann::ordered_json out;
    out["hash"] = item.hash;
    out["options"] = item.options;
    out["enabled"] = item.enabled;
    out["name"] = std::string(item.name);
    out["path"] = std::string(item.path);
    return out;
}

nlohmann::ordered_json snapshot_to_json(const codecs::CgroupsSnapshotView& snapshot) {
    nlohmann::ordered_json out;
    out["systemd_enabled"] = snapshot.systemd_enabled();
    out["generation"] = snapshot.generation();
    out["items"] = nlohmann::ordered_json::array();
    for (const codecs::CgroupsItemView item : snapshot) {
        out["items"].push_back(item_to_json(item));
    }
    return out;
}

nlohmann::ordered_json snapshot_to_json(const codecs::CgroupsSnapshotData& snapshot) {
    nlohmann::ordered_json out;
    out["systemd_enabled"] = snapshot.systemd_enabled;
    out["generation"] = snapshot.generation;
    out["items"] = nlohmann::ordered_json::array();
    for (const auto& item : snapshot.items) {
        out["items"].push_back(item_to_json(item.view()));
    }
    return out;
}

std::expected<codecs::CgroupsSnapshotData, std::string> snapshot_from_json(const json& document) {
    if (!document.is_object()) {
        return Failure("the snapshot must be a JSON object");
    }
    codecs::CgroupsSnapshotData snapshot;
    for (const auto& [key, field] : document.items()) {
        if (key == "systemd_enabled") {
            auto value = unsigned_field<std::uint32_t>(field, key);
            if (!value) {
                return Failure(value.error());
            }
            snapshot.systemd_enabled = *value;
        } else if (key == "generation") {
            auto value = unsigned_field<std::uint64_t>(field, key);
            if (!value) {
                return Failure(value.error());
            }
            snapshot.generation = *value;
        } else if (key == "items") {
            if (!field.is_array()) {
                return Failure("items must be an array");
            }
            snapshot.items.reserve(field.size());
            for (std::size_t i = 0; i < field.size(); ++i) {
                auto item = item_from_json(field[i], i);
                if (!item) {
                    return Failure(item.error());
                }
                snapshot.items.push_back(std::move(*item));
            }
        } else {
            return Failure(fmt::format("unknown field {}", key));
        }
    }
    return snapshot;
}

std::expected<codecs::CgroupsSnapshotData, std::string> load_snapshot_file(
    const std::string& path) {
    auto parsed = read_json_file<json>(path);
    if (!parsed) {
        return Failure(parsed.error());
    }
    auto snapshot = snapshot_from_json(*parsed);
    if (!snapshot) {
        return Failure(fmt::format("{}: {}", path, snapshot.error()));
    }
    return snapshot;
}

std::string dump_json(const nlohmann::ordered_json& document, bool pretty) {
    return document.dump(pretty ? 2 : -1, ' ', false,
                         nlohmann::ordered_json::error_handler_t::replace);
}

codecs::CgroupsSnapshotData sample_snapshot() {
    struct Cgroup {
        std::string_view name;
        std::string_view path;
        std::uint32_t options;
        std::uint32_t enabled;
    };
    static constexpr std::array<Cgroup, 8> cgroups{{
        {"system.slice_docker.service", "/sys/fs/cgroup/system.slice/docker.service", 0x1, 1},
        {"system.slice_netdata.service", "/sys/fs/cgroup/system.slice/netdata.service", 0x1, 1},
        {"system.slice_ssh.service", "/sys/fs/cgroup/system.slice/ssh.service", 0x1, 1},
        {"user.slice_user-1000.slice", "/sys/fs/cgroup/user.slice/user-1000.slice", 0x0, 1},
        {"docker_nginx", "/sys/fs/cgroup/system.slice/docker-4a1c2f7e9b3d.scope", 0x2, 1},
        {"docker_postgres", "/sys/fs/cgroup/system.slice/docker-9e8d7c6b5a41.scope", 0x2, 1},
        {"k8s_kube-system_coredns",
         "/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/"
         "kubepods-burstable-pod5f3e1c2a.slice",
         0x2, 1},
        {"qemu_ubuntu-vm", "/sys/fs/cgroup/machine.slice/machine-qemu-1-ubuntu.scope", 0x2, 0},
    }};
    codecs::CgroupsSnapshotData snapshot;
    snapshot.systemd_enabled = 1;
    snapshot.generation = 1;
    for (const Cgroup& cgroup : cgroups) {
        snapshot.items.push_back({codecs::simple_hash(cgroup.name), cgroup.options, cgroup.enabled,
                                  std::string(cgroup.name), std::string(cgroup.path)});
    }
    return snapshot;
}

} // namespace netipc::cli
