// The reference model of the lookup payloads (methods 4 and 5) shared by
// the four lookup fuzz targets: the frame (header and directory), then the
// strings and labels inside a response item, each rule in the decoders'
// documented order. Written from the specifications
// (netdata/plugin-ipc docs/codec-cgroups-lookup.md, docs/codec-apps-lookup.md)
// with the fuzz readers only, so it shares no code with the library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "tests/fuzz/fuzz_support.h"

namespace netipc::fuzz::lookup {

inline constexpr std::size_t header_size = 16;
inline constexpr std::size_t entry_size = 8;
inline constexpr std::size_t label_entry_size = 16;

enum class Frame : bool { request, response };

// The keys or items the directory delimits, once the frame is valid.
struct FrameModel {
    std::optional<Errc> error;
    std::vector<wire::Bytes> items;
};

inline FrameModel frame(wire::Bytes in, Frame kind) {
    FrameModel model;
    if (in.size() < header_size) {
        model.error = Errc::truncated;
        return model;
    }
    if (read_at<std::uint16_t>(in, 0) != 1) {
        model.error = Errc::bad_layout;
        return model;
    }
    // Requests have reserved fields at bytes 8-15; responses a generation.
    if (!all_zero(in, 2, 2) || (kind == Frame::request && !all_zero(in, 8, 8))) {
        model.error = Errc::reserved_not_zero;
        return model;
    }
    const auto count = read_at<std::uint32_t>(in, 4);
    if (std::uint64_t{count} * entry_size > in.size() - header_size) {
        model.error = Errc::bad_item_count;
        return model;
    }
    const wire::Bytes packed = in.subspan(header_size + (std::size_t{count} * entry_size));
    std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::size_t at = header_size + (std::size_t{i} * entry_size);
        const auto offset = read_at<std::uint32_t>(in, at);
        const auto length = read_at<std::uint32_t>(in, at + 4);
        if (offset % 8 != 0) {
            model.error = Errc::bad_alignment;
            return model;
        }
        if (std::uint64_t{offset} + length > packed.size()) {
            model.error = Errc::out_of_bounds;
            return model;
        }
        entries.emplace_back(offset, length);
    }
    std::uint64_t previous_end = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0 && entries[i].first < previous_end) {
            model.error = Errc::overlapping_fields;
            return model;
        }
        previous_end = std::uint64_t{entries[i].first} + entries[i].second;
    }
    for (const auto& [offset, length] : entries) {
        model.items.push_back(packed.subspan(offset, length));
    }
    return model;
}

struct StringField {
    std::uint32_t offset;
    std::uint32_t length;
};

// The strings of an item (in the order the decoder reads them), then its
// label table.
inline std::optional<Errc> strings_and_labels(wire::Bytes item, std::size_t item_header,
                                              const std::vector<StringField>& strings,
                                              std::uint16_t label_count) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> taken;
    std::uint64_t strings_end = item_header;
    for (const StringField& field : strings) {
        const std::uint64_t begin = field.offset;
        const std::uint64_t nul = begin + field.length;
        if (begin < item_header || nul >= item.size()) {
            return Errc::out_of_bounds;
        }
        if (item[nul] != std::byte{0}) {
            return Errc::missing_nul;
        }
        for (std::uint64_t i = begin; i < nul; ++i) {
            if (item[i] == std::byte{0}) {
                return Errc::bad_field;
            }
        }
        for (const auto& [other_begin, other_end] : taken) {
            if (begin < other_end && other_begin < nul + 1) {
                return Errc::overlapping_fields;
            }
        }
        taken.emplace_back(begin, nul + 1);
        strings_end = std::max(strings_end, nul + 1);
    }
    if (label_count == 0) {
        return strings_end == item.size() ? std::nullopt : std::optional(Errc::bad_layout);
    }
    const std::uint64_t table = (strings_end + 7) / 8 * 8;
    const std::uint64_t table_end = table + (std::uint64_t{label_count} * label_entry_size);
    if (table_end > item.size()) {
        return Errc::out_of_bounds;
    }
    if (!all_zero(item, strings_end, table - strings_end)) {
        return Errc::reserved_not_zero;
    }
    std::uint64_t expected = table_end;
    // One label string at `expected`: returns the error, or advances it.
    auto label_string = [&](std::uint32_t offset, std::uint32_t length) -> std::optional<Errc> {
        if (offset != expected) {
            return Errc::bad_layout;
        }
        const std::uint64_t nul = std::uint64_t{offset} + length;
        if (nul >= item.size()) {
            return Errc::out_of_bounds;
        }
        if (item[nul] != std::byte{0}) {
            return Errc::missing_nul;
        }
        for (std::uint64_t i = offset; i < nul; ++i) {
            if (item[i] == std::byte{0}) {
                return Errc::bad_field;
            }
        }
        expected = nul + 1;
        return std::nullopt;
    };
    for (std::uint16_t i = 0; i < label_count; ++i) {
        const std::size_t at = table + (std::size_t{i} * label_entry_size);
        const auto key_offset = read_at<std::uint32_t>(item, at);
        const auto key_length = read_at<std::uint32_t>(item, at + 4);
        if (key_offset != expected) {
            return Errc::bad_layout;
        }
        if (key_length == 0) {
            return Errc::bad_field;
        }
        if (auto error = label_string(key_offset, key_length)) {
            return error;
        }
        if (auto error = label_string(read_at<std::uint32_t>(item, at + 8),
                                      read_at<std::uint32_t>(item, at + 12))) {
            return error;
        }
    }
    return expected == item.size() ? std::nullopt : std::optional(Errc::bad_layout);
}

// Whether `text` (and the NUL after it) lies inside `in`.
inline bool inside(std::string_view text, wire::Bytes in) {
    const auto* begin = reinterpret_cast<const std::byte*>(text.data());
    return begin >= in.data() && begin + text.size() + 1 <= in.data() + in.size()
           && text.data()[text.size()] == '\0';
}

} // namespace netipc::fuzz::lookup
