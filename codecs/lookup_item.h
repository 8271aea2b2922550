// The inside of one lookup response item, shared by CGROUPS_LOOKUP (method
// 4) and APPS_LOOKUP (method 5): the orchestrator values, NUL-terminated
// strings addressed from the item start, and the label table
// (netdata/plugin-ipc docs/codec-cgroups-lookup.md and
// docs/codec-apps-lookup.md, "Labels").
//
// An item is its fixed header, then its strings back to back (each followed
// by its NUL, empty ones too), then, when it has labels, zero padding up to
// the next multiple of 8 (from the item start), a table of 16-byte entries
// {u32 key_offset, u32 key_length, u32 value_offset, u32 value_length} and
// the label strings in table order: key NUL value NUL key NUL ... The item
// ends at the last NUL. No header field records where the table starts.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <ranges>
#include <string>
#include <string_view>

#include <boost/hana/define_struct.hpp>

#include "codecs/indexed_iterator.h"
#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "netipc/wire/layout.h"

namespace netipc::codecs {

// Who runs a cgroup. Decoders pass unlisted values through unchanged (the
// specification demands it), so an Orchestrator may hold any u16.
enum class Orchestrator : std::uint16_t {
    unknown = 0,
    systemd = 1,
    docker = 2,
    k8s = 3,
    kvm = 4,
    lxc = 5,
    podman = 6,
    nspawn = 7,
};

// "SYSTEMD", ...; empty for a value the specification does not list.
std::string_view to_string(Orchestrator orchestrator) noexcept;

struct LookupLabelEntry {
    BOOST_HANA_DEFINE_STRUCT(LookupLabelEntry, (std::uint32_t, key_offset),
                             (std::uint32_t, key_length), (std::uint32_t, value_offset),
                             (std::uint32_t, value_length));
};
inline constexpr std::size_t lookup_label_entry_size = 16;
static_assert(wire::wire_size<LookupLabelEntry> == lookup_label_entry_size);
static_assert(wire::wire_offset<LookupLabelEntry>(BOOST_HANA_STRING("value_offset")) == 8);
// Entries are read with one memcpy, so the in-memory struct must match the wire.
static_assert(sizeof(LookupLabelEntry) == lookup_label_entry_size);

// One label, borrowed: from a decoded item (pointing into the payload, each
// string followed by its NUL) or from a caller filling a builder.
struct LookupLabelView {
    std::string_view key; // never empty on the wire
    std::string_view value;
    friend bool operator==(const LookupLabelView&, const LookupLabelView&) = default;
};

// One label, owned.
struct LookupLabel {
    std::string key;
    std::string value;
    [[nodiscard]] LookupLabelView view() const noexcept { return {key, value}; }
    friend bool operator==(const LookupLabel&, const LookupLabel&) = default;
};

// The label table of a validated item. Borrows the payload bytes like the
// item view it belongs to.
class LookupLabelsView {
public:
    LookupLabelsView() = default;
    LookupLabelsView(wire::Bytes item, std::uint32_t table_offset, std::uint16_t count) noexcept
        : item_(item), table_offset_(table_offset), count_(count) {}

    [[nodiscard]] std::uint32_t size() const noexcept { return count_; }
    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
    // Label `index` (< size()); validated when the item was decoded.
    LookupLabelView operator[](std::uint32_t index) const noexcept;

    [[nodiscard]] IndexedIterator<LookupLabelsView> begin() const noexcept { return {this, 0}; }
    [[nodiscard]] IndexedIterator<LookupLabelsView> end() const noexcept { return {this, size()}; }

private:
    wire::Bytes item_;
    std::uint32_t table_offset_ = 0;
    std::uint16_t count_ = 0;
};

// What a builder accepts as an item's labels: any sized range of elements
// with string-like `key` and `value` members (LookupLabel, LookupLabelView,
// a LookupLabelsView of a decoded item).
template <class R>
concept LookupLabelRange = std::ranges::forward_range<R> && std::ranges::sized_range<R>
                           && requires(std::ranges::range_reference_t<R> label) {
                                  { std::string_view(label.key) };
                                  { std::string_view(label.value) };
                              };

// The strings and labels of one item as the encoder lays them out. A
// builder describes the item with it first (for the size and the checks),
// then writes it into the room it reserved.
class LookupItemContent {
public:
    static constexpr std::size_t max_strings = 3;

    // `header_size` is the item's fixed header (28 or 60 bytes).
    explicit LookupItemContent(std::size_t header_size) noexcept : header_size_(header_size) {}

    // Appends the next string (path, name, ...), in wire order.
    void add_string(std::string_view text) noexcept;

    // Records the labels. Errc::invalid_argument for more than 65535 labels,
    // an empty key, or a NUL inside a key or value.
    template <LookupLabelRange R>
    Result<void> set_labels(const R& labels) noexcept {
        if (std::ranges::size(labels) > 0xFFFFU) {
            return fail(Errc::invalid_argument, "more labels than a u16 label_count holds");
        }
        label_count_ = static_cast<std::uint16_t>(std::ranges::size(labels));
        label_bytes_ = 0;
        for (const auto& label : labels) {
            const std::string_view key(label.key);
            const std::string_view value(label.value);
            if (key.empty()) {
                return fail(Errc::invalid_argument, "a label key may not be empty");
            }
            if (has_nul(key) || has_nul(value)) {
                return fail(Errc::invalid_argument, "a label key or value contains a NUL");
            }
            label_bytes_ += key.size() + 1 + value.size() + 1;
        }
        return {};
    }

    // Errc::invalid_argument when a string is over 4 GiB or holds a NUL.
    [[nodiscard]] Result<void> check_strings() const noexcept;
    // Bytes the whole item takes, header included.
    [[nodiscard]] std::size_t item_size() const noexcept;
    [[nodiscard]] std::uint16_t label_count() const noexcept { return label_count_; }

    // {offset, length} of string `index` inside the item, for its header.
    struct Placed {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
    };
    [[nodiscard]] Placed placed(std::size_t index) const noexcept;

    // Writes the strings, the padding, the table and the label strings
    // after the header (the caller writes the header); `item` holds
    // item_size() bytes. The labels must be the ones given to set_labels().
    template <LookupLabelRange R>
    void write(std::byte* item, const R& labels) const noexcept {
        std::size_t cursor = write_strings(item);
        if (label_count_ == 0) {
            return;
        }
        const std::size_t table = wire::align8(cursor);
        std::memset(item + cursor, 0, table - cursor);
        std::size_t text = table + std::size_t{label_count_} * lookup_label_entry_size;
        std::size_t entry = table;
        for (const auto& label : labels) {
            const std::string_view key(label.key);
            const std::string_view value(label.value);
            LookupLabelEntry fields{};
            fields.key_offset = static_cast<std::uint32_t>(text);
            fields.key_length = static_cast<std::uint32_t>(key.size());
            text = put_text(item, text, key);
            fields.value_offset = static_cast<std::uint32_t>(text);
            fields.value_length = static_cast<std::uint32_t>(value.size());
            text = put_text(item, text, value);
            wire::encode_unchecked(fields, item + entry);
            entry += lookup_label_entry_size;
        }
    }

private:
    static bool has_nul(std::string_view text) noexcept {
        return text.find('\0') != std::string_view::npos;
    }
    // Copies `text` and its NUL to `item + at`; returns the next offset.
    static std::size_t put_text(std::byte* item, std::size_t at, std::string_view text) noexcept;
    // Writes the strings; returns where they end.
    std::size_t write_strings(std::byte* item) const noexcept;
    [[nodiscard]] std::size_t strings_end() const noexcept;

    std::size_t header_size_;
    std::array<std::string_view, max_strings> strings_{};
    std::size_t string_count_ = 0;
    std::uint16_t label_count_ = 0;
    std::size_t label_bytes_ = 0; // key NUL value NUL, for every label
};

// Validates the strings and the label table of one received item, in the
// order the specification lists the rules.
class LookupItemReader {
public:
    LookupItemReader(wire::Bytes item, std::size_t header_size) noexcept
        : item_(item), header_size_(header_size), strings_end_(header_size) {}

    // The string at [offset, offset + length) with its NUL at offset +
    // length. Errors: out_of_bounds (before the header's end or past the
    // item), missing_nul, bad_field (a NUL inside), overlapping_fields (it
    // shares a byte, NULs included, with a string read before).
    Result<std::string_view> string(std::uint32_t offset, std::uint32_t length) noexcept;

    // The label table after the strings read so far. Errors: bad_layout
    // (bytes after the last string when there are no labels; a key or value
    // not packed in place; bytes after the last value), reserved_not_zero
    // (padding before the table), out_of_bounds (the table or a label
    // string past the item), bad_field (an empty key, a NUL inside a label
    // string), missing_nul.
    [[nodiscard]] Result<LookupLabelsView> labels(std::uint16_t count) const noexcept;

private:
    // Checks a label string at `expected`; returns the offset after its NUL.
    [[nodiscard]] Result<std::size_t> label_string(std::size_t expected, std::uint32_t offset,
                                                   std::uint32_t length) const noexcept;

    wire::Bytes item_;
    std::size_t header_size_;
    std::array<std::uint64_t, 2 * LookupItemContent::max_strings> ranges_{}; // [begin, end) pairs
    std::size_t string_count_ = 0;
    std::uint64_t strings_end_;
};

} // namespace netipc::codecs
