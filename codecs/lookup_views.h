// The parts both lookup codecs (codecs/cgroups_lookup.h,
// codecs/apps_lookup.h) have in common, written once over the codec type C:
// the decoded request and response views, the builder's frame, and the
// owned copies and one-call encoders. Only items and keys differ; a codec
// supplies them as
//
//   C::Key, C::key_at(bytes)          a validated key's value
//   C::check_key(bytes)               a key's own rejection rules
//   C::ItemView, C::decode_item(bytes), C::to_owned(item_view)
//   C::OwnedResponse{generation, items}
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "codecs/indexed_iterator.h"
#include "codecs/lookup_frame.h"
#include "codecs/lookup_item.h"
#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "netipc/wire/packed_directory.h"

namespace netipc::codecs {

// A decoded request: its keys, read from the payload on access. Borrows the
// payload bytes: valid only while they are alive and unchanged.
template <class C>
class LookupRequestView {
public:
    // Validates the frame and every key.
    static Result<LookupRequestView> parse(wire::Bytes in) noexcept {
        auto header = wire::decode<LookupRequestHeader>(in);
        if (!header) {
            return std::unexpected(header.error());
        }
        auto keys = parse_lookup_directory(in, header->item_count);
        if (!keys) {
            return std::unexpected(keys.error());
        }
        for (std::uint32_t i = 0; i < keys->size(); ++i) {
            if (auto checked = C::check_key(keys->item(i)); !checked) {
                return std::unexpected(checked.error());
            }
        }
        LookupRequestView view;
        view.keys_ = *keys;
        return view;
    }

    [[nodiscard]] std::uint32_t size() const noexcept { return keys_.size(); }
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }
    // Key `index` (< size()).
    typename C::Key operator[](std::uint32_t index) const noexcept {
        return C::key_at(keys_.item(index));
    }
    [[nodiscard]] IndexedIterator<LookupRequestView> begin() const noexcept { return {this, 0}; }
    [[nodiscard]] IndexedIterator<LookupRequestView> end() const noexcept { return {this, size()}; }

private:
    wire::PackedDirectoryView keys_;
};

// A decoded, fully validated response. Borrows the payload bytes: valid
// only while they are alive and unchanged (for a Level 2 client, until the
// next call on the same client).
template <class C>
class LookupResponseView {
public:
    // Validates the frame and every item.
    static Result<LookupResponseView> parse(wire::Bytes in) noexcept {
        auto header = wire::decode<LookupResponseHeader>(in);
        if (!header) {
            return std::unexpected(header.error());
        }
        auto items = parse_lookup_directory(in, header->item_count);
        if (!items) {
            return std::unexpected(items.error());
        }
        for (std::uint32_t i = 0; i < items->size(); ++i) {
            if (auto item = C::decode_item(items->item(i)); !item) {
                return std::unexpected(item.error());
            }
        }
        LookupResponseView view;
        view.generation_ = header->generation;
        view.items_ = *items;
        return view;
    }

    [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }
    [[nodiscard]] std::uint32_t size() const noexcept { return items_.size(); }
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }
    // Item `index` (< size()). Validated by parse(), so this cannot fail.
    typename C::ItemView operator[](std::uint32_t index) const noexcept {
        return *C::decode_item(items_.item(index));
    }
    // The encoded bytes of item `index`, as its directory entry delimits them.
    [[nodiscard]] wire::Bytes raw_item(std::uint32_t index) const noexcept {
        return items_.item(index);
    }
    [[nodiscard]] IndexedIterator<LookupResponseView> begin() const noexcept { return {this, 0}; }
    [[nodiscard]] IndexedIterator<LookupResponseView> end() const noexcept {
        return {this, size()};
    }

private:
    std::uint64_t generation_ = 0;
    wire::PackedDirectoryView items_;
};

// The frame of a lookup response builder: the directory writer, the
// generation, the budgeted answer and finish(). `Derived` adds items
// (add(), and for the budget size_of(), echo_size() and add_echo()).
template <class Derived, class OwnedItem>
class LookupBuilderBase {
public:
    void set_generation(std::uint64_t value) noexcept { generation_ = value; }

    // Answers a whole request (an empty builder, one item per key in key
    // order) within this builder's buffer: items past the budget are marked
    // PAYLOAD_EXCEEDED and a first item that cannot fit OVERSIZED_ITEM
    // (add_within_budget() in codecs/lookup_frame.h).
    Result<void> add_within_budget(std::span<const OwnedItem> items) noexcept {
        return codecs::add_within_budget(static_cast<Derived&>(*this), items,
                                         items_.buffer().size());
    }

    // Writes the header, compacts the directory, returns the payload length.
    Result<std::size_t> finish() noexcept { return finish_lookup_response(items_, generation_); }
    void reset() noexcept { items_.reset(); }
    [[nodiscard]] std::uint32_t item_count() const noexcept { return items_.item_count(); }

protected:
    // Reserves `size` bytes for the next item and has `write(bytes)` fill them.
    template <class Write>
    Result<void> append(std::size_t size, Write write) noexcept {
        auto slot = items_.append(size);
        if (!slot) {
            return std::unexpected(slot.error());
        }
        write(slot->data());
        return {};
    }

private:
    // Only the derived builder constructs its frame.
    friend Derived;
    LookupBuilderBase(wire::MutableBytes out, std::uint32_t reserved_items) noexcept
        : items_(out, lookup_header_size, reserved_items) {}

    wire::PackedDirectoryWriter items_;
    std::uint64_t generation_ = 0;
};

// C::OwnedResponse of a decoded response.
template <class C>
typename C::OwnedResponse owned_response(const LookupResponseView<C>& view) {
    typename C::OwnedResponse owned;
    owned.generation = view.generation();
    owned.items.reserve(view.size());
    for (const auto item : view) {
        owned.items.push_back(C::to_owned(item));
    }
    return owned;
}

// The owned labels of a decoded item.
inline std::vector<LookupLabel> owned_labels(const LookupLabelsView& labels) {
    std::vector<LookupLabel> owned;
    owned.reserve(labels.size());
    for (const LookupLabelView label : labels) {
        owned.push_back({std::string(label.key), std::string(label.value)});
    }
    return owned;
}

// Exact encoded size of an owned response (an item the builder would refuse
// counts as 0 bytes: encoding it fails anyway).
template <class Builder, class Data>
std::size_t lookup_encoded_size(const Data& response) noexcept {
    LookupPayloadSize size;
    for (const auto& item : response.items) {
        size.add(Builder::size_of(item).value_or(0));
    }
    return size.total();
}

// Encodes an owned response as given (no budget: statuses are kept).
template <class Builder, class Data>
Result<std::size_t> encode_lookup_data(const Data& response, wire::MutableBytes out) noexcept {
    const auto count = static_cast<std::uint32_t>(
        std::min<std::size_t>(response.items.size(), std::numeric_limits<std::uint32_t>::max()));
    Builder builder(out, count);
    builder.set_generation(response.generation);
    for (const auto& item : response.items) {
        if (auto added = builder.add(item); !added) {
            return std::unexpected(added.error());
        }
    }
    return builder.finish();
}

} // namespace netipc::codecs
