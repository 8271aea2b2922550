#include "tools/cli/lookup_json.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "tools/cli/json_fields.h"

namespace netipc::cli {

namespace {

using nlohmann::ordered_json;
using Failure = std::unexpected<std::string>;

// --- names of enum values -------------------------------------------------------------

// The listed values of an enum, for parsing names back. to_string() gives
// each its specification name.
template <class E, std::size_t N>
std::optional<E> named(const std::string& name, const std::array<E, N>& values) {
    for (const E value : values) {
        if (codecs::to_string(value) == name) {
            return value;
        }
    }
    return std::nullopt;
}

constexpr std::array cgroups_statuses{
    codecs::CgroupsLookupStatus::known, codecs::CgroupsLookupStatus::unknown_retry_later,
    codecs::CgroupsLookupStatus::unknown_permanent, codecs::CgroupsLookupStatus::payload_exceeded,
    codecs::CgroupsLookupStatus::oversized_item};
constexpr std::array apps_statuses{
    codecs::AppsLookupStatus::known, codecs::AppsLookupStatus::unknown,
    codecs::AppsLookupStatus::payload_exceeded, codecs::AppsLookupStatus::oversized_item};
constexpr std::array cgroup_statuses{
    codecs::CgroupStatus::known, codecs::CgroupStatus::unknown_retry_later,
    codecs::CgroupStatus::unknown_permanent, codecs::CgroupStatus::host_root};
constexpr std::array orchestrators{codecs::Orchestrator::unknown, codecs::Orchestrator::systemd,
                                   codecs::Orchestrator::docker,  codecs::Orchestrator::k8s,
                                   codecs::Orchestrator::kvm,     codecs::Orchestrator::lxc,
                                   codecs::Orchestrator::podman,  codecs::Orchestrator::nspawn};

template <class E, std::size_t N>
std::expected<E, std::string> enum_field(const ordered_json& value, std::string_view where,
                                         const std::array<E, N>& values) {
    if (value.is_string()) {
        if (auto found = named(value.get<std::string>(), values)) {
            return *found;
        }
    }
    std::string names;
    for (const E listed : values) {
        names += fmt::format("{}{}", names.empty() ? "" : ", ", codecs::to_string(listed));
    }
    return Failure(fmt::format("{} must be one of {}", where, names));
}

// An orchestrator by name, or any u16 (values the specification does not
// list pass through, as on the wire).
std::expected<codecs::Orchestrator, std::string> orchestrator_field(const ordered_json& value,
                                                                    std::string_view where) {
    if (value.is_number_unsigned()) {
        auto number = unsigned_field<std::uint16_t>(value, where);
        if (!number) {
            return Failure(number.error());
        }
        return static_cast<codecs::Orchestrator>(*number);
    }
    return enum_field(value, where, orchestrators);
}

ordered_json orchestrator_json(codecs::Orchestrator orchestrator) {
    const std::string_view name = codecs::to_string(orchestrator);
    if (name.empty()) {
        return static_cast<std::uint16_t>(orchestrator);
    }
    return std::string(name);
}

// --- labels ------------------------------------------------------------------------------

template <class Labels>
ordered_json labels_json(const Labels& labels) {
    ordered_json out = ordered_json::array();
    for (const auto& label : labels) {
        out.push_back({{"key", std::string(label.key)}, {"value", std::string(label.value)}});
    }
    return out;
}

std::expected<std::vector<codecs::LookupLabel>, std::string> labels_field(const ordered_json& value,
                                                                          std::string_view where) {
    if (!value.is_array()) {
        return Failure(fmt::format("{} must be an array of {{\"key\", \"value\"}}", where));
    }
    std::vector<codecs::LookupLabel> labels;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string at = fmt::format("{}[{}]", where, i);
        const ordered_json& entry = value[i];
        if (!entry.is_object() || entry.size() != 2 || !entry.contains("key")
            || !entry.contains("value")) {
            return Failure(fmt::format("{} must be {{\"key\", \"value\"}}", at));
        }
        auto key = string_field(entry["key"], at + ".key");
        auto text = string_field(entry["value"], at + ".value");
        if (!key || !text) {
            return Failure(!key ? key.error() : text.error());
        }
        labels.push_back({std::move(*key), std::move(*text)});
    }
    return labels;
}

std::string labels_text(const codecs::LookupLabelsView& labels) {
    std::string out;
    for (const codecs::LookupLabelView label : labels) {
        out += fmt::format("{}{}={}", out.empty() ? "" : ",", label.key, label.value);
    }
    return out;
}

// --- items ---------------------------------------------------------------------------------

// Assigns `*target` from a field, or says why not.
template <class T, class Read>
std::optional<std::string> assign(T& target, Read read) {
    auto value = read();
    if (!value) {
        return value.error();
    }
    target = std::move(*value);
    return std::nullopt;
}

std::expected<codecs::CgroupsLookupItem, std::string> cgroups_item(const ordered_json& value,
                                                                   const std::string& where) {
    if (!value.is_object()) {
        return Failure(where + " must be an object");
    }
    codecs::CgroupsLookupItem item;
    bool has_path = false;
    for (const auto& [key, field] : value.items()) {
        const std::string name = fmt::format("{}.{}", where, key);
        std::optional<std::string> error;
        if (key == "path") {
            error = assign(item.path, [&] { return string_field(field, name); });
            has_path = true;
        } else if (key == "status") {
            error = assign(item.status, [&] { return enum_field(field, name, cgroups_statuses); });
        } else if (key == "orchestrator") {
            error = assign(item.orchestrator, [&] { return orchestrator_field(field, name); });
        } else if (key == "name") {
            error = assign(item.name, [&] { return string_field(field, name); });
        } else if (key == "labels") {
            error = assign(item.labels, [&] { return labels_field(field, name); });
        } else {
            error = fmt::format("unknown field {}", name);
        }
        if (error) {
            return Failure(*error);
        }
    }
    if (!has_path) {
        return Failure(where + " needs a \"path\"");
    }
    if (auto checked = codecs::CgroupsLookupBuilder::size_of(item); !checked) {
        return Failure(fmt::format("{}: {}", where, checked.error().detail));
    }
    return item;
}

std::expected<codecs::AppsLookupItem, std::string> apps_item(const ordered_json& value,
                                                             const std::string& where) {
    if (!value.is_object()) {
        return Failure(where + " must be an object");
    }
    codecs::AppsLookupItem item;
    bool has_pid = false;
    for (const auto& [key, field] : value.items()) {
        const std::string name = fmt::format("{}.{}", where, key);
        std::optional<std::string> error;
        if (key == "pid") {
            error = assign(item.pid, [&] { return unsigned_field<std::uint32_t>(field, name); });
            has_pid = true;
        } else if (key == "status") {
            error = assign(item.status, [&] { return enum_field(field, name, apps_statuses); });
        } else if (key == "cgroup_status") {
            error = assign(item.cgroup_status,
                           [&] { return enum_field(field, name, cgroup_statuses); });
        } else if (key == "orchestrator") {
            error = assign(item.orchestrator, [&] { return orchestrator_field(field, name); });
        } else if (key == "ppid") {
            error = assign(item.ppid, [&] { return unsigned_field<std::uint32_t>(field, name); });
        } else if (key == "uid") {
            error = assign(item.uid, [&] { return unsigned_field<std::uint32_t>(field, name); });
        } else if (key == "starttime") {
            error =
                assign(item.starttime, [&] { return unsigned_field<std::uint64_t>(field, name); });
        } else if (key == "comm") {
            error = assign(item.comm, [&] { return string_field(field, name); });
        } else if (key == "cgroup_path") {
            error = assign(item.cgroup_path, [&] { return string_field(field, name); });
        } else if (key == "cgroup_name") {
            error = assign(item.cgroup_name, [&] { return string_field(field, name); });
        } else if (key == "labels") {
            error = assign(item.labels, [&] { return labels_field(field, name); });
        } else {
            error = fmt::format("unknown field {}", name);
        }
        if (error) {
            return Failure(*error);
        }
    }
    if (!has_pid) {
        return Failure(where + " needs a \"pid\"");
    }
    if (auto checked = codecs::AppsLookupBuilder::size_of(item); !checked) {
        return Failure(fmt::format("{}: {}", where, checked.error().detail));
    }
    return item;
}

template <class Item>
ordered_json cgroups_item_json(const Item& item) {
    ordered_json out;
    out["path"] = std::string(item.path);
    out["status"] = std::string(codecs::to_string(item.status));
    out["orchestrator"] = orchestrator_json(item.orchestrator);
    out["name"] = std::string(item.name);
    out["labels"] = labels_json(item.labels);
    return out;
}

template <class Item>
ordered_json apps_item_json(const Item& item) {
    ordered_json out;
    out["pid"] = item.pid;
    out["status"] = std::string(codecs::to_string(item.status));
    out["ppid"] = item.ppid;
    out["uid"] = item.uid;
    out["starttime"] = item.starttime;
    out["comm"] = std::string(item.comm);
    out["cgroup_status"] = std::string(codecs::to_string(item.cgroup_status));
    out["cgroup_path"] = std::string(item.cgroup_path);
    out["cgroup_name"] = std::string(item.cgroup_name);
    out["orchestrator"] = orchestrator_json(item.orchestrator);
    out["labels"] = labels_json(item.labels);
    return out;
}

// {"generation", "items"} from any answer or table.
template <class Items, class ItemJson>
ordered_json document(std::uint64_t generation, const Items& items, ItemJson item_json) {
    ordered_json out;
    out["generation"] = generation;
    out["items"] = ordered_json::array();
    for (const auto& item : items) {
        out["items"].push_back(item_json(item));
    }
    return out;
}

// {"generation", "items"} into a table, with `item_of(json, where)` per item.
template <class Data, class ItemOf>
std::expected<Data, std::string> table_from_json(const ordered_json& value, ItemOf item_of) {
    if (!value.is_object()) {
        return Failure("the table must be a JSON object");
    }
    Data table;
    for (const auto& [key, field] : value.items()) {
        if (key == "generation") {
            auto generation = unsigned_field<std::uint64_t>(field, key);
            if (!generation) {
                return Failure(generation.error());
            }
            table.generation = *generation;
        } else if (key == "items") {
            if (!field.is_array()) {
                return Failure("items must be an array");
            }
            for (std::size_t i = 0; i < field.size(); ++i) {
                auto item = item_of(field[i], fmt::format("items[{}]", i));
                if (!item) {
                    return Failure(item.error());
                }
                table.items.push_back(std::move(*item));
            }
        } else {
            return Failure(fmt::format("unknown field {}", key));
        }
    }
    return table;
}

template <class Data, class FromJson>
std::expected<Data, std::string> load_table(const std::string& path, FromJson from_json) {
    auto parsed = read_json_file<ordered_json>(path);
    if (!parsed) {
        return Failure(parsed.error());
    }
    auto table = from_json(*parsed);
    if (!table) {
        return Failure(fmt::format("{}: {}", path, table.error()));
    }
    return table;
}

} // namespace

ordered_json lookup_to_json(const codecs::CgroupsLookupView& answer) {
    return document(answer.generation(), answer, [](const codecs::CgroupsLookupItemView& item) {
        return cgroups_item_json(item);
    });
}

ordered_json lookup_to_json(const codecs::AppsLookupView& answer) {
    return document(answer.generation(), answer,
                    [](const codecs::AppsLookupItemView& item) { return apps_item_json(item); });
}

ordered_json lookup_to_json(const codecs::CgroupsLookupData& table) {
    return document(table.generation, table.items,
                    [](const codecs::CgroupsLookupItem& item) { return cgroups_item_json(item); });
}

ordered_json lookup_to_json(const codecs::AppsLookupData& table) {
    return document(table.generation, table.items,
                    [](const codecs::AppsLookupItem& item) { return apps_item_json(item); });
}

std::string lookup_to_text(const codecs::CgroupsLookupView& answer) {
    std::string out;
    for (const codecs::CgroupsLookupItemView item : answer) {
        out +=
            fmt::format("{}\t{}\torchestrator={}\tname={}\tlabels={}\n", item.path,
                        codecs::to_string(item.status), orchestrator_json(item.orchestrator).dump(),
                        item.name, labels_text(item.labels));
    }
    return out;
}

std::string lookup_to_text(const codecs::AppsLookupView& answer) {
    std::string out;
    for (const codecs::AppsLookupItemView item : answer) {
        out += fmt::format(
            "{}\t{}\tcomm={}\tppid={}\tuid={}\tstarttime={}\tcgroup={} {}\tname={}\t"
            "orchestrator={}\tlabels={}\n",
            item.pid, codecs::to_string(item.status), item.comm, item.ppid, item.uid,
            item.starttime, codecs::to_string(item.cgroup_status), item.cgroup_path,
            item.cgroup_name, orchestrator_json(item.orchestrator).dump(),
            labels_text(item.labels));
    }
    return out;
}

std::expected<codecs::CgroupsLookupData, std::string> cgroups_lookup_from_json(
    const ordered_json& document) {
    return table_from_json<codecs::CgroupsLookupData>(document, cgroups_item);
}

std::expected<codecs::AppsLookupData, std::string> apps_lookup_from_json(
    const ordered_json& document) {
    return table_from_json<codecs::AppsLookupData>(document, apps_item);
}

std::expected<codecs::CgroupsLookupData, std::string> load_cgroups_lookup_file(
    const std::string& path) {
    return load_table<codecs::CgroupsLookupData>(path, cgroups_lookup_from_json);
}

std::expected<codecs::AppsLookupData, std::string> load_apps_lookup_file(const std::string& path) {
    return load_table<codecs::AppsLookupData>(path, apps_lookup_from_json);
}

codecs::CgroupsLookupData sample_cgroups_lookup() {
    using codecs::CgroupsLookupStatus;
    using codecs::Orchestrator;
    codecs::CgroupsLookupData table;
    table.generation = 1;
    table.items = {
        {CgroupsLookupStatus::known,
         Orchestrator::systemd,
         "/system.slice/nginx.service",
         "nginx.service",
         {{"unit", "nginx.service"}}},
        {CgroupsLookupStatus::known,
         Orchestrator::docker,
         "/system.slice/docker-4f2a9c.scope",
         "docker_nginx",
         {{"image", "nginx:1.27"}, {"container_name", "web"}}},
        {CgroupsLookupStatus::known,
         Orchestrator::k8s,
         "/kubepods.slice/kubepods-burstable.slice/pod-8c1d",
         "k8s_pod_api",
         {{"namespace", "default"}, {"pod", "api-7d9f"}}},
        {CgroupsLookupStatus::unknown_retry_later,
         Orchestrator::unknown,
         "/system.slice/starting.service",
         "",
         {}},
    };
    return table;
}

codecs::AppsLookupData sample_apps_lookup() {
    codecs::AppsLookupData table;
    table.generation = 1;
    codecs::AppsLookupItem nginx;
    nginx.pid = 1234;
    nginx.ppid = 1;
    nginx.uid = 33;
    nginx.starttime = 51234;
    nginx.comm = "nginx";
    nginx.cgroup_path = "/system.slice/docker-4f2a9c.scope";
    nginx.cgroup_name = "docker_nginx";
    nginx.orchestrator = codecs::Orchestrator::docker;
    nginx.labels = {{"image", "nginx:1.27"}};
    codecs::AppsLookupItem sshd;
    sshd.pid = 812;
    sshd.ppid = 1;
    sshd.uid = 0;
    sshd.starttime = 1450;
    sshd.comm = "sshd";
    sshd.cgroup_status = codecs::CgroupStatus::host_root;
    codecs::AppsLookupItem pending = sshd;
    pending.pid = 4321;
    pending.uid = 1000;
    pending.starttime = 98765;
    pending.comm = "worker";
    pending.cgroup_status = codecs::CgroupStatus::unknown_retry_later;
    table.items = {nginx, sshd, pending};
    return table;
}

} // namespace netipc::cli
