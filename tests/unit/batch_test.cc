// Level 1 batch payloads (BatchBuilder / BatchView) and the directory +
// packed-items machinery underneath them (PackedDirectoryWriter / View).
#include "netipc/wire/batch.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "codecs/increment.h"
#include "codecs/string_reverse.h"
#include "netipc/wire/packed_directory.h"
#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using namespace netipc::wire;
using netipc::codecs::Increment;
using netipc::codecs::StringReverse;
using netipc::test::Buffer;

Buffer increment_item(std::uint64_t value) {
    Buffer item(Increment::payload_size);
    REQUIRE_OK(Increment::encode_request(value, item));
    return item;
}

Buffer string_item(std::string_view text) {
    Buffer item(StringReverse::request_size(text));
    REQUIRE_OK(StringReverse::encode_request(text, item));
    return item;
}

// Adds every item and finishes; the first error (from add or finish) wins.
Result<std::size_t> build_batch(MutableBytes out, const std::vector<Buffer>& items,
                                std::uint32_t max_items = no_item_limit) {
    BatchBuilder builder(out, max_items);
    for (const Buffer& item : items) {
        if (auto added = builder.add(item); !added) {
            return std::unexpected(added.error());
        }
    }
    return builder.finish();
}

std::vector<Buffer> string_items() {
    // Item lengths 10, 20 and 9: every item needs alignment padding.
    return {string_item("a"), string_item("hello world"), string_item("")};
}

std::uint64_t increment_value(Bytes item) {
    auto view = Increment::decode_request(item);
    REQUIRE_OK(view);
    return view->value;
}

} // namespace

TEST_CASE("batch of zero items is an empty payload", "[wire]") {
    Buffer out(64);
    auto length = build_batch(out, {});
    REQUIRE_OK(length);
    REQUIRE(*length == 0);
    auto view = BatchView::parse(Bytes{}, 0);
    REQUIRE_OK(view);
    REQUIRE(view->size() == 0);
    REQUIRE_ERRC(view->at(0), Errc::out_of_bounds);
}

TEST_CASE("batch of one item", "[wire]") {
    Buffer out(64);
    auto length = build_batch(out, {increment_item(41)});
    REQUIRE_OK(length);
    REQUIRE(*length == 16); // one directory entry + one 8-byte item
    REQUIRE(test::peek<std::uint32_t>(out, 0) == 0);
    REQUIRE(test::peek<std::uint32_t>(out, 4) == 8);
    auto view = BatchView::parse(test::first_bytes(out, *length), 1);
    REQUIRE_OK(view);
    REQUIRE(view->size() == 1);
    REQUIRE(increment_value((*view)[0]) == 41);
}

TEST_CASE("batch items are 8-aligned and the payload is padded after the last item", "[wire]") {
    Buffer out(256, std::byte{0xEE}); // non-zero fill exposes unwritten padding
    auto length = build_batch(out, string_items());
    REQUIRE_OK(length);
    REQUIRE(*length == 80);
    // Directory: {0,10} {16,20} {40,9}; items start after the 24-byte directory.
    REQUIRE(test::peek<std::uint32_t>(out, 8) == 16);
    REQUIRE(test::peek<std::uint32_t>(out, 16) == 40);
    for (std::size_t pad : {24 + 10, 24 + 15, 24 + 36, 24 + 39, 24 + 49, 79}) {
        INFO("padding byte " << pad);
        REQUIRE(out[pad] == std::byte{0});
    }

    auto view = BatchView::parse(test::first_bytes(out, *length), 3);
    REQUIRE_OK(view);
    const std::vector<std::string> expected{"a", "hello world", ""};
    for (std::uint32_t i = 0; i < 3; ++i) {
        auto item = view->at(i);
        REQUIRE_OK(item);
        auto text = StringReverse::decode_request(*item);
        REQUIRE_OK(text);
        REQUIRE(StringReverse::to_owned(*text) == expected[i]);
    }
}

TEST_CASE("batch reserve lets the caller encode an item in place", "[wire]") {
    Buffer out(64);
    BatchBuilder builder(out);
    auto slot = builder.reserve(Increment::payload_size);
    REQUIRE_OK(slot);
    REQUIRE(slot->size() == Increment::payload_size);
    REQUIRE_OK(Increment::encode_request(0xABCDEFULL, *slot));
    REQUIRE(builder.item_count() == 1);
    auto length = builder.finish();
    REQUIRE_OK(length);
    auto view = BatchView::parse(test::first_bytes(out, *length), 1);
    REQUIRE_OK(view);
    REQUIRE(increment_value((*view)[0]) == 0xABCDEFULL);
}

TEST_CASE("batch builder reset starts a new batch on the same buffer", "[wire]") {
    Buffer out(128);
    BatchBuilder builder(out);
    REQUIRE_OK(builder.add(increment_item(1)));
    REQUIRE_OK(builder.add(increment_item(2)));
    builder.reset();
    REQUIRE(builder.item_count() == 0);
    REQUIRE_OK(builder.add(increment_item(3)));
    auto length = builder.finish();
    REQUIRE_OK(length);
    REQUIRE(*length == 16);
    auto view = BatchView::parse(test::first_bytes(out, *length), 1);
    REQUIRE_OK(view);
    REQUIRE(increment_value((*view)[0]) == 3);
}

TEST_CASE("batch builder enforces the negotiated item ceiling", "[wire]") {
    Buffer out(256);
    BatchBuilder builder(out, 3);
    for (std::uint64_t value = 1; value <= 3; ++value) {
        REQUIRE_OK(builder.add(increment_item(value)));
    }
    REQUIRE_ERRC(builder.add(increment_item(4)), Errc::limit_exceeded);
    REQUIRE_ERRC(builder.reserve(8), Errc::limit_exceeded);
    // The rejected item left the batch intact.
    auto length = builder.finish();
    REQUIRE_OK(length);
    REQUIRE(*length == 48);
    auto view = BatchView::parse(test::first_bytes(out, *length), 3);
    REQUIRE_OK(view);
    REQUIRE(increment_value((*view)[2]) == 3);
}

TEST_CASE("batch builder with a ceiling of zero accepts nothing", "[wire]") {
    Buffer out(64);
    BatchBuilder builder(out, 0);
    REQUIRE_ERRC(builder.add(increment_item(1)), Errc::limit_exceeded);
}

TEST_CASE("batch builder needs exactly the payload size", "[wire]") {
    // The reservation is only a hint: a buffer of exactly the final payload
    // size must work, whatever the item ceiling, and one byte less must not.
    for (std::uint32_t max_items : {no_item_limit, 3U, 100U}) {
        INFO("max_items " << max_items);
        SECTION("INCREMENT items (overflow while adding)") {
            const std::vector<Buffer> items{increment_item(1), increment_item(2),
                                            increment_item(3)};
            Buffer exact(48);
            auto length = build_batch(exact, items, max_items);
            REQUIRE_OK(length);
            REQUIRE(*length == 48);
            Buffer short_by_one(47);
            REQUIRE_ERRC(build_batch(short_by_one, items, max_items), Errc::overflow);
        }
        SECTION("STRING_REVERSE items (overflow on the tail padding)") {
            Buffer exact(80);
            auto length = build_batch(exact, string_items(), max_items);
            REQUIRE_OK(length);
            REQUIRE(*length == 80);
            Buffer short_by_one(79);
            REQUIRE_ERRC(build_batch(short_by_one, string_items(), max_items), Errc::overflow);
        }
    }
}

TEST_CASE("batch of 10000 items round trips", "[wire]") {
    constexpr std::uint32_t count = 10000;
    std::vector<Buffer> items;
    items.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        items.push_back(increment_item(i * 3 + 1));
    }
    const std::size_t payload = std::size_t{count} * (8 + 8);

    Buffer roomy(payload * 2);
    auto roomy_length = build_batch(roomy, items);
    REQUIRE_OK(roomy_length);
    REQUIRE(*roomy_length == payload);

    // Exactly sized: the directory cannot double its way there and must
    // settle for exactly the slots it needs.
    Buffer exact(payload);
    auto exact_length = build_batch(exact, items);
    REQUIRE_OK(exact_length);
    REQUIRE(std::equal(exact.begin(), exact.end(), roomy.begin()));

    auto view = BatchView::parse(exact, count);
    REQUIRE_OK(view);
    REQUIRE(view->size() == count);
    for (std::uint32_t i = 0; i < count; ++i) {
        if (increment_value((*view)[i]) != std::uint64_t{i} * 3 + 1) {
            FAIL("item " << i << " decoded to the wrong value");
        }
    }
    REQUIRE_ERRC(view->at(count), Errc::out_of_bounds);

    // A ceiling of exactly 10000 admits all of them and refuses one more.
    BatchBuilder limited(roomy, count);
    for (const Buffer& item : items) {
        REQUIRE_OK(limited.add(item));
    }
    REQUIRE(limited.item_count() == count);
    REQUIRE_ERRC(limited.add(increment_item(0)), Errc::limit_exceeded);
    auto limited_length = limited.finish();
    REQUIRE_OK(limited_length);
    REQUIRE(*limited_length == payload);
}

TEST_CASE("batch view rejects a directory larger than the payload", "[wire]") {
    Buffer out(48);
    REQUIRE_OK(build_batch(out, {increment_item(1), increment_item(2), increment_item(3)}));
    // 7 entries need 56 bytes; the payload has 48.
    REQUIRE_ERRC(BatchView::parse(out, 7), Errc::bad_item_count);
    REQUIRE_ERRC(BatchView::parse(out, 0xFFFFFFFFU), Errc::bad_item_count);
}

TEST_CASE("batch view rejects a misaligned item offset", "[wire]") {
    Buffer out(48);
    REQUIRE_OK(build_batch(out, {increment_item(1), increment_item(2), increment_item(3)}));
    test::patch<std::uint32_t>(out, 8, 9); // entry 1 offset 8 -> 9
    REQUIRE_ERRC(BatchView::parse(out, 3), Errc::bad_alignment);
}

TEST_CASE("batch view rejects an item past the payload", "[wire]") {
    Buffer out(48);
    REQUIRE_OK(build_batch(out, {increment_item(1), increment_item(2), increment_item(3)}));

    SECTION("length one byte too long") {
        test::patch<std::uint32_t>(out, 20, 9); // entry 2 {16, 8} -> {16, 9}
        REQUIRE_ERRC(BatchView::parse(out, 3), Errc::out_of_bounds);
    }
    SECTION("offset + length wraps a u32") {
        test::patch<std::uint32_t>(out, 16, 0xFFFFFFF8U);
        test::patch<std::uint32_t>(out, 20, 16);
        REQUIRE_ERRC(BatchView::parse(out, 3), Errc::out_of_bounds);
    }
}

TEST_CASE("batch view names the first faulty entry in directory order", "[wire]") {
    // parse() first only learns that some entry is bad, then walks again to
    // name it: the error must still be the first bad entry's, whichever
    // fault a later entry has.
    Buffer out(48);
    REQUIRE_OK(build_batch(out, {increment_item(1), increment_item(2), increment_item(3)}));

    SECTION("past the end before a misaligned one") {
        test::patch<std::uint32_t>(out, 4, 64); // entry 0 {0, 8} -> {0, 64}
        test::patch<std::uint32_t>(out, 16, 9); // entry 2 offset 16 -> 9
        REQUIRE_ERRC(BatchView::parse(out, 3), Errc::out_of_bounds);
    }
    SECTION("misaligned before one past the end") {
        test::patch<std::uint32_t>(out, 8, 9);   // entry 1 offset 8 -> 9
        test::patch<std::uint32_t>(out, 20, 64); // entry 2 {16, 8} -> {16, 64}
        REQUIRE_ERRC(BatchView::parse(out, 3), Errc::bad_alignment);
    }
    SECTION("one entry both misaligned and past the end: alignment is checked first") {
        test::patch<std::uint32_t>(out, 16, 17);
        test::patch<std::uint32_t>(out, 20, 64);
        REQUIRE_ERRC(BatchView::parse(out, 3), Errc::bad_alignment);
    }
}

TEST_CASE("batch view finds a bad entry at any position of any directory size", "[wire]") {
    // The directory check takes entries four at a time (two vectors, each
    // entry in two lanes) and the last count % 4 one by one: every position,
    // of every count modulo 4, must catch every fault.
    for (std::uint32_t count = 1; count <= 9; ++count) {
        std::vector<Buffer> items;
        items.reserve(count);
        for (std::uint32_t i = 0; i < count; ++i) {
            items.push_back(increment_item(i));
        }
        Buffer clean(std::size_t{count} * 16);
        REQUIRE_OK(build_batch(clean, items));
        REQUIRE_OK(BatchView::parse(clean, count));
        const std::uint32_t packed_size = count * 8;
        for (std::uint32_t bad = 0; bad < count; ++bad) {
            CAPTURE(count, bad);
            const std::size_t entry = std::size_t{bad} * 8;
            const std::uint32_t offset = bad * 8;
            Buffer out = clean;
            SECTION("misaligned") {
                test::patch<std::uint32_t>(out, entry, offset + 4);
                test::patch<std::uint32_t>(out, entry + 4, 0);
                REQUIRE_ERRC(BatchView::parse(out, count), Errc::bad_alignment);
            }
            SECTION("one byte past the end") {
                test::patch<std::uint32_t>(out, entry + 4, packed_size - offset + 1);
                REQUIRE_ERRC(BatchView::parse(out, count), Errc::out_of_bounds);
            }
            SECTION("exactly to the end is fine") {
                test::patch<std::uint32_t>(out, entry + 4, packed_size - offset);
                REQUIRE_OK(BatchView::parse(out, count));
            }
            SECTION("offset + length wraps a u32") {
                test::patch<std::uint32_t>(out, entry, 0xFFFFFFF8U);
                test::patch<std::uint32_t>(out, entry + 4, 16); // ends at 8 in u32 arithmetic
                REQUIRE_ERRC(BatchView::parse(out, count), Errc::out_of_bounds);
            }
            SECTION("offset past the end with length zero") {
                test::patch<std::uint32_t>(out, entry, packed_size + 8);
                test::patch<std::uint32_t>(out, entry + 4, 0);
                REQUIRE_ERRC(BatchView::parse(out, count), Errc::out_of_bounds);
            }
        }
    }
}

TEST_CASE("batch view at() rejects an index past the end", "[wire]") {
    Buffer out(48);
    REQUIRE_OK(build_batch(out, {increment_item(1), increment_item(2), increment_item(3)}));
    auto view = BatchView::parse(out, 3);
    REQUIRE_OK(view);
    REQUIRE_OK(view->at(2));
    REQUIRE_ERRC(view->at(3), Errc::out_of_bounds);
    REQUIRE_ERRC(view->at(0xFFFFFFFFU), Errc::out_of_bounds);
}

TEST_CASE("batch view accepts zero-length items and fewer items than the directory holds",
          "[wire]") {
    Buffer out(64);
    auto length = build_batch(out, {Buffer{}, increment_item(5)});
    REQUIRE_OK(length);
    auto view = BatchView::parse(test::first_bytes(out, *length), 2);
    REQUIRE_OK(view);
    REQUIRE((*view)[0].empty());
    REQUIRE(increment_value((*view)[1]) == 5);
}

// --- PackedDirectoryWriter / PackedDirectoryView directly --------------------------

namespace {

// Builds `count` items of varying odd lengths with a given reservation and
// returns the finished region.
Buffer packed_region(std::uint32_t reserved_slots, std::uint32_t count, std::size_t prefix,
                     TailPadding padding, std::size_t capacity) {
    Buffer out(capacity, std::byte{0xEE});
    PackedDirectoryWriter writer(out, prefix, reserved_slots);
    for (std::uint32_t i = 0; i < count; ++i) {
        auto slot = writer.append(i % 13 + 1);
        REQUIRE_OK(slot);
        for (std::byte& b : *slot) {
            b = static_cast<std::byte>(i + 1);
        }
    }
    REQUIRE(writer.item_count() == count);
    auto length = writer.finish(padding);
    REQUIRE_OK(length);
    out.resize(*length);
    return out;
}

} // namespace

TEST_CASE("directory growth past the reservation gives the same bytes as a big reservation",
          "[wire]") {
    const auto padding = GENERATE(TailPadding::none, TailPadding::to_alignment);
    const std::size_t prefix = GENERATE(std::size_t{0}, std::size_t{24});
    const Buffer reference = packed_region(1000, 300, prefix, padding, 16384);
    for (std::uint32_t reserved : {0U, 1U, 2U, 3U, 16U, 299U, 300U}) {
        INFO("reserved " << reserved << " prefix " << prefix);
        REQUIRE(test::to_hex(packed_region(reserved, 300, prefix, padding, 16384))
                == test::to_hex(reference));
    }
    // A reservation bigger than the buffer can hold is still only a hint.
    REQUIRE(test::to_hex(packed_region(1000, 300, prefix, padding, reference.size()))
            == test::to_hex(reference));
}

TEST_CASE("BatchBuilder growth past its initial slots matches a big reservation", "[wire]") {
    std::vector<Buffer> items;
    items.reserve(100);
    for (std::uint32_t i = 0; i < 100; ++i) {
        items.push_back(string_item(std::string(i % 7, 'x')));
    }
    Buffer batch(8192);
    auto length = build_batch(batch, items);
    REQUIRE_OK(length);
    batch.resize(*length);

    Buffer direct(8192);
    PackedDirectoryWriter writer(direct, 0, 1000);
    for (const Buffer& item : items) {
        auto slot = writer.append(item.size());
        REQUIRE_OK(slot);
        std::ranges::copy(item, slot->begin());
    }
    auto direct_length = writer.finish(TailPadding::to_alignment);
    REQUIRE_OK(direct_length);
    direct.resize(*direct_length);
    REQUIRE(test::to_hex(batch) == test::to_hex(direct));
}

TEST_CASE("packed directory writer leaves the prefix alone and writes nothing outside", "[wire]") {
    Buffer backing(64 + 16, std::byte{0x5A});
    const MutableBytes region = MutableBytes(backing).subspan(8, 64);
    PackedDirectoryWriter writer(region, 24, 2);
    REQUIRE_OK(writer.append(10));
    REQUIRE_OK(writer.append(3));
    auto length = writer.finish(TailPadding::none);
    REQUIRE_OK(length);
    REQUIRE(*length == 24 + 16 + 16 + 3);
    for (std::size_t i = 0; i < 8 + 24; ++i) {
        INFO("byte " << i);
        REQUIRE(backing[i] == std::byte{0x5A});
    }
    for (std::size_t i = 8 + 64; i < backing.size(); ++i) {
        INFO("byte " << i);
        REQUIRE(backing[i] == std::byte{0x5A});
    }
}

TEST_CASE("packed directory writer reports overflow when an item cannot fit", "[wire]") {
    Buffer out(32);
    PackedDirectoryWriter writer(out, 0, 1);
    REQUIRE_OK(writer.append(24)); // 8 directory + 24 item = 32
    REQUIRE_ERRC(writer.append(0), Errc::overflow);

    Buffer tiny(4);
    PackedDirectoryWriter tiny_writer(tiny, 8, 0); // prefix alone overflows
    REQUIRE_ERRC(tiny_writer.append(0), Errc::overflow);
}

TEST_CASE("packed directory view gives each item its bytes", "[wire]") {
    const Buffer region = packed_region(4, 5, 0, TailPadding::none, 256);
    auto view = PackedDirectoryView::parse(region, 5);
    REQUIRE_OK(view);
    REQUIRE(view->size() == 5);
    for (std::uint32_t i = 0; i < 5; ++i) {
        const Bytes item = view->item(i);
        REQUIRE(item.size() == i % 13 + 1);
        for (std::byte b : item) {
            REQUIRE(b == static_cast<std::byte>(i + 1));
        }
    }
}

TEST_CASE("a sized batch builder lays its directory out once and takes exactly its items",
          "[wire]") {
    std::vector<Buffer> items;
    items.reserve(100);
    for (std::uint32_t i = 0; i < 100; ++i) {
        items.push_back(string_item(std::string(i % 7, 'x')));
    }
    Buffer grown(8192);
    auto grown_length = build_batch(grown, items);
    REQUIRE_OK(grown_length);
    grown.resize(*grown_length);

    Buffer sized(8192);
    auto builder = BatchBuilder::sized(sized, 100);
    for (const Buffer& item : items) {
        REQUIRE_OK(builder.add(item));
    }
    REQUIRE_ERRC(builder.add(items.front()), Errc::limit_exceeded);
    REQUIRE_ERRC(builder.open_item(), Errc::limit_exceeded);
    auto length = builder.finish();
    REQUIRE_OK(length);
    sized.resize(*length);
    REQUIRE(test::to_hex(sized) == test::to_hex(grown));
}

TEST_CASE("open_item and commit_item build items in place", "[wire]") {
    const std::vector<std::string> texts{"a", "hello world", "", "xyz"};
    Buffer in_place(256, std::byte{0xEE}); // stale bytes must not leak into padding
    auto builder = BatchBuilder::sized(in_place, 4);
    for (const std::string& text : texts) {
        auto room = builder.open_item();
        REQUIRE_OK(room);
        // The room runs to the end of the buffer.
        REQUIRE(room->data() + room->size() == in_place.data() + in_place.size());
        // Scribble past the item, as a builder may, then encode the item.
        std::fill(room->begin(), room->begin() + 24, std::byte{0xAB});
        auto written = StringReverse::encode_request(text, *room);
        REQUIRE_OK(written);
        REQUIRE_OK(builder.commit_item(*written));
    }
    auto length = builder.finish();
    REQUIRE_OK(length);
    in_place.resize(*length);

    std::vector<Buffer> items;
    items.reserve(texts.size());
    for (const std::string& text : texts) {
        items.push_back(string_item(text));
    }
    Buffer copied(256);
    auto copied_length = build_batch(copied, items);
    REQUIRE_OK(copied_length);
    copied.resize(*copied_length);
    REQUIRE(test::to_hex(in_place) == test::to_hex(copied));
}

TEST_CASE("commit_item refuses what open_item did not offer", "[wire]") {
    Buffer out(40);
    auto builder = BatchBuilder::sized(out, 2); // 16 bytes of directory, 24 of room
    auto room = builder.open_item();
    REQUIRE_OK(room);
    REQUIRE(room->size() == 24);
    REQUIRE_ERRC(builder.commit_item(25), Errc::invalid_argument);
    REQUIRE_OK(builder.commit_item(24));
    // The buffer is full: no room for the second item...
    auto second = builder.open_item();
    REQUIRE_OK(second);
    REQUIRE(second->empty());
    REQUIRE_OK(builder.commit_item(0));
    // ...and a third commit has no directory slot to go to.
    REQUIRE_ERRC(builder.commit_item(0), Errc::invalid_argument);
    REQUIRE(builder.item_count() == 2);

    Buffer tiny(4);
    PackedDirectoryWriter writer(tiny, 8, 0); // the prefix alone overflows
    REQUIRE_ERRC(writer.open_item(), Errc::overflow);
}

TEST_CASE("open_item on a growing builder grows its directory first", "[wire]") {
    // 16 slots to start with; the buffer holds exactly 40 items, so growth
    // must not reserve more directory than the final batch needs.
    constexpr std::size_t exact_size = std::size_t{40} * 16;
    Buffer grown(exact_size);
    BatchBuilder builder(grown);
    for (std::uint64_t value = 0; value < 40; ++value) {
        auto room = builder.open_item();
        REQUIRE_OK(room);
        auto written = Increment::encode_request(value, *room);
        REQUIRE_OK(written);
        REQUIRE_OK(builder.commit_item(*written));
    }
    auto length = builder.finish();
    REQUIRE_OK(length);
    REQUIRE(*length == exact_size);
    auto view = BatchView::parse(test::first_bytes(grown, *length), 40);
    REQUIRE_OK(view);
    for (std::uint32_t i = 0; i < 40; ++i) {
        REQUIRE(increment_value((*view)[i]) == i);
    }
}

// --- UniformBatch: the one-pass layout for fixed-size items -----------------

namespace {

// Item i of a uniform test batch: ItemLength bytes of the value i + 1.
template <std::size_t ItemLength>
Buffer uniform_item(std::uint32_t index) {
    Buffer item(ItemLength, static_cast<std::byte>(index + 1));
    return item;
}

// The batch BatchBuilder makes of `count` uniform test items.
template <std::size_t ItemLength>
Buffer packed_reference(std::uint32_t count) {
    std::vector<Buffer> items;
    items.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        items.push_back(uniform_item<ItemLength>(i));
    }
    Buffer out(std::size_t{count} * (8 + align8(ItemLength)) + 64);
    auto length = build_batch(out, items);
    REQUIRE_OK(length);
    out.resize(*length);
    return out;
}

// Lays out `count` uniform test items over a buffer of junk bytes; the
// payload, and checks that nothing past it was written.
template <std::size_t ItemLength>
Buffer uniform_batch(std::uint32_t count) {
    constexpr std::byte junk{0xAA};
    Buffer out(std::size_t{count} * (8 + align8(ItemLength)) + 64, junk);
    auto batch = UniformBatch<ItemLength>::lay_out(out, count);
    REQUIRE_OK(batch);
    for (std::uint32_t i = 0; i < count; ++i) {
        const Buffer item = uniform_item<ItemLength>(i);
        std::ranges::copy(item, batch->item(i).begin());
    }
    const std::size_t length = batch->payload_length();
    REQUIRE(
        std::ranges::all_of(Bytes(out).subspan(length), [&](std::byte b) { return b == junk; }));
    out.resize(length);
    return out;
}

template <std::size_t ItemLength>
void require_uniform_matches_packed() {
    for (const std::uint32_t count : {0U, 1U, 2U, 3U, 100U}) {
        CAPTURE(ItemLength, count);
        REQUIRE(test::to_hex(uniform_batch<ItemLength>(count))
                == test::to_hex(packed_reference<ItemLength>(count)));
    }
}

} // namespace

TEST_CASE("a uniform batch is byte for byte the batch BatchBuilder makes", "[wire]") {
    SECTION("8-byte items: no padding") {
        require_uniform_matches_packed<8>();
    }
    SECTION("5-byte items: zero padding behind each, over junk bytes") {
        require_uniform_matches_packed<5>();
    }
    SECTION("12-byte items") {
        require_uniform_matches_packed<12>();
    }
    SECTION("empty items") {
        require_uniform_matches_packed<0>();
    }
}

TEST_CASE("a uniform batch parses back into its items", "[wire]") {
    const Buffer payload = uniform_batch<5>(40);
    auto view = BatchView::parse(payload, 40);
    REQUIRE_OK(view);
    for (std::uint32_t i = 0; i < 40; ++i) {
        REQUIRE(test::to_hex((*view)[i]) == test::to_hex(uniform_item<5>(i)));
    }
}

TEST_CASE("a uniform batch refuses a buffer it does not fit, and writes nothing", "[wire]") {
    constexpr std::uint32_t count = 10;
    constexpr std::size_t exact = std::size_t{count} * (8 + 16);
    SECTION("exactly the payload size fits") {
        Buffer out(exact);
        auto batch = UniformBatch<12>::lay_out(out, count);
        REQUIRE_OK(batch);
        REQUIRE(batch->payload_length() == exact);
    }
    SECTION("one byte less: the items do not fit") {
        Buffer out(exact - 1, std::byte{0xAA});
        REQUIRE_ERRC(UniformBatch<12>::lay_out(out, count), Errc::overflow);
        REQUIRE(std::ranges::all_of(out, [](std::byte b) { return b == std::byte{0xAA}; }));
    }
    SECTION("not even the directory fits") {
        Buffer out(count * 8 - 1);
        REQUIRE_ERRC(UniformBatch<12>::lay_out(out, count), Errc::overflow);
    }
    SECTION("an empty buffer takes an empty batch only") {
        Buffer out;
        REQUIRE_OK(UniformBatch<8>::lay_out(out, 0));
        REQUIRE_ERRC(UniformBatch<8>::lay_out(out, 1), Errc::overflow);
    }
}

// --- BatchView::uniform(): reading the one-pass layout without its directory

namespace {

// Whether `view.uniform<ItemLength>()` finds the layout, and when it does,
// whether it hands out exactly the items operator[] does.
template <std::size_t ItemLength>
bool reads_as_uniform(const BatchView& view) {
    auto uniform = view.uniform<ItemLength>();
    if (!uniform) {
        return false;
    }
    REQUIRE(uniform->size() == view.size());
    for (std::uint32_t i = 0; i < view.size(); ++i) {
        const Bytes item = (*uniform)[i];
        REQUIRE(item.data() == view[i].data());
        REQUIRE(item.size() == view[i].size());
    }
    return true;
}

} // namespace

TEST_CASE("a batch view finds the one-pass layout of fixed-size items", "[wire]") {
    // The check takes entries four at a time and the last count % 4 one by
    // one: every count modulo 4 must be found.
    for (std::uint32_t count = 1; count <= 9; ++count) {
        CAPTURE(count);
        const Buffer eight = uniform_batch<8>(count);
        auto view = BatchView::parse(eight, count);
        REQUIRE_OK(view);
        CHECK(reads_as_uniform<8>(*view));
        CHECK_FALSE(reads_as_uniform<16>(*view)); // another item length is another layout
        // 5-byte items, padded to a stride of 8.
        const Buffer five = uniform_batch<5>(count);
        view = BatchView::parse(five, count);
        REQUIRE_OK(view);
        CHECK(reads_as_uniform<5>(*view));
        CHECK_FALSE(reads_as_uniform<8>(*view));
    }
    SECTION("an empty batch has no uniform items to offer") {
        auto view = BatchView::parse({}, 0);
        REQUIRE_OK(view);
        CHECK_FALSE(reads_as_uniform<8>(*view));
    }
}

TEST_CASE("a valid directory off the one-pass layout is read through the directory", "[wire]") {
    enum class Change : std::uint8_t { shorter, shared_bytes, empty };
    for (std::uint32_t count = 2; count <= 9; ++count) {
        const Buffer clean = uniform_batch<8>(count);
        for (std::uint32_t changed = 0; changed < count; ++changed) {
            for (const Change change : {Change::shorter, Change::shared_bytes, Change::empty}) {
                CAPTURE(count, changed, static_cast<int>(change));
                const std::size_t entry = std::size_t{changed} * 8;
                Buffer out = clean;
                switch (change) {
                    case Change::shorter:
                        test::patch<std::uint32_t>(out, entry + 4, 7);
                        break;
                    case Change::shared_bytes: // pointing at another item's bytes
                        test::patch<std::uint32_t>(out, entry, changed == 0 ? 8 : 0);
                        break;
                    case Change::empty:
                        test::patch<std::uint32_t>(out, entry + 4, 0);
                        break;
                }
                auto view = BatchView::parse(out, count);
                REQUIRE_OK(view);
                CHECK_FALSE(reads_as_uniform<8>(*view));
                CHECK_FALSE(reads_as_uniform<7>(*view));
            }
        }
    }
    SECTION("items that start past a gap") {
        // Two 8-byte items at offsets 8 and 16: aligned and in bounds, but
        // not where the one-pass layout puts them.
        Buffer out(16 + 24);
        test::patch<std::uint32_t>(out, 0, 8);
        test::patch<std::uint32_t>(out, 4, 8);
        test::patch<std::uint32_t>(out, 8, 16);
        test::patch<std::uint32_t>(out, 12, 8);
        auto view = BatchView::parse(out, 2);
        REQUIRE_OK(view);
        CHECK_FALSE(reads_as_uniform<8>(*view));
        CHECK((*view)[1].data() == out.data() + 16 + 16);
    }
    SECTION("a single item is uniform whatever its length") {
        Buffer out = uniform_batch<8>(1);
        test::patch<std::uint32_t>(out, 4, 3);
        auto view = BatchView::parse(out, 1);
        REQUIRE_OK(view);
        CHECK(reads_as_uniform<3>(*view));
        CHECK_FALSE(reads_as_uniform<8>(*view));
    }
}

TEST_CASE("the one-pass layout is refused when its last item runs past the payload", "[wire]") {
    for (std::uint32_t count = 1; count <= 9; ++count) {
        CAPTURE(count);
        Buffer out = uniform_batch<8>(count);
        out.resize(out.size() - 1);
        REQUIRE_ERRC(BatchView::parse(out, count), Errc::out_of_bounds);
    }
}
