// Fuzz target: Level 1 batch payloads (item directory + 8-aligned items).
//
// Input: [u32 item_count][batch payload]. item_count stands for the outer
// header's field, which the payload itself does not repeat.
//
// Beyond parsing, every accepted batch is rebuilt with BatchBuilder from
// its items and parsed again: the items must come back byte for byte. The
// rebuild uses a buffer of exactly the canonical payload size, once with
// the item limit set to the item count and once with no limit (the
// builder's default directory reservation): a payload that fits its buffer
// once compacted must never fail with overflow, and both must give the
// same bytes. And the fast path for fixed-size items (BatchView::uniform)
// must recognise exactly the directories a one-by-one model calls uniform.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "netipc/wire/batch.h"
#include "netipc/wire/bytes.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using netipc::Errc;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;

constexpr std::size_t entry_size = 8;

// The directory must fit, then every entry, in order, must be 8-aligned
// and inside the packed area that follows the directory.
std::optional<Errc> expected_error(wire::Bytes payload, std::uint32_t item_count) {
    const std::uint64_t directory_len = std::uint64_t{item_count} * entry_size;
    if (directory_len > payload.size()) {
        return Errc::bad_item_count;
    }
    const std::uint64_t packed_len = payload.size() - directory_len;
    for (std::uint32_t i = 0; i < item_count; ++i) {
        const auto offset = fuzz::read_at<std::uint32_t>(payload, i * entry_size);
        const auto length = fuzz::read_at<std::uint32_t>(payload, i * entry_size + 4);
        if (offset % 8 != 0) {
            return Errc::bad_alignment;
        }
        if (std::uint64_t{offset} + length > packed_len) {
            return Errc::out_of_bounds;
        }
    }
    return std::nullopt;
}

// Item `index` as the model reads it from the raw directory.
wire::Bytes model_item(wire::Bytes payload, std::uint32_t item_count, std::uint32_t index) {
    const auto offset = fuzz::read_at<std::uint32_t>(payload, index * entry_size);
    const auto length = fuzz::read_at<std::uint32_t>(payload, index * entry_size + 4);
    return payload.subspan(std::size_t{item_count} * entry_size + offset, length);
}

// The length of every item when the directory is exactly the one-pass
// layout of equal items (entry i = {i * align8(length), length}); nullopt
// otherwise and for an empty directory.
std::optional<std::uint32_t> model_uniform_length(wire::Bytes payload, std::uint32_t item_count) {
    if (item_count == 0) {
        return std::nullopt;
    }
    const auto length = fuzz::read_at<std::uint32_t>(payload, 4);
    const std::uint64_t stride = wire::align8(length);
    for (std::uint32_t i = 0; i < item_count; ++i) {
        if (fuzz::read_at<std::uint32_t>(payload, i * entry_size) != i * stride
            || fuzz::read_at<std::uint32_t>(payload, i * entry_size + 4) != length) {
            return std::nullopt;
        }
    }
    return length;
}

bool same_bytes(wire::Bytes a, wire::Bytes b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

std::size_t canonical_size(const wire::BatchView& batch) {
    std::size_t size = std::size_t{batch.size()} * entry_size;
    for (std::uint32_t i = 0; i < batch.size(); ++i) {
        size += wire::align8(batch[i].size());
    }
    return size;
}

// BatchView::uniform<ItemLength>() is engaged exactly when the model says
// the directory is the one-pass layout of ItemLength-byte items, and then
// gives the items the directory gives.
template <std::size_t ItemLength>
void check_uniform(const wire::BatchView& batch, std::optional<std::uint32_t> model_length) {
    const auto uniform = batch.uniform<ItemLength>();
    NETIPC_FUZZ_CHECK(uniform.has_value() == (model_length == ItemLength));
    if (!uniform) {
        return;
    }
    NETIPC_FUZZ_CHECK(uniform->size() == batch.size());
    for (std::uint32_t i = 0; i < batch.size(); ++i) {
        NETIPC_FUZZ_CHECK((*uniform)[i].data() == batch[i].data()
                          && (*uniform)[i].size() == batch[i].size());
    }
}

// Builds the batch again without an item limit, so the builder starts from
// its default directory reservation; the result must match `expected`.
void check_unlimited_rebuild(const wire::BatchView& batch, const std::vector<std::byte>& expected) {
    std::vector<std::byte> buffer(expected.size());
    wire::BatchBuilder builder(buffer);
    for (std::uint32_t i = 0; i < batch.size(); ++i) {
        const auto added = builder.add(batch[i]);
        NETIPC_FUZZ_CHECK(added.has_value());
    }
    const auto length = builder.finish();
    NETIPC_FUZZ_CHECK(length && *length == expected.size());
    NETIPC_FUZZ_CHECK(buffer == expected);
}

void check_rebuild(const wire::BatchView& batch) {
    const std::uint32_t count = batch.size();
    std::vector<std::byte> buffer(canonical_size(batch));
    wire::BatchBuilder builder(buffer, count);
    for (std::uint32_t i = 0; i < count; ++i) {
        const auto added = builder.add(batch[i]);
        NETIPC_FUZZ_CHECK(added.has_value());
    }
    NETIPC_FUZZ_CHECK(builder.item_count() == count);
    // The negotiated ceiling holds: one more item is refused.
    const auto extra = builder.add({});
    NETIPC_FUZZ_CHECK(!extra && extra.error().code == Errc::limit_exceeded);

    const auto length = builder.finish();
    NETIPC_FUZZ_CHECK(length.has_value());
    NETIPC_FUZZ_CHECK(*length == buffer.size());
    const wire::Bytes rebuilt(buffer.data(), *length);
    // Canonical layout: padded to 8 after the last item too.
    NETIPC_FUZZ_CHECK(rebuilt.size() % 8 == 0);

    const auto reparsed = wire::BatchView::parse(rebuilt, count);
    NETIPC_FUZZ_CHECK(reparsed.has_value());
    NETIPC_FUZZ_CHECK(reparsed->size() == count);
    std::size_t expected_offset = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
        NETIPC_FUZZ_CHECK(same_bytes((*reparsed)[i], batch[i]));
        // Items sit back to back, each at the next 8-aligned offset.
        NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(rebuilt, i * entry_size) == expected_offset);
        expected_offset = wire::align8(expected_offset + batch[i].size());
    }
    check_unlimited_rebuild(batch, buffer);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    if (in.size() < sizeof(std::uint32_t)) {
        return 0;
    }
    const auto item_count = fuzz::read_at<std::uint32_t>(in, 0);
    const wire::Bytes payload = in.subspan(sizeof(std::uint32_t));

    const auto batch = wire::BatchView::parse(payload, item_count);
    fuzz::check_verdict(batch, expected_error(payload, item_count));
    if (!batch) {
        return 0;
    }
    NETIPC_FUZZ_CHECK(batch->size() == item_count);
    for (std::uint32_t i = 0; i < item_count; ++i) {
        const wire::Bytes item = (*batch)[i];
        fuzz::touch(item);
        NETIPC_FUZZ_CHECK(same_bytes(item, model_item(payload, item_count, i)));
        // The item must lie inside the payload it was parsed from.
        NETIPC_FUZZ_CHECK(item.empty()
                          || (item.data() >= payload.data()
                              && item.data() + item.size() <= payload.data() + payload.size()));
        const auto checked = batch->at(i);
        NETIPC_FUZZ_CHECK(checked && checked->data() == item.data()
                          && checked->size() == item.size());
    }
    const auto past_end = batch->at(item_count);
    NETIPC_FUZZ_CHECK(!past_end && past_end.error().code == Errc::out_of_bounds);

    const auto uniform_length = model_uniform_length(payload, item_count);
    check_uniform<8>(*batch, uniform_length);
    check_uniform<5>(*batch, uniform_length);
    check_rebuild(*batch);
    return 0;
}
