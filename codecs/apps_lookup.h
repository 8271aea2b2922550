// APPS_LOOKUP (method 5): what a provider knows of the processes a
// consumer just saw, with their cgroup metadata already joined
// (netdata/plugin-ipc docs/codec-apps-lookup.md).
//
// Request: the lookup frame (codecs/lookup_frame.h) whose keys are 8
// binary bytes {u32 pid, u32 reserved = 0}: not strings, no NUL.
// Response: the lookup frame with a u64 generation and one item per key, in
// key order. An item is a 60-byte header (never sizeof of a C struct: that
// would be 64), then comm NUL cgroup_path NUL cgroup_name NUL, then the
// labels (codecs/lookup_item.h). Every item echoes its key's pid.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "codecs/lookup_frame.h"
#include "codecs/lookup_item.h"
#include "codecs/lookup_views.h"
#include "netipc/concepts/codec.h"
#include "netipc/concepts/lookup_codec.h"
#include "netipc/wire/layout.h"

namespace netipc::codecs {

// What the provider knows of one pid. Decoders reject other values.
enum class AppsLookupStatus : std::uint16_t {
    known = 0,
    unknown = 1,          // the provider does not know this pid
    payload_exceeded = 2, // not answered in this response: a Level 2 client asks again
    oversized_item = 3,   // cannot fit any response: final, never retried
};

// What the provider knows of a known pid's cgroup. Decoders reject other
// values.
enum class CgroupStatus : std::uint16_t {
    known = 0,
    unknown_retry_later = 1, // not available yet (the path may be empty)
    unknown_permanent = 2,   // will never be known (until the generation changes)
    host_root = 3,           // the process runs in the host's root cgroup
};

// "KNOWN", ...; empty for a value the specification does not list.
std::string_view to_string(AppsLookupStatus status) noexcept;
std::string_view to_string(CgroupStatus status) noexcept;

// `uid` of an item that has none.
inline constexpr std::uint32_t uid_unset = 0xFFFFFFFF;
// The longest comm (the kernel's TASK_COMM_LEN less its NUL).
inline constexpr std::size_t max_comm_length = 15;

struct AppsLookupKey {
    BOOST_HANA_DEFINE_STRUCT(AppsLookupKey, (std::uint32_t, pid), (wire::Reserved<4>, reserved));
};
inline constexpr std::size_t apps_lookup_key_size = 8;
static_assert(wire::wire_size<AppsLookupKey> == apps_lookup_key_size);

struct AppsLookupItemHeader {
    BOOST_HANA_DEFINE_STRUCT(
        AppsLookupItemHeader, (wire::LayoutVersion, layout_version), (std::uint16_t, status),
        (std::uint16_t, orchestrator), (std::uint16_t, cgroup_status), (std::uint32_t, pid),
        (std::uint32_t, ppid), (std::uint32_t, uid), (wire::Reserved<4>, reserved0),
        (std::uint64_t, starttime), (std::uint32_t, comm_offset), (std::uint32_t, comm_length),
        (std::uint32_t, cgroup_path_offset), (std::uint32_t, cgroup_path_length),
        (std::uint32_t, cgroup_name_offset), (std::uint32_t, cgroup_name_length),
        (std::uint16_t, label_count), (wire::Reserved<2>, reserved1));
};
inline constexpr std::size_t apps_lookup_item_header_size = 60;
static_assert(wire::wire_size<AppsLookupItemHeader> == apps_lookup_item_header_size);
static_assert(wire::wire_offset<AppsLookupItemHeader>(BOOST_HANA_STRING("cgroup_status")) == 6);
static_assert(wire::wire_offset<AppsLookupItemHeader>(BOOST_HANA_STRING("pid")) == 8);
static_assert(wire::wire_offset<AppsLookupItemHeader>(BOOST_HANA_STRING("uid")) == 16);
static_assert(wire::wire_offset<AppsLookupItemHeader>(BOOST_HANA_STRING("reserved0")) == 20);
static_assert(wire::wire_offset<AppsLookupItemHeader>(BOOST_HANA_STRING("starttime")) == 24);
static_assert(wire::wire_offset<AppsLookupItemHeader>(BOOST_HANA_STRING("comm_offset")) == 32);
static_assert(wire::wire_offset<AppsLookupItemHeader>(BOOST_HANA_STRING("cgroup_path_offset"))
              == 40);
static_assert(wire::wire_offset<AppsLookupItemHeader>(BOOST_HANA_STRING("cgroup_name_offset"))
              == 48);
static_assert(wire::wire_offset<AppsLookupItemHeader>(BOOST_HANA_STRING("label_count")) == 56);
static_assert(wire::wire_offset<AppsLookupItemHeader>(BOOST_HANA_STRING("reserved1")) == 58);

// One answer, borrowed. Decoded, its strings point into the payload (each
// followed by its NUL) and are valid only while the payload bytes are;
// copy with AppsLookup::to_owned() to keep it. A builder also accepts it.
//
// A pid that is not KNOWN carries nothing but its pid (uid = uid_unset,
// everything else zero or empty). A KNOWN pid has a comm of 1-15 bytes;
// its cgroup fields follow cgroup_status: KNOWN has a path, may have a
// name, labels and an orchestrator; UNKNOWN_RETRY_LATER may have a path;
// UNKNOWN_PERMANENT has a path; HOST_ROOT has nothing.
struct AppsLookupItemView {
    AppsLookupStatus status = AppsLookupStatus::known;
    CgroupStatus cgroup_status = CgroupStatus::known;
    Orchestrator orchestrator = Orchestrator::unknown;
    std::uint32_t pid = 0; // the key, echoed
    std::uint32_t ppid = 0;
    std::uint32_t uid = uid_unset;
    std::uint64_t starttime = 0; // /proc/<pid>/stat field 22 (jiffies since boot); 0 elsewhere
    std::string_view comm;
    std::string_view cgroup_path;
    std::string_view cgroup_name;
    LookupLabelsView labels;
};

// One answer, owned: what a provider's handler returns per pid.
struct AppsLookupItem {
    AppsLookupStatus status = AppsLookupStatus::known;
    CgroupStatus cgroup_status = CgroupStatus::known;
    Orchestrator orchestrator = Orchestrator::unknown;
    std::uint32_t pid = 0;
    std::uint32_t ppid = 0;
    std::uint32_t uid = uid_unset;
    std::uint64_t starttime = 0;
    std::string comm;
    std::string cgroup_path;
    std::string cgroup_name;
    std::vector<LookupLabel> labels;
    friend bool operator==(const AppsLookupItem&, const AppsLookupItem&) = default;
};

// The answer for a pid that is not KNOWN (UNKNOWN, or a builder's marks).
AppsLookupItem apps_lookup_unknown(std::uint32_t pid,
                                   AppsLookupStatus status = AppsLookupStatus::unknown);

// A whole response, owned.
struct AppsLookupData {
    std::uint64_t generation = 0; // the provider's; any value is legal
    std::vector<AppsLookupItem> items;
    friend bool operator==(const AppsLookupData&, const AppsLookupData&) = default;
};

// What a caller passes to encode a request: the pids, borrowed.
struct AppsLookupRequest {
    std::span<const std::uint32_t> pids;
};

struct AppsLookup;

// A decoded request: the pids, read from the payload on access.
using AppsLookupRequestView = LookupRequestView<AppsLookup>;

// A decoded request, owned.
struct AppsLookupRequestData {
    std::vector<std::uint32_t> pids;
    friend bool operator==(const AppsLookupRequestData&, const AppsLookupRequestData&) = default;
};

// A decoded, fully validated response (codecs/lookup_views.h). Borrows the
// payload bytes: valid only while they are alive and unchanged (for a
// Level 2 client, until the next call on the same client).
using AppsLookupView = LookupResponseView<AppsLookup>;

// Builds a response in a caller-owned buffer: items by their fields, never
// offsets, padding or NULs. set_generation(), add_within_budget(), finish()
// are the frame's (codecs/lookup_views.h). Not thread-safe.
class AppsLookupBuilder : public LookupBuilderBase<AppsLookupBuilder, AppsLookupItem> {
public:
    explicit AppsLookupBuilder(wire::MutableBytes out, std::uint32_t reserved_items = 8) noexcept
        : LookupBuilderBase(out, reserved_items) {}

    // Appends one item as given. Errc::overflow when the buffer is full;
    // Errc::invalid_argument for an item the decoder would reject (a field
    // its statuses forbid, a comm over 15 bytes or empty on a KNOWN pid, a
    // NUL inside a string, an empty label key, more than 65535 labels).
    Result<void> add(const AppsLookupItem& item) noexcept;
    Result<void> add(const AppsLookupItemView& item) noexcept;

    // For add_within_budget().
    static Result<std::size_t> size_of(const AppsLookupItem& item) noexcept;
    static std::size_t echo_size(const AppsLookupItem& item) noexcept;
    Result<void> add_echo(const AppsLookupItem& item, LookupCut cut) noexcept;

private:
    template <class Item>
    Result<void> add_item(const Item& item) noexcept;
};

struct AppsLookup {
    static constexpr wire::MethodCode method = wire::MethodCode::apps_lookup;
    static constexpr bool batchable = false; // its own item directory, never a Level 1 batch

    using Request = AppsLookupRequest;
    using RequestView = AppsLookupRequestView;
    using OwnedRequest = AppsLookupRequestData;
    using ResponseView = AppsLookupView;
    using OwnedResponse = AppsLookupData;
    using ResponseBuilder = AppsLookupBuilder;
    using ItemView = AppsLookupItemView;
    using OwnedItem = AppsLookupItem;
    using Status = AppsLookupStatus;
    // What identifies an item: its pid.
    using Key = std::uint32_t;

    static std::size_t request_size(const Request& request) noexcept;
    static Result<std::size_t> encode_request(const Request& request,
                                              wire::MutableBytes out) noexcept;
    // Rejects what the specification lists (a short header or directory,
    // layout, flags, reserved fields, directory entries out of order, a key
    // length other than 8 (bad_field), a non-zero key reserved field).
    static Result<AppsLookupRequestView> decode_request(wire::Bytes in) noexcept {
        return AppsLookupRequestView::parse(in);
    }
    static Result<AppsLookupView> decode_response(wire::Bytes in) noexcept {
        return AppsLookupView::parse(in);
    }
    // Validates one item: truncated (under 60 bytes), bad_layout,
    // reserved_not_zero, bad_status (an unlisted status or cgroup_status),
    // bad_field (comm over 15 bytes; a field the statuses forbid), then the
    // string and label rules (codecs/lookup_item.h).
    static Result<AppsLookupItemView> decode_item(wire::Bytes item) noexcept;

    static std::size_t encoded_size(const AppsLookupData& response) noexcept {
        return lookup_encoded_size<AppsLookupBuilder>(response);
    }
    static Result<std::size_t> encode_response(const AppsLookupData& response,
                                               wire::MutableBytes out) noexcept {
        return encode_lookup_data<AppsLookupBuilder>(response, out);
    }

    static AppsLookupRequestData to_owned(const AppsLookupRequestView& view);
    static AppsLookupData to_owned(const AppsLookupView& view) { return owned_response(view); }
    static AppsLookupItem to_owned(const AppsLookupItemView& item);

    // --- what the Level 2 split-and-stitch loop needs (services/lookup_call.h)
    static Request request_for(std::span<const Key> keys) noexcept { return {keys}; }
    // A request key's own rules: bad_field (not 8 bytes), reserved_not_zero.
    static Result<void> check_key(wire::Bytes key) noexcept;
    static Key key_at(wire::Bytes key) noexcept { return wire::load<std::uint32_t>(key.data()); }
    // Bytes a key takes in a request's packed area.
    static std::size_t key_size(Key /*key*/) noexcept { return apps_lookup_key_size; }
    static bool echoes(const ItemView& item, Key key) noexcept { return item.pid == key; }
    static Key key_of(const OwnedItem& item) noexcept { return item.pid; }
    // What a provider answers for a pid it has never heard of.
    static OwnedItem unknown_item(Key key) { return apps_lookup_unknown(key); }
    static bool payload_exceeded(const ItemView& item) noexcept {
        return item.status == Status::payload_exceeded;
    }
    static bool oversized(const ItemView& item) noexcept {
        return item.status == Status::oversized_item;
    }
    static std::size_t oversized_item_size(Key key) noexcept;
    static Result<std::size_t> encode_oversized_item(Key key, wire::MutableBytes out) noexcept;
};

static_assert(Codec<AppsLookup>);
static_assert(LookupCodec<AppsLookup>);

} // namespace netipc::codecs
