#include "codecs/lookup_item.h"

#include <algorithm>
#include <limits>

namespace netipc::codecs {

std::string_view to_string(Orchestrator orchestrator) noexcept {
    switch (orchestrator) {
        case Orchestrator::unknown:
            return "UNKNOWN";
        case Orchestrator::systemd:
            return "SYSTEMD";
        case Orchestrator::docker:
            return "DOCKER";
        case Orchestrator::k8s:
            return "K8S";
        case Orchestrator::kvm:
            return "KVM";
        case Orchestrator::lxc:
            return "LXC";
        case Orchestrator::podman:
            return "PODMAN";
        case Orchestrator::nspawn:
            return "NSPAWN";
    }
    return {};
}

namespace {

std::string_view text_at(wire::Bytes item, std::uint32_t offset, std::uint32_t length) noexcept {
    return {reinterpret_cast<const char*>(item.data() + offset), length};
}

} // namespace

LookupLabelView LookupLabelsView::operator[](std::uint32_t index) const noexcept {
    const auto entry = wire::load<LookupLabelEntry>(item_.data() + table_offset_
                                                    + std::size_t{index} * lookup_label_entry_size);
    return {text_at(item_, entry.key_offset, entry.key_length),
            text_at(item_, entry.value_offset, entry.value_length)};
}

void LookupItemContent::add_string(std::string_view text) noexcept {
    if (string_count_ < max_strings) {
        strings_[string_count_++] = text;
    }
}

Result<void> LookupItemContent::check_strings() const noexcept {
    for (std::size_t i = 0; i < string_count_; ++i) {
        if (strings_[i].size() >= std::numeric_limits<std::uint32_t>::max()) {
            return fail(Errc::invalid_argument, "lookup string longer than a u32 length");
        }
        if (has_nul(strings_[i])) {
            return fail(Errc::invalid_argument, "lookup string contains a NUL");
        }
    }
    return {};
}

std::size_t LookupItemContent::strings_end() const noexcept {
    std::size_t end = header_size_;
    for (std::size_t i = 0; i < string_count_; ++i) {
        end += strings_[i].size() + 1;
    }
    return end;
}

std::size_t LookupItemContent::item_size() const noexcept {
    const std::size_t end = strings_end();
    if (label_count_ == 0) {
        return end;
    }
    return wire::align8(end) + std::size_t{label_count_} * lookup_label_entry_size + label_bytes_;
}

LookupItemContent::Placed LookupItemContent::placed(std::size_t index) const noexcept {
    std::size_t offset = header_size_;
    for (std::size_t i = 0; i < index; ++i) {
        offset += strings_[i].size() + 1;
    }
    return {static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(strings_[index].size())};
}

std::size_t LookupItemContent::put_text(std::byte* item, std::size_t at,
                                        std::string_view text) noexcept {
    if (!text.empty()) {
        std::memcpy(item + at, text.data(), text.size());
    }
    item[at + text.size()] = std::byte{0};
    return at + text.size() + 1;
}

std::size_t LookupItemContent::write_strings(std::byte* item) const noexcept {
    std::size_t cursor = header_size_;
    for (std::size_t i = 0; i < string_count_; ++i) {
        cursor = put_text(item, cursor, strings_[i]);
    }
    return cursor;
}

Result<std::string_view> LookupItemReader::string(std::uint32_t offset,
                                                  std::uint32_t length) noexcept {
    const std::uint64_t begin = offset;
    const std::uint64_t nul = begin + length;
    if (begin < header_size_ || nul >= item_.size()) {
        return fail(Errc::out_of_bounds, "lookup item string lies outside the item");
    }
    if (item_[nul] != std::byte{0}) {
        return fail(Errc::missing_nul, "lookup item string lacks its NUL terminator");
    }
    const std::string_view text = text_at(item_, offset, length);
    if (text.find('\0') != std::string_view::npos) {
        return fail(Errc::bad_field, "lookup item string contains a NUL");
    }
    for (std::size_t i = 0; i < string_count_; ++i) {
        if (begin < ranges_[(2 * i) + 1] && ranges_[2 * i] < nul + 1) {
            return fail(Errc::overlapping_fields, "two strings of a lookup item share bytes");
        }
    }
    if (string_count_ < LookupItemContent::max_strings) {
        ranges_[2 * string_count_] = begin;
        ranges_[(2 * string_count_) + 1] = nul + 1;
        ++string_count_;
    }
    strings_end_ = std::max(strings_end_, nul + 1);
    return text;
}

Result<std::size_t> LookupItemReader::label_string(std::size_t expected, std::uint32_t offset,
                                                   std::uint32_t length) const noexcept {
    if (offset != expected) {
        return fail(Errc::bad_layout, "label string is not packed where the previous one ends");
    }
    const std::uint64_t nul = std::uint64_t{offset} + length;
    if (nul >= item_.size()) {
        return fail(Errc::out_of_bounds, "label string lies outside the item");
    }
    if (item_[nul] != std::byte{0}) {
        return fail(Errc::missing_nul, "label string lacks its NUL terminator");
    }
    if (text_at(item_, offset, length).find('\0') != std::string_view::npos) {
        return fail(Errc::bad_field, "label string contains a NUL");
    }
    return static_cast<std::size_t>(nul + 1);
}

Result<LookupLabelsView> LookupItemReader::labels(std::uint16_t count) const noexcept {
    if (count == 0) {
        if (strings_end_ != item_.size()) {
            return fail(Errc::bad_layout, "bytes follow the last string of a lookup item");
        }
        return LookupLabelsView{};
    }
    // The table's place is fixed by the strings: the first multiple of 8 at
    // or after their end. Padding before it must be zero.
    const std::size_t table = wire::align8(static_cast<std::size_t>(strings_end_));
    const std::size_t table_end = table + std::size_t{count} * lookup_label_entry_size;
    if (table_end > item_.size()) {
        return fail(Errc::out_of_bounds, "label table extends past the item");
    }
    for (std::size_t i = strings_end_; i < table; ++i) {
        if (item_[i] != std::byte{0}) {
            return fail(Errc::reserved_not_zero, "padding before the label table is not zero");
        }
    }
    std::size_t expected = table_end;
    for (std::uint16_t i = 0; i < count; ++i) {
        const auto entry = wire::load<LookupLabelEntry>(item_.data() + table
                                                        + std::size_t{i} * lookup_label_entry_size);
        // A table anywhere but at its canonical place shows here first: its
        // first key is not where the table's end puts it.
        if (entry.key_offset != expected) {
            return fail(Errc::bad_layout, "label key is not packed where it belongs");
        }
        if (entry.key_length == 0) {
            return fail(Errc::bad_field, "label key is empty");
        }
        auto key_end = label_string(expected, entry.key_offset, entry.key_length);
        if (!key_end) {
            return std::unexpected(key_end.error());
        }
        auto value_end = label_string(*key_end, entry.value_offset, entry.value_length);
        if (!value_end) {
            return std::unexpected(value_end.error());
        }
        expected = *value_end;
    }
    if (expected != item_.size()) {
        return fail(Errc::bad_layout, "bytes follow the last label value of a lookup item");
    }
    return LookupLabelsView(item_, static_cast<std::uint32_t>(table), count);
}

} // namespace netipc::codecs
