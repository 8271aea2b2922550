// CGROUPS_LOOKUP (method 4): metadata for the cgroup paths a consumer just
// saw (an eBPF program, say), without a whole snapshot
// (netdata/plugin-ipc docs/codec-cgroups-lookup.md).
//
// Request: the lookup frame (codecs/lookup_frame.h) whose keys are the
// paths, each followed by its NUL (the directory length counts it).
// Response: the lookup frame with a u64 generation and one item per key,
// in key order. An item is a 28-byte header, then path NUL name NUL, then
// the labels (codecs/lookup_item.h). Every item echoes its key's path.
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

// What the provider knows of one path. Decoders reject other values.
enum class CgroupsLookupStatus : std::uint16_t {
    known = 0,
    unknown_retry_later = 1, // not (yet) known: ask again later
    unknown_permanent = 2,   // will never be known (until the generation changes)
    payload_exceeded = 3,    // not answered in this response: a Level 2 client asks again
    oversized_item = 4,      // cannot fit any response (or request): final, never retried
};
// "KNOWN", ...; empty for a value the specification does not list.
std::string_view to_string(CgroupsLookupStatus status) noexcept;

struct CgroupsLookupItemHeader {
    BOOST_HANA_DEFINE_STRUCT(CgroupsLookupItemHeader, (wire::LayoutVersion, layout_version),
                             (std::uint16_t, status), (std::uint16_t, orchestrator),
                             (wire::Reserved<2>, reserved0),
                             (std::uint32_t, path_offset), // from the item start
                             (std::uint32_t, path_length), // without NUL
                             (std::uint32_t, name_offset), (std::uint32_t, name_length),
                             (std::uint16_t, label_count), (wire::Reserved<2>, reserved1));
};
inline constexpr std::size_t cgroups_lookup_item_header_size = 28;
static_assert(wire::wire_size<CgroupsLookupItemHeader> == cgroups_lookup_item_header_size);
static_assert(wire::wire_offset<CgroupsLookupItemHeader>(BOOST_HANA_STRING("orchestrator")) == 4);
static_assert(wire::wire_offset<CgroupsLookupItemHeader>(BOOST_HANA_STRING("path_offset")) == 8);
static_assert(wire::wire_offset<CgroupsLookupItemHeader>(BOOST_HANA_STRING("path_length")) == 12);
static_assert(wire::wire_offset<CgroupsLookupItemHeader>(BOOST_HANA_STRING("name_offset")) == 16);
static_assert(wire::wire_offset<CgroupsLookupItemHeader>(BOOST_HANA_STRING("name_length")) == 20);
static_assert(wire::wire_offset<CgroupsLookupItemHeader>(BOOST_HANA_STRING("label_count")) == 24);
static_assert(wire::wire_offset<CgroupsLookupItemHeader>(BOOST_HANA_STRING("reserved1")) == 26);

// One answer, borrowed. Decoded, its strings point into the payload (each
// followed by its NUL) and are valid only while the payload bytes are;
// copy with CgroupsLookup::to_owned() to keep it. A builder also accepts
// it (copying a decoded answer into a new response).
struct CgroupsLookupItemView {
    CgroupsLookupStatus status = CgroupsLookupStatus::known;
    Orchestrator orchestrator = Orchestrator::unknown; // 0 unless KNOWN
    std::string_view path;                             // the key, echoed; never empty
    std::string_view name;                             // empty unless KNOWN
    LookupLabelsView labels;                           // none unless KNOWN
};

// One answer, owned: what a provider's handler returns per path.
struct CgroupsLookupItem {
    CgroupsLookupStatus status = CgroupsLookupStatus::known;
    Orchestrator orchestrator = Orchestrator::unknown;
    std::string path;
    std::string name;
    std::vector<LookupLabel> labels;
    friend bool operator==(const CgroupsLookupItem&, const CgroupsLookupItem&) = default;
};

// A whole response, owned.
struct CgroupsLookupData {
    std::uint64_t generation = 0; // the provider's; any value is legal
    std::vector<CgroupsLookupItem> items;
    friend bool operator==(const CgroupsLookupData&, const CgroupsLookupData&) = default;
};

// What a caller passes to encode a request: the paths, borrowed.
struct CgroupsLookupRequest {
    std::span<const std::string_view> paths;
};

struct CgroupsLookup;

// A decoded request: the paths, borrowed from the payload (each followed by
// its NUL). Valid only while the payload bytes are.
using CgroupsLookupRequestView = LookupRequestView<CgroupsLookup>;

// A decoded request, owned.
struct CgroupsLookupRequestData {
    std::vector<std::string> paths;
    friend bool operator==(const CgroupsLookupRequestData&,
                           const CgroupsLookupRequestData&) = default;
};

// A decoded, fully validated response (codecs/lookup_views.h). Borrows the
// payload bytes: valid only while they are alive and unchanged (for a
// Level 2 client, until the next call on the same client).
using CgroupsLookupView = LookupResponseView<CgroupsLookup>;

// Builds a response in a caller-owned buffer: items by their fields, never
// offsets, padding or NULs. set_generation(), add_within_budget(), finish()
// are the frame's (codecs/lookup_views.h). Not thread-safe.
class CgroupsLookupBuilder : public LookupBuilderBase<CgroupsLookupBuilder, CgroupsLookupItem> {
public:
    explicit CgroupsLookupBuilder(wire::MutableBytes out, std::uint32_t reserved_items = 8) noexcept
        : LookupBuilderBase(out, reserved_items) {}

    // Appends one item as given. Errc::overflow when the buffer is full;
    // Errc::invalid_argument for an item the decoder would reject (an empty
    // path, a NUL inside a string, an empty label key, more than 65535
    // labels, an orchestrator, name or labels on an item that is not KNOWN).
    Result<void> add(const CgroupsLookupItem& item) noexcept;
    Result<void> add(const CgroupsLookupItemView& item) noexcept;

    // For add_within_budget(): the encoded size of an item (checking it),
    // and its echo-only form.
    static Result<std::size_t> size_of(const CgroupsLookupItem& item) noexcept;
    static std::size_t echo_size(const CgroupsLookupItem& item) noexcept;
    Result<void> add_echo(const CgroupsLookupItem& item, LookupCut cut) noexcept;

private:
    template <class Item>
    Result<void> add_item(const Item& item) noexcept;
};

struct CgroupsLookup {
    static constexpr wire::MethodCode method = wire::MethodCode::cgroups_lookup;
    static constexpr bool batchable = false; // its own item directory, never a Level 1 batch

    using Request = CgroupsLookupRequest;
    using RequestView = CgroupsLookupRequestView;
    using OwnedRequest = CgroupsLookupRequestData;
    using ResponseView = CgroupsLookupView;
    using OwnedResponse = CgroupsLookupData;
    using ResponseBuilder = CgroupsLookupBuilder;
    using ItemView = CgroupsLookupItemView;
    using OwnedItem = CgroupsLookupItem;
    using Status = CgroupsLookupStatus;
    // What identifies an item: its path.
    using Key = std::string_view;

    static std::size_t request_size(const Request& request) noexcept;
    // Errc::invalid_argument for an empty path or one holding a NUL;
    // Errc::overflow when `out` is short.
    static Result<std::size_t> encode_request(const Request& request,
                                              wire::MutableBytes out) noexcept;
    // Rejects what the specification lists (a short header or directory,
    // layout, flags, reserved fields, directory entries out of order, a key
    // shorter than 2 bytes, not ending in NUL or holding another NUL).
    static Result<CgroupsLookupRequestView> decode_request(wire::Bytes in) noexcept {
        return CgroupsLookupRequestView::parse(in);
    }
    // Applies every rejection rule of the response specification; see
    // decode_item() and codecs/lookup_item.h for the errors.
    static Result<CgroupsLookupView> decode_response(wire::Bytes in) noexcept {
        return CgroupsLookupView::parse(in);
    }
    // Validates one item as its directory entry delimits it: truncated
    // (under 28 bytes), bad_layout, reserved_not_zero, bad_status (an
    // unlisted status), bad_field (an empty path; an orchestrator, name or
    // labels on an item that is not KNOWN), then the string and label rules.
    static Result<CgroupsLookupItemView> decode_item(wire::Bytes item) noexcept;

    static std::size_t encoded_size(const CgroupsLookupData& response) noexcept {
        return lookup_encoded_size<CgroupsLookupBuilder>(response);
    }
    static Result<std::size_t> encode_response(const CgroupsLookupData& response,
                                               wire::MutableBytes out) noexcept {
        return encode_lookup_data<CgroupsLookupBuilder>(response, out);
    }

    static CgroupsLookupRequestData to_owned(const CgroupsLookupRequestView& view);
    static CgroupsLookupData to_owned(const CgroupsLookupView& view) {
        return owned_response(view);
    }
    static CgroupsLookupItem to_owned(const CgroupsLookupItemView& item);

    // --- what the Level 2 split-and-stitch loop needs (services/lookup_call.h)
    static Request request_for(std::span<const Key> keys) noexcept { return {keys}; }
    // A request key's own rules: bad_field (shorter than a path byte and its
    // NUL, or a NUL inside the path), missing_nul (no final NUL).
    static Result<void> check_key(wire::Bytes key) noexcept;
    static Key key_at(wire::Bytes key) noexcept {
        return {reinterpret_cast<const char*>(key.data()), key.size() - 1};
    }
    // Bytes a key takes in a request's packed area: the path and its NUL.
    static std::size_t key_size(Key key) noexcept { return key.size() + 1; }
    static bool echoes(const ItemView& item, Key key) noexcept { return item.path == key; }
    static Key key_of(const OwnedItem& item) noexcept { return item.path; }
    // What a provider answers for a path it has never heard of.
    static OwnedItem unknown_item(Key key) {
        return {Status::unknown_permanent, Orchestrator::unknown, std::string(key), {}, {}};
    }
    static bool payload_exceeded(const ItemView& item) noexcept {
        return item.status == Status::payload_exceeded;
    }
    static bool oversized(const ItemView& item) noexcept {
        return item.status == Status::oversized_item;
    }
    // A key that cannot travel in any request the client may send is
    // answered locally: OVERSIZED_ITEM echoing the path. Errc::overflow when
    // `out` is short.
    static std::size_t oversized_item_size(Key key) noexcept;
    static Result<std::size_t> encode_oversized_item(Key key, wire::MutableBytes out) noexcept;
};

static_assert(Codec<CgroupsLookup>);
static_assert(LookupCodec<CgroupsLookup>);

} // namespace netipc::codecs
