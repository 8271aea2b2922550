#include "codecs/cgroups_lookup.h"

#include <cstring>
#include <limits>

namespace netipc::codecs {

std::string_view to_string(CgroupsLookupStatus status) noexcept {
    switch (status) {
        case CgroupsLookupStatus::known:
            return "KNOWN";
        case CgroupsLookupStatus::unknown_retry_later:
            return "UNKNOWN_RETRY_LATER";
        case CgroupsLookupStatus::unknown_permanent:
            return "UNKNOWN_PERMANENT";
        case CgroupsLookupStatus::payload_exceeded:
            return "PAYLOAD_EXCEEDED";
        case CgroupsLookupStatus::oversized_item:
            return "OVERSIZED_ITEM";
    }
    return {};
}

namespace {

constexpr auto highest_status = static_cast<std::uint16_t>(CgroupsLookupStatus::oversized_item);

// The item's strings and labels, checked against the encoder-side rules
// the decoder enforces.
template <class Labels>
Result<LookupItemContent> describe(CgroupsLookupStatus status, Orchestrator orchestrator,
                                   std::string_view path, std::string_view name,
                                   const Labels& labels) noexcept {
    if (static_cast<std::uint16_t>(status) > highest_status) {
        return fail(Errc::invalid_argument, "cgroups lookup status outside the specification");
    }
    if (path.empty()) {
        return fail(Errc::invalid_argument, "cgroups lookup item path is empty");
    }
    if (status != CgroupsLookupStatus::known
        && (orchestrator != Orchestrator::unknown || !name.empty()
            || std::ranges::size(labels) != 0)) {
        return fail(Errc::invalid_argument,
                    "only a KNOWN cgroups lookup item carries orchestrator, name or labels");
    }
    LookupItemContent content(cgroups_lookup_item_header_size);
    content.add_string(path);
    content.add_string(name);
    if (auto checked = content.check_strings(); !checked) {
        return std::unexpected(checked.error());
    }
    if (auto set = content.set_labels(labels); !set) {
        return std::unexpected(set.error());
    }
    return content;
}

template <class Item>
Result<LookupItemContent> describe(const Item& item) noexcept {
    return describe(item.status, item.orchestrator, item.path, item.name, item.labels);
}

// Writes the described item into `bytes` (content.item_size() of them).
template <class Labels>
void write_item(std::byte* bytes, CgroupsLookupStatus status, Orchestrator orchestrator,
                const LookupItemContent& content, const Labels& labels) noexcept {
    CgroupsLookupItemHeader header{};
    header.status = static_cast<std::uint16_t>(status);
    header.orchestrator = static_cast<std::uint16_t>(orchestrator);
    header.path_offset = content.placed(0).offset;
    header.path_length = content.placed(0).length;
    header.name_offset = content.placed(1).offset;
    header.name_length = content.placed(1).length;
    header.label_count = content.label_count();
    wire::encode_unchecked(header, bytes);
    content.write(bytes, labels);
}

constexpr std::span<const LookupLabelView> no_labels{};

} // namespace

// --- requests ---------------------------------------------------------------

std::size_t CgroupsLookup::request_size(const Request& request) noexcept {
    LookupPayloadSize size;
    for (const std::string_view path : request.paths) {
        size.add(CgroupsLookup::key_size(path));
    }
    return size.total();
}

Result<std::size_t> CgroupsLookup::encode_request(const Request& request,
                                                  wire::MutableBytes out) noexcept {
    if (request.paths.size() > std::numeric_limits<std::uint32_t>::max()) {
        return fail(Errc::invalid_argument, "too many paths for a u32 item count");
    }
    wire::PackedDirectoryWriter keys(out, lookup_header_size,
                                     static_cast<std::uint32_t>(request.paths.size()));
    for (const std::string_view path : request.paths) {
        if (path.empty() || path.find('\0') != std::string_view::npos) {
            return fail(Errc::invalid_argument, "a lookup path is empty or contains a NUL");
        }
        auto slot = keys.append(CgroupsLookup::key_size(path));
        if (!slot) {
            return std::unexpected(slot.error());
        }
        std::memcpy(slot->data(), path.data(), path.size());
        (*slot)[path.size()] = std::byte{0};
    }
    return finish_lookup_request(keys);
}

Result<void> CgroupsLookup::check_key(wire::Bytes key) noexcept {
    if (key.size() < 2) {
        return fail(Errc::bad_field, "cgroups lookup key shorter than a path byte and NUL");
    }
    if (key.back() != std::byte{0}) {
        return fail(Errc::missing_nul, "cgroups lookup key does not end with NUL");
    }
    if (key_at(key).find('\0') != std::string_view::npos) {
        return fail(Errc::bad_field, "cgroups lookup key contains a NUL inside the path");
    }
    return {};
}

CgroupsLookupRequestData CgroupsLookup::to_owned(const CgroupsLookupRequestView& view) {
    CgroupsLookupRequestData owned;
    owned.paths.reserve(view.size());
    for (const std::string_view path : view) {
        owned.paths.emplace_back(path);
    }
    return owned;
}

// --- responses --------------------------------------------------------------

Result<CgroupsLookupItemView> CgroupsLookup::decode_item(wire::Bytes item) noexcept {
    if (item.size() < cgroups_lookup_item_header_size) {
        return fail(Errc::truncated, "cgroups lookup item shorter than its 28-byte header");
    }
    auto header = wire::decode<CgroupsLookupItemHeader>(item);
    if (!header) {
        return std::unexpected(header.error());
    }
    if (header->status > highest_status) {
        return fail(Errc::bad_status, "cgroups lookup item status is not listed");
    }
    const auto status = static_cast<CgroupsLookupStatus>(header->status);
    if (header->path_length == 0) {
        return fail(Errc::bad_field, "cgroups lookup item path is empty");
    }
    if (status != CgroupsLookupStatus::known
        && (header->orchestrator != 0 || header->name_length != 0 || header->label_count != 0)) {
        return fail(Errc::bad_field,
                    "cgroups lookup item that is not KNOWN carries orchestrator, name or labels");
    }
    LookupItemReader reader(item, cgroups_lookup_item_header_size);
    auto path = reader.string(header->path_offset, header->path_length);
    if (!path) {
        return std::unexpected(path.error());
    }
    auto name = reader.string(header->name_offset, header->name_length);
    if (!name) {
        return std::unexpected(name.error());
    }
    auto labels = reader.labels(header->label_count);
    if (!labels) {
        return std::unexpected(labels.error());
    }
    return CgroupsLookupItemView{status, static_cast<Orchestrator>(header->orchestrator), *path,
                                 *name, *labels};
}

CgroupsLookupItem CgroupsLookup::to_owned(const CgroupsLookupItemView& item) {
    return {item.status, item.orchestrator, std::string(item.path), std::string(item.name),
            owned_labels(item.labels)};
}

std::size_t CgroupsLookup::oversized_item_size(Key key) noexcept {
    // Header, path NUL, and the empty name's own NUL.
    return cgroups_lookup_item_header_size + key.size() + 2;
}

Result<std::size_t> CgroupsLookup::encode_oversized_item(Key key, wire::MutableBytes out) noexcept {
    auto content = describe(Status::oversized_item, Orchestrator::unknown, key, {}, no_labels);
    if (!content) {
        return std::unexpected(content.error());
    }
    if (out.size() < content->item_size()) {
        return fail(Errc::overflow, "buffer too small for the oversized item");
    }
    write_item(out.data(), Status::oversized_item, Orchestrator::unknown, *content, no_labels);
    return content->item_size();
}

// --- the builder ------------------------------------------------------------

template <class Item>
Result<void> CgroupsLookupBuilder::add_item(const Item& item) noexcept {
    auto content = describe(item);
    if (!content) {
        return std::unexpected(content.error());
    }
    return append(content->item_size(), [&](std::byte* bytes) {
        write_item(bytes, item.status, item.orchestrator, *content, item.labels);
    });
}

Result<void> CgroupsLookupBuilder::add(const CgroupsLookupItem& item) noexcept {
    return add_item(item);
}

Result<void> CgroupsLookupBuilder::add(const CgroupsLookupItemView& item) noexcept {
    return add_item(item);
}

Result<std::size_t> CgroupsLookupBuilder::size_of(const CgroupsLookupItem& item) noexcept {
    auto content = describe(item);
    if (!content) {
        return std::unexpected(content.error());
    }
    return content->item_size();
}

std::size_t CgroupsLookupBuilder::echo_size(const CgroupsLookupItem& item) noexcept {
    return CgroupsLookup::oversized_item_size(item.path);
}

Result<void> CgroupsLookupBuilder::add_echo(const CgroupsLookupItem& item, LookupCut cut) noexcept {
    const CgroupsLookupItemView echo{cut == LookupCut::payload_exceeded
                                         ? CgroupsLookupStatus::payload_exceeded
                                         : CgroupsLookupStatus::oversized_item,
                                     Orchestrator::unknown,
                                     item.path,
                                     {},
                                     {}};
    return add_item(echo);
}

} // namespace netipc::codecs
