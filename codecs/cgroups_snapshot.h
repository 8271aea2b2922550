// CGROUPS_SNAPSHOT (method 2): the whole cgroups table a provider (Netdata's
// cgroups plugin) publishes to consumers (e.g. the eBPF plugin).
//
// Request: { u16 layout_version = 1, u16 flags = 0 }.
// Response: a 24-byte snapshot header, an item directory of exactly
// item_count 8-byte entries, then the 8-aligned items. Each item is a 32-byte
// item header followed by name, NUL, path, NUL. The response is never padded
// after its last item and always travels as a single (non-batch) message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "codecs/indexed_iterator.h"
#include "netipc/concepts/codec.h"
#include "netipc/wire/hello.h"
#include "netipc/wire/layout.h"
#include "netipc/wire/packed_directory.h"

namespace netipc::codecs {

struct CgroupsSnapshotRequestPayload {
    BOOST_HANA_DEFINE_STRUCT(CgroupsSnapshotRequestPayload, (wire::LayoutVersion, layout_version),
                             (wire::Reserved<2>, flags));
};

struct CgroupsSnapshotHeader {
    BOOST_HANA_DEFINE_STRUCT(CgroupsSnapshotHeader, (wire::LayoutVersion, layout_version),
                             (wire::Reserved<2>, flags), (std::uint32_t, item_count),
                             (std::uint32_t, systemd_enabled), (wire::Reserved<4>, reserved),
                             (std::uint64_t, generation));
};

struct CgroupsItemHeader {
    BOOST_HANA_DEFINE_STRUCT(CgroupsItemHeader, (wire::LayoutVersion, layout_version),
                             (wire::Reserved<2>, flags), (std::uint32_t, hash),
                             (std::uint32_t, options), (std::uint32_t, enabled),
                             (std::uint32_t, name_offset), // from the item start
                             (std::uint32_t, name_length), // without NUL
                             (std::uint32_t, path_offset), (std::uint32_t, path_length));
};

inline constexpr std::size_t cgroups_request_size = 4;
inline constexpr std::size_t cgroups_snapshot_header_size = 24;
inline constexpr std::size_t cgroups_item_header_size = 32;
static_assert(wire::wire_size<CgroupsSnapshotRequestPayload> == cgroups_request_size);
static_assert(wire::wire_size<CgroupsSnapshotHeader> == cgroups_snapshot_header_size);
static_assert(wire::wire_offset<CgroupsSnapshotHeader>(BOOST_HANA_STRING("item_count")) == 4);
static_assert(wire::wire_offset<CgroupsSnapshotHeader>(BOOST_HANA_STRING("systemd_enabled")) == 8);
static_assert(wire::wire_offset<CgroupsSnapshotHeader>(BOOST_HANA_STRING("reserved")) == 12);
static_assert(wire::wire_offset<CgroupsSnapshotHeader>(BOOST_HANA_STRING("generation")) == 16);
static_assert(wire::wire_size<CgroupsItemHeader> == cgroups_item_header_size);
static_assert(wire::wire_offset<CgroupsItemHeader>(BOOST_HANA_STRING("hash")) == 4);
static_assert(wire::wire_offset<CgroupsItemHeader>(BOOST_HANA_STRING("options")) == 8);
static_assert(wire::wire_offset<CgroupsItemHeader>(BOOST_HANA_STRING("enabled")) == 12);
static_assert(wire::wire_offset<CgroupsItemHeader>(BOOST_HANA_STRING("name_offset")) == 16);
static_assert(wire::wire_offset<CgroupsItemHeader>(BOOST_HANA_STRING("name_length")) == 20);
static_assert(wire::wire_offset<CgroupsItemHeader>(BOOST_HANA_STRING("path_offset")) == 24);
static_assert(wire::wire_offset<CgroupsItemHeader>(BOOST_HANA_STRING("path_length")) == 28);

// One cgroup, borrowed. In a decoded snapshot the strings point into the
// payload (each followed by a NUL, so name.data() is a C string) and are
// valid only while the payload bytes are; copy with to_owned() to keep it.
// The builder also accepts it as input, borrowing the caller's strings.
struct CgroupsItemView {
    std::uint32_t hash = 0; // simple_hash(name): with name, the item's identity
    std::uint32_t options = 0;
    std::uint32_t enabled = 0;
    std::string_view name;
    std::string_view path;
};

// One cgroup, owned.
struct CgroupsItem {
    std::uint32_t hash = 0;
    std::uint32_t options = 0;
    std::uint32_t enabled = 0;
    std::string name;
    std::string path;

    [[nodiscard]] CgroupsItemView view() const noexcept {
        return {hash, options, enabled, name, path};
    }
    friend bool operator==(const CgroupsItem&, const CgroupsItem&) = default;
};

// A whole snapshot, owned.
struct CgroupsSnapshotData {
    std::uint32_t systemd_enabled = 0;
    std::uint64_t generation = 0;
    std::vector<CgroupsItem> items;
    friend bool operator==(const CgroupsSnapshotData&, const CgroupsSnapshotData&) = default;
};

// A decoded request. Holds its fields by copy (no lifetime constraint).
struct CgroupsSnapshotRequestView {
    std::uint16_t layout_version = wire::payload_layout_version;
};

// The request carries no caller data: the layout version is fixed.
struct CgroupsSnapshotRequest {};

// A decoded, fully validated snapshot response. Borrows the payload bytes:
// valid only while they are alive and unchanged (for a Level 2 client, until
// the next call on the same client). Copy with to_owned() to keep it.
class CgroupsSnapshotView {
public:
    [[nodiscard]] std::uint32_t systemd_enabled() const noexcept { return systemd_enabled_; }
    [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }
    [[nodiscard]] std::uint32_t size() const noexcept { return items_.size(); }
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }
    // Item `index` (< size()). Every item was validated by the decoder.
    CgroupsItemView operator[](std::uint32_t index) const noexcept;

    using Iterator = IndexedIterator<CgroupsSnapshotView>;
    [[nodiscard]] Iterator begin() const noexcept { return {this, 0}; }
    [[nodiscard]] Iterator end() const noexcept { return {this, size()}; }

private:
    friend struct CgroupsSnapshot;
    std::uint32_t systemd_enabled_ = 0;
    std::uint64_t generation_ = 0;
    wire::PackedDirectoryView items_;
};

// Builds a snapshot response in a caller-owned buffer. The item count need
// not be known in advance; `reserved_items` only avoids directory slides.
// Not thread-safe.
class CgroupsSnapshotBuilder {
public:
    explicit CgroupsSnapshotBuilder(wire::MutableBytes out,
                                    std::uint32_t reserved_items = 8) noexcept
        : items_(out, cgroups_snapshot_header_size, reserved_items) {}

    void set_systemd_enabled(std::uint32_t value) noexcept { systemd_enabled_ = value; }
    void set_generation(std::uint64_t value) noexcept { generation_ = value; }

    // Appends one item (strings are copied, NULs added). Errc::overflow when
    // the buffer is full; Errc::invalid_argument for a string over 4 GiB.
    Result<void> add(const CgroupsItemView& item) noexcept;
    Result<void> add(const CgroupsItem& item) noexcept { return add(item.view()); }

    // Writes the snapshot header, compacts the directory and returns the
    // payload length.
    Result<std::size_t> finish() noexcept;
    void reset() noexcept { items_.reset(); }
    [[nodiscard]] std::uint32_t item_count() const noexcept { return items_.item_count(); }

private:
    wire::PackedDirectoryWriter items_;
    std::uint32_t systemd_enabled_ = 0;
    std::uint64_t generation_ = 0;
};

struct CgroupsSnapshot {
    static constexpr wire::MethodCode method = wire::MethodCode::cgroups_snapshot;
    static constexpr bool batchable = false; // always one self-contained message

    using Request = CgroupsSnapshotRequest;
    using RequestView = CgroupsSnapshotRequestView;
    using OwnedRequest = CgroupsSnapshotRequestView;
    using ResponseView = CgroupsSnapshotView;
    using OwnedResponse = CgroupsSnapshotData;
    using ResponseBuilder = CgroupsSnapshotBuilder;

    static std::size_t request_size(const Request&) noexcept { return cgroups_request_size; }
    static Result<std::size_t> encode_request(const Request&, wire::MutableBytes out) noexcept {
        return wire::encode(CgroupsSnapshotRequestPayload{}, out);
    }
    // Rejects a short payload (Errc::truncated), an unknown layout_version
    // (Errc::bad_layout) and non-zero flags (Errc::reserved_not_zero).
    static Result<CgroupsSnapshotRequestView> decode_request(wire::Bytes in) noexcept;

    // Applies every rejection rule of the snapshot specification; see
    // cgroups_snapshot.cc for the list and the error each one yields.
    static Result<CgroupsSnapshotView> decode_response(wire::Bytes in) noexcept;

    // Exact payload size of `snapshot` once encoded.
    static std::size_t encoded_size(const CgroupsSnapshotData& snapshot) noexcept;
    static Result<std::size_t> encode_response(const CgroupsSnapshotData& snapshot,
                                               wire::MutableBytes out) noexcept;

    static CgroupsSnapshotRequestView to_owned(const CgroupsSnapshotRequestView& view) noexcept {
        return view;
    }
    static CgroupsSnapshotData to_owned(const CgroupsSnapshotView& view);
    static CgroupsItem to_owned(const CgroupsItemView& item);

    // Validates one item (bytes as its directory entry delimits them).
    static Result<CgroupsItemView> decode_item(wire::Bytes item) noexcept;
};

static_assert(Codec<CgroupsSnapshot>);

} // namespace netipc::codecs
