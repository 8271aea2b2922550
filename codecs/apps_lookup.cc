#include "codecs/apps_lookup.h"

#include <limits>

namespace netipc::codecs {

std::string_view to_string(AppsLookupStatus status) noexcept {
    switch (status) {
        case AppsLookupStatus::known:
            return "KNOWN";
        case AppsLookupStatus::unknown:
            return "UNKNOWN";
        case AppsLookupStatus::payload_exceeded:
            return "PAYLOAD_EXCEEDED";
        case AppsLookupStatus::oversized_item:
            return "OVERSIZED_ITEM";
    }
    return {};
}

std::string_view to_string(CgroupStatus status) noexcept {
    switch (status) {
        case CgroupStatus::known:
            return "KNOWN";
        case CgroupStatus::unknown_retry_later:
            return "UNKNOWN_RETRY_LATER";
        case CgroupStatus::unknown_permanent:
            return "UNKNOWN_PERMANENT";
        case CgroupStatus::host_root:
            return "HOST_ROOT";
    }
    return {};
}

AppsLookupItem apps_lookup_unknown(std::uint32_t pid, AppsLookupStatus status) {
    AppsLookupItem item;
    item.status = status;
    item.pid = pid;
    return item;
}

namespace {

constexpr auto highest_status = static_cast<std::uint16_t>(AppsLookupStatus::oversized_item);
constexpr auto highest_cgroup_status = static_cast<std::uint16_t>(CgroupStatus::host_root);

// The header fields whose rules depend on the statuses, as raw wire values
// (the decoder has not trusted them yet) and as the lengths of the strings.
struct StatusFields {
    std::uint16_t status;
    std::uint16_t cgroup_status;
    std::uint16_t orchestrator;
    std::uint32_t ppid;
    std::uint32_t uid;
    std::uint64_t starttime;
    std::uint64_t comm_length;
    std::uint64_t cgroup_path_length;
    std::uint64_t cgroup_name_length;
    std::uint64_t label_count;
};

// The specification's per-status rules, shared by the builder (which
// refuses to write what the decoder would reject) and the decoder. Returns
// the broken rule, or nullptr.
const char* status_rule_broken(const StatusFields& f) noexcept {
    if (f.comm_length > max_comm_length) {
        return "apps lookup comm longer than 15 bytes";
    }
    if (f.status != static_cast<std::uint16_t>(AppsLookupStatus::known)) {
        const bool bare = f.orchestrator == 0 && f.cgroup_status == 0 && f.ppid == 0
                          && f.uid == uid_unset && f.starttime == 0 && f.comm_length == 0
                          && f.cgroup_path_length == 0 && f.cgroup_name_length == 0
                          && f.label_count == 0;
        return bare ? nullptr : "apps lookup item that is not KNOWN carries more than its pid";
    }
    if (f.comm_length == 0) {
        return "apps lookup KNOWN pid without a comm";
    }
    const bool cgroup_bare = f.orchestrator == 0 && f.cgroup_name_length == 0 && f.label_count == 0;
    switch (static_cast<CgroupStatus>(f.cgroup_status)) {
        case CgroupStatus::known:
            return f.cgroup_path_length != 0 ? nullptr : "apps lookup KNOWN cgroup without a path";
        case CgroupStatus::unknown_retry_later:
            return cgroup_bare ? nullptr
                               : "apps lookup cgroup UNKNOWN_RETRY_LATER carries metadata";
        case CgroupStatus::unknown_permanent:
            return cgroup_bare && f.cgroup_path_length != 0
                       ? nullptr
                       : "apps lookup cgroup UNKNOWN_PERMANENT without a path or with metadata";
        case CgroupStatus::host_root:
            return cgroup_bare && f.cgroup_path_length == 0
                       ? nullptr
                       : "apps lookup cgroup HOST_ROOT carries a path or metadata";
    }
    return "apps lookup cgroup status is not listed";
}

template <class Item>
StatusFields status_fields(const Item& item) noexcept {
    return {static_cast<std::uint16_t>(item.status),
            static_cast<std::uint16_t>(item.cgroup_status),
            static_cast<std::uint16_t>(item.orchestrator),
            item.ppid,
            item.uid,
            item.starttime,
            item.comm.size(),
            item.cgroup_path.size(),
            item.cgroup_name.size(),
            std::ranges::size(item.labels)};
}

template <class Item>
Result<LookupItemContent> describe(const Item& item) noexcept {
    if (static_cast<std::uint16_t>(item.status) > highest_status
        || static_cast<std::uint16_t>(item.cgroup_status) > highest_cgroup_status) {
        return fail(Errc::invalid_argument, "apps lookup status outside the specification");
    }
    if (const char* broken = status_rule_broken(status_fields(item)); broken != nullptr) {
        return fail(Errc::invalid_argument, broken);
    }
    LookupItemContent content(apps_lookup_item_header_size);
    content.add_string(item.comm);
    content.add_string(item.cgroup_path);
    content.add_string(item.cgroup_name);
    if (auto checked = content.check_strings(); !checked) {
        return std::unexpected(checked.error());
    }
    if (auto set = content.set_labels(item.labels); !set) {
        return std::unexpected(set.error());
    }
    return content;
}

template <class Item>
void write_item(std::byte* bytes, const Item& item, const LookupItemContent& content) noexcept {
    AppsLookupItemHeader header{};
    header.status = static_cast<std::uint16_t>(item.status);
    header.orchestrator = static_cast<std::uint16_t>(item.orchestrator);
    header.cgroup_status = static_cast<std::uint16_t>(item.cgroup_status);
    header.pid = item.pid;
    header.ppid = item.ppid;
    header.uid = item.uid;
    header.starttime = item.starttime;
    header.comm_offset = content.placed(0).offset;
    header.comm_length = content.placed(0).length;
    header.cgroup_path_offset = content.placed(1).offset;
    header.cgroup_path_length = content.placed(1).length;
    header.cgroup_name_offset = content.placed(2).offset;
    header.cgroup_name_length = content.placed(2).length;
    header.label_count = content.label_count();
    wire::encode_unchecked(header, bytes);
    content.write(bytes, item.labels);
}

// The echo-only item: the pid and nothing else (header and three NULs).
AppsLookupItemView echo_of(std::uint32_t pid, AppsLookupStatus status) noexcept {
    AppsLookupItemView echo;
    echo.status = status;
    echo.pid = pid;
    return echo;
}

} // namespace

// --- requests ---------------------------------------------------------------

std::size_t AppsLookup::request_size(const Request& request) noexcept {
    return lookup_header_size
           + request.pids.size() * (wire::directory_entry_size + apps_lookup_key_size);
}

Result<std::size_t> AppsLookup::encode_request(const Request& request,
                                               wire::MutableBytes out) noexcept {
    if (request.pids.size() > std::numeric_limits<std::uint32_t>::max()) {
        return fail(Errc::invalid_argument, "too many pids for a u32 item count");
    }
    wire::PackedDirectoryWriter keys(out, lookup_header_size,
                                     static_cast<std::uint32_t>(request.pids.size()));
    for (const std::uint32_t pid : request.pids) {
        auto slot = keys.append(apps_lookup_key_size);
        if (!slot) {
            return std::unexpected(slot.error());
        }
        AppsLookupKey key{};
        key.pid = pid;
        wire::encode_unchecked(key, slot->data());
    }
    return finish_lookup_request(keys);
}

Result<void> AppsLookup::check_key(wire::Bytes key) noexcept {
    if (key.size() != apps_lookup_key_size) {
        return fail(Errc::bad_field, "apps lookup key is not 8 bytes");
    }
    if (auto decoded = wire::decode<AppsLookupKey>(key); !decoded) {
        return std::unexpected(decoded.error());
    }
    return {};
}

AppsLookupRequestData AppsLookup::to_owned(const AppsLookupRequestView& view) {
    AppsLookupRequestData owned;
    owned.pids.assign(view.begin(), view.end());
    return owned;
}

// --- responses --------------------------------------------------------------

Result<AppsLookupItemView> AppsLookup::decode_item(wire::Bytes item) noexcept {
    if (item.size() < apps_lookup_item_header_size) {
        return fail(Errc::truncated, "apps lookup item shorter than its 60-byte header");
    }
    auto header = wire::decode<AppsLookupItemHeader>(item);
    if (!header) {
        return std::unexpected(header.error());
    }
    if (header->status > highest_status || header->cgroup_status > highest_cgroup_status) {
        return fail(Errc::bad_status, "apps lookup item status or cgroup_status is not listed");
    }
    const StatusFields fields{header->status,
                              header->cgroup_status,
                              header->orchestrator,
                              header->ppid,
                              header->uid,
                              header->starttime,
                              header->comm_length,
                              header->cgroup_path_length,
                              header->cgroup_name_length,
                              header->label_count};
    if (const char* broken = status_rule_broken(fields); broken != nullptr) {
        return fail(Errc::bad_field, broken);
    }
    LookupItemReader reader(item, apps_lookup_item_header_size);
    auto comm = reader.string(header->comm_offset, header->comm_length);
    if (!comm) {
        return std::unexpected(comm.error());
    }
    auto path = reader.string(header->cgroup_path_offset, header->cgroup_path_length);
    if (!path) {
        return std::unexpected(path.error());
    }
    auto name = reader.string(header->cgroup_name_offset, header->cgroup_name_length);
    if (!name) {
        return std::unexpected(name.error());
    }
    auto labels = reader.labels(header->label_count);
    if (!labels) {
        return std::unexpected(labels.error());
    }
    AppsLookupItemView view;
    view.status = static_cast<AppsLookupStatus>(header->status);
    view.cgroup_status = static_cast<CgroupStatus>(header->cgroup_status);
    view.orchestrator = static_cast<Orchestrator>(header->orchestrator);
    view.pid = header->pid;
    view.ppid = header->ppid;
    view.uid = header->uid;
    view.starttime = header->starttime;
    view.comm = *comm;
    view.cgroup_path = *path;
    view.cgroup_name = *name;
    view.labels = *labels;
    return view;
}

AppsLookupItem AppsLookup::to_owned(const AppsLookupItemView& item) {
    AppsLookupItem owned;
    owned.status = item.status;
    owned.cgroup_status = item.cgroup_status;
    owned.orchestrator = item.orchestrator;
    owned.pid = item.pid;
    owned.ppid = item.ppid;
    owned.uid = item.uid;
    owned.starttime = item.starttime;
    owned.comm = item.comm;
    owned.cgroup_path = item.cgroup_path;
    owned.cgroup_name = item.cgroup_name;
    owned.labels = owned_labels(item.labels);
    return owned;
}

std::size_t AppsLookup::oversized_item_size(Key /*key*/) noexcept {
    // Header and the NULs of three empty strings.
    return apps_lookup_item_header_size + 3;
}

Result<std::size_t> AppsLookup::encode_oversized_item(Key key, wire::MutableBytes out) noexcept {
    const AppsLookupItemView echo = echo_of(key, AppsLookupStatus::oversized_item);
    auto content = describe(echo);
    if (!content) {
        return std::unexpected(content.error());
    }
    if (out.size() < content->item_size()) {
        return fail(Errc::overflow, "buffer too small for the oversized item");
    }
    write_item(out.data(), echo, *content);
    return content->item_size();
}

// --- the builder ------------------------------------------------------------

template <class Item>
Result<void> AppsLookupBuilder::add_item(const Item& item) noexcept {
    auto content = describe(item);
    if (!content) {
        return std::unexpected(content.error());
    }
    return append(content->item_size(),
                  [&](std::byte* bytes) { write_item(bytes, item, *content); });
}

Result<void> AppsLookupBuilder::add(const AppsLookupItem& item) noexcept {
    return add_item(item);
}

Result<void> AppsLookupBuilder::add(const AppsLookupItemView& item) noexcept {
    return add_item(item);
}

Result<std::size_t> AppsLookupBuilder::size_of(const AppsLookupItem& item) noexcept {
    auto content = describe(item);
    if (!content) {
        return std::unexpected(content.error());
    }
    return content->item_size();
}

std::size_t AppsLookupBuilder::echo_size(const AppsLookupItem& item) noexcept {
    return AppsLookup::oversized_item_size(item.pid);
}

Result<void> AppsLookupBuilder::add_echo(const AppsLookupItem& item, LookupCut cut) noexcept {
    return add_item(echo_of(item.pid, cut == LookupCut::payload_exceeded
                                          ? AppsLookupStatus::payload_exceeded
                                          : AppsLookupStatus::oversized_item));
}

} // namespace netipc::codecs
