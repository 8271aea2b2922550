// CGROUPS_LOOKUP (method 4): builder checks, round trips, the server's
// budget rule, and one test per rejection rule of the specification
// (netdata/plugin-ipc docs/codec-cgroups-lookup.md), each asserting its
// error. Malformed payloads are valid reference images patched at the
// offsets the specification fixes.
#include "codecs/cgroups_lookup.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "codecs/lookup_frame.h"
#include "netipc/wire/packed_directory.h"
#include "tests/support/hex_vectors.h"
#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using namespace netipc::codecs;
using netipc::test::Buffer;
using netipc::test::patch;

Buffer image(const std::string& name) {
    return netipc::testing::load_lookup_vector(name).bytes();
}

// Offsets in a one-item response: header 16, directory entry 16, item 24.
constexpr std::size_t dir_offset = 16;
constexpr std::size_t dir_length = 20;
constexpr std::size_t item = 24;
// Item header fields, from the item start.
constexpr std::size_t f_layout = 0;
constexpr std::size_t f_status = 2;
constexpr std::size_t f_orchestrator = 4;
constexpr std::size_t f_reserved0 = 6;
constexpr std::size_t f_path_offset = 8;
constexpr std::size_t f_path_length = 12;
constexpr std::size_t f_name_offset = 16;
constexpr std::size_t f_name_length = 20;
constexpr std::size_t f_label_count = 24;
constexpr std::size_t f_reserved1 = 26;
// cgroups_lookup_response_known_with_labels: path at item 28 (21 bytes),
// name at 50 (5), label table at 56, label strings from 88.
constexpr std::size_t table = item + 56;

Buffer with_labels() {
    return image("cgroups_lookup_response_known_with_labels");
}
Buffer unknown_permanent() {
    return image("cgroups_lookup_response_unknown_permanent");
}

Buffer encode(const CgroupsLookupData& data) {
    Buffer out(CgroupsLookup::encoded_size(data));
    auto length = CgroupsLookup::encode_response(data, out);
    REQUIRE_OK(length);
    REQUIRE(*length == out.size());
    return out;
}

CgroupsLookupItem known(std::string path, std::string name = "n",
                        std::vector<LookupLabel> labels = {}) {
    return {CgroupsLookupStatus::known, Orchestrator::docker, std::move(path), std::move(name),
            std::move(labels)};
}

CgroupsLookupData two_items() {
    return {7, {known("/a"), known("/bb", "x", {{"k", "v"}})}};
}

// Appends one byte to the last item (the payload's end) and counts it in
// the item's directory entry.
void grow_last_item(Buffer& payload, std::size_t entry_length_at, std::uint8_t fill) {
    payload.push_back(std::byte{fill});
    patch<std::uint32_t>(payload, entry_length_at,
                         test::peek<std::uint32_t>(payload, entry_length_at) + 1);
}

} // namespace

// --- names and local answers -------------------------------------------------------

TEST_CASE("cgroups lookup statuses and orchestrators have their specification names",
          "[codec][lookup]") {
    CHECK(to_string(CgroupsLookupStatus::known) == "KNOWN");
    CHECK(to_string(CgroupsLookupStatus::unknown_retry_later) == "UNKNOWN_RETRY_LATER");
    CHECK(to_string(CgroupsLookupStatus::unknown_permanent) == "UNKNOWN_PERMANENT");
    CHECK(to_string(CgroupsLookupStatus::payload_exceeded) == "PAYLOAD_EXCEEDED");
    CHECK(to_string(CgroupsLookupStatus::oversized_item) == "OVERSIZED_ITEM");
    // A value outside the enumeration, as a peer may send: on purpose.
    // NOLINTNEXTLINE(clang-analyzer-optin.core.EnumCastOutOfRange)
    CHECK(to_string(static_cast<CgroupsLookupStatus>(5)).empty()); // not listed: no name
    CHECK(to_string(Orchestrator::unknown) == "UNKNOWN");
    CHECK(to_string(Orchestrator::systemd) == "SYSTEMD");
    CHECK(to_string(Orchestrator::docker) == "DOCKER");
    CHECK(to_string(Orchestrator::k8s) == "K8S");
    CHECK(to_string(Orchestrator::kvm) == "KVM");
    CHECK(to_string(Orchestrator::lxc) == "LXC");
    CHECK(to_string(Orchestrator::podman) == "PODMAN");
    CHECK(to_string(Orchestrator::nspawn) == "NSPAWN");
}

TEST_CASE("a client's own OVERSIZED_ITEM answer needs a valid path and room for it",
          "[codec][lookup]") {
    const std::string_view path = "/very/long/path";
    Buffer out(CgroupsLookup::oversized_item_size(path));
    auto written = CgroupsLookup::encode_oversized_item(path, out);
    REQUIRE_OK(written);
    CHECK(*written == out.size());

    Buffer short_of_one(out.size() - 1);
    REQUIRE_ERRC(CgroupsLookup::encode_oversized_item(path, short_of_one), Errc::overflow);
    // An empty path is no key: the decoder would reject the item.
    REQUIRE_ERRC(CgroupsLookup::encode_oversized_item("", out), Errc::invalid_argument);
}

TEST_CASE("a stitched lookup response needs room for its header and every item",
          "[codec][lookup]") {
    const Buffer item_bytes(32, std::byte{0});
    const std::vector<wire::Bytes> items{wire::Bytes(item_bytes)};
    Buffer fits(lookup_header_size + wire::directory_entry_size + item_bytes.size());
    auto length = encode_lookup_response(9, items, fits);
    REQUIRE_OK(length);
    CHECK(*length == fits.size());

    Buffer no_room_for_the_item(fits.size() - 1);
    REQUIRE_ERRC(encode_lookup_response(9, items, no_room_for_the_item), Errc::overflow);
    Buffer no_room_for_the_header(lookup_header_size - 1);
    REQUIRE_ERRC(encode_lookup_response(9, {}, no_room_for_the_header), Errc::overflow);
}

// --- round trips and builder ---------------------------------------------------------

TEST_CASE("cgroups lookup: round trip of every status, labels and raw orchestrators",
          "[codec][lookup]") {
    CgroupsLookupData data{0, {}};
    data.items.push_back(known("/kubepods/a", "a", {{"k1", ""}, {"key", "value"}}));
    data.items.push_back(
        {CgroupsLookupStatus::unknown_retry_later, Orchestrator::unknown, "/r", "", {}});
    data.items.push_back(
        {CgroupsLookupStatus::unknown_permanent, Orchestrator::unknown, "/p", "", {}});
    data.items.push_back(
        {CgroupsLookupStatus::payload_exceeded, Orchestrator::unknown, "/e", "", {}});
    data.items.push_back(
        {CgroupsLookupStatus::oversized_item, Orchestrator::unknown, "/o", "", {}});
    // Unlisted orchestrator values pass through as the raw u16.
    data.items.push_back(
        {CgroupsLookupStatus::known, static_cast<Orchestrator>(0xBEEF), "/x", "", {}});
    const Buffer bytes = encode(data);
    auto view = CgroupsLookup::decode_response(bytes);
    REQUIRE_OK(view);
    REQUIRE(view->size() == data.items.size());
    REQUIRE(CgroupsLookup::to_owned(*view) == data);
    REQUIRE(static_cast<std::uint16_t>((*view)[5].orchestrator) == 0xBEEF);
    REQUIRE(to_string((*view)[5].orchestrator).empty());
    REQUIRE(to_string((*view)[0].orchestrator) == "DOCKER");
    // Views point into the payload and every string is NUL-terminated there.
    const auto first = (*view)[0];
    REQUIRE(first.path.data()[first.path.size()] == '\0');
    REQUIRE(first.labels[1].value == "value");
    // A decoded item copies into a new response unchanged.
    Buffer copy(bytes.size());
    CgroupsLookupBuilder builder(copy);
    builder.set_generation(view->generation());
    for (const CgroupsLookupItemView item : *view) {
        REQUIRE_OK(builder.add(item));
    }
    auto length = builder.finish();
    REQUIRE_OK(length);
    REQUIRE(test::to_hex(wire::Bytes(copy).first(*length)) == test::to_hex(bytes));
}

TEST_CASE("cgroups lookup builder: exact room fits, one byte less overflows", "[codec][lookup]") {
    const CgroupsLookupData data = two_items();
    Buffer exact(CgroupsLookup::encoded_size(data));
    REQUIRE_OK(CgroupsLookup::encode_response(data, exact));
    Buffer short_by_one(exact.size() - 1);
    REQUIRE_ERRC(CgroupsLookup::encode_response(data, short_by_one), Errc::overflow);
}

TEST_CASE("cgroups lookup builder refuses what a decoder would reject", "[codec][lookup]") {
    Buffer out(4096);
    CgroupsLookupBuilder builder(out);
    REQUIRE_ERRC(builder.add(known("")), Errc::invalid_argument);
    REQUIRE_ERRC(builder.add(known(std::string("/a\0b", 4))), Errc::invalid_argument);
    REQUIRE_ERRC(builder.add(known("/a", "n", {{"", "v"}})), Errc::invalid_argument);
    REQUIRE_ERRC(builder.add(known("/a", "n", {{"k", std::string("v\0", 2)}})),
                 Errc::invalid_argument);
    REQUIRE_ERRC(builder.add(CgroupsLookupItem{
                     CgroupsLookupStatus::unknown_permanent, Orchestrator::docker, "/a", "", {}}),
                 Errc::invalid_argument);
    REQUIRE_ERRC(builder.add(CgroupsLookupItem{
                     CgroupsLookupStatus::unknown_permanent, Orchestrator::unknown, "/a", "n", {}}),
                 Errc::invalid_argument);
    REQUIRE_ERRC(builder.add(CgroupsLookupItem{CgroupsLookupStatus::unknown_retry_later,
                                               Orchestrator::unknown,
                                               "/a",
                                               "",
                                               {{"k", "v"}}}),
                 Errc::invalid_argument);
    REQUIRE_ERRC(builder.add(CgroupsLookupItem{
                     static_cast<CgroupsLookupStatus>(5), Orchestrator::unknown, "/a", "", {}}),
                 Errc::invalid_argument);
    std::vector<LookupLabel> too_many(0x10000, LookupLabel{"k", "v"});
    REQUIRE_ERRC(builder.add(known("/a", "n", too_many)), Errc::invalid_argument);
    REQUIRE(builder.item_count() == 0);
}

TEST_CASE("cgroups lookup request: empty or NUL-holding paths are refused", "[codec][lookup]") {
    Buffer out(256);
    const std::vector<std::string_view> empty{""};
    REQUIRE_ERRC(CgroupsLookup::encode_request({empty}, out), Errc::invalid_argument);
    const std::vector<std::string_view> nul{std::string_view("/a\0", 3)};
    REQUIRE_ERRC(CgroupsLookup::encode_request({nul}, out), Errc::invalid_argument);
    const std::vector<std::string_view> paths{"/a", "/b"};
    Buffer short_by_one(CgroupsLookup::request_size({paths}) - 1);
    REQUIRE_ERRC(CgroupsLookup::encode_request({paths}, short_by_one), Errc::overflow);
}

// --- the server's budget rule --------------------------------------------------------

TEST_CASE("cgroups lookup budget: everything fits, nothing is marked", "[codec][lookup][budget]") {
    const CgroupsLookupData data = two_items();
    Buffer out(CgroupsLookup::encoded_size(data));
    CgroupsLookupBuilder builder(out);
    REQUIRE_OK(builder.add_within_budget(data.items));
    builder.set_generation(data.generation);
    auto length = builder.finish();
    REQUIRE_OK(length);
    auto view = CgroupsLookup::decode_response(wire::Bytes(out).first(*length));
    REQUIRE_OK(view);
    REQUIRE(CgroupsLookup::to_owned(*view) == data);
}

TEST_CASE("cgroups lookup budget: items past the budget are PAYLOAD_EXCEEDED echoes",
          "[codec][lookup][budget]") {
    CgroupsLookupData data{3, {}};
    for (int i = 0; i < 6; ++i) {
        data.items.push_back(known("/p" + std::to_string(i), std::string(40, 'n')));
    }
    // Room for the first two in full and echoes of the other four.
    LookupPayloadSize room;
    room.add(*CgroupsLookupBuilder::size_of(data.items[0]));
    room.add(*CgroupsLookupBuilder::size_of(data.items[1]));
    for (int i = 2; i < 6; ++i) {
        room.add(CgroupsLookupBuilder::echo_size(data.items[i]));
    }
    Buffer out(room.total() + 7); // not enough for a third item in full
    CgroupsLookupBuilder builder(out);
    REQUIRE_OK(builder.add_within_budget(data.items));
    auto length = builder.finish();
    REQUIRE_OK(length);
    auto view = CgroupsLookup::decode_response(wire::Bytes(out).first(*length));
    REQUIRE_OK(view);
    REQUIRE(view->size() == 6);
    REQUIRE((*view)[0].status == CgroupsLookupStatus::known);
    REQUIRE((*view)[1].status == CgroupsLookupStatus::known);
    for (std::uint32_t i = 2; i < 6; ++i) {
        REQUIRE((*view)[i].status == CgroupsLookupStatus::payload_exceeded);
        REQUIRE((*view)[i].path == data.items[i].path);
        REQUIRE((*view)[i].name.empty());
    }
}

TEST_CASE("cgroups lookup budget: a first item that cannot fit is OVERSIZED_ITEM, later ones go on",
          "[codec][lookup][budget]") {
    CgroupsLookupData data{3, {known("/big", std::string(500, 'n')), known("/small")}};
    Buffer out(200);
    CgroupsLookupBuilder builder(out);
    REQUIRE_OK(builder.add_within_budget(data.items));
    auto length = builder.finish();
    REQUIRE_OK(length);
    auto view = CgroupsLookup::decode_response(wire::Bytes(out).first(*length));
    REQUIRE_OK(view);
    REQUIRE((*view)[0].status == CgroupsLookupStatus::oversized_item);
    REQUIRE((*view)[0].path == "/big");
    REQUIRE((*view)[1].status == CgroupsLookupStatus::known);
    REQUIRE(CgroupsLookup::to_owned((*view)[1]) == data.items[1]);
}

TEST_CASE("cgroups lookup budget: only an empty builder answers a whole request",
          "[codec][lookup][budget]") {
    Buffer out(1024);
    CgroupsLookupBuilder builder(out);
    REQUIRE_OK(builder.add(known("/a")));
    const std::vector<CgroupsLookupItem> items{known("/b")};
    REQUIRE_ERRC(builder.add_within_budget(items), Errc::invalid_argument);
}

// --- request rejection rules ---------------------------------------------------------

TEST_CASE("cgroups lookup request rejects a truncated header", "[codec][lookup][reject]") {
    const Buffer bytes = image("cgroups_lookup_request_empty");
    REQUIRE_ERRC(CgroupsLookup::decode_request(test::first_bytes(bytes, 15)), Errc::truncated);
}

TEST_CASE("cgroups lookup request rejects an unknown layout_version", "[codec][lookup][reject]") {
    Buffer bytes = image("cgroups_lookup_request_2_paths");
    patch<std::uint16_t>(bytes, 0, 2);
    REQUIRE_ERRC(CgroupsLookup::decode_request(bytes), Errc::bad_layout);
}

TEST_CASE("cgroups lookup request rejects non-zero flags and reserved fields",
          "[codec][lookup][reject]") {
    for (const std::size_t at : {2, 8, 12}) {
        Buffer bytes = image("cgroups_lookup_request_2_paths");
        patch<std::uint8_t>(bytes, at, 1);
        INFO("offset " << at);
        REQUIRE_ERRC(CgroupsLookup::decode_request(bytes), Errc::reserved_not_zero);
    }
}

TEST_CASE("cgroups lookup request rejects a directory that does not fit",
          "[codec][lookup][reject]") {
    Buffer bytes = image("cgroups_lookup_request_2_paths");
    patch<std::uint32_t>(bytes, 4, 0xFFFFFFFFU); // count * 8 far past the payload
    REQUIRE_ERRC(CgroupsLookup::decode_request(bytes), Errc::bad_item_count);
    REQUIRE_ERRC(CgroupsLookup::decode_request(test::first_bytes(bytes, 20)), Errc::bad_item_count);
}

TEST_CASE("cgroups lookup request rejects an unaligned key", "[codec][lookup][reject]") {
    Buffer bytes = image("cgroups_lookup_request_2_paths");
    patch<std::uint32_t>(bytes, 24, 25); // key 1 offset
    REQUIRE_ERRC(CgroupsLookup::decode_request(bytes), Errc::bad_alignment);
}

TEST_CASE("cgroups lookup request rejects a key past the payload or an overflowing range",
          "[codec][lookup][reject]") {
    Buffer bytes = image("cgroups_lookup_request_2_paths");
    patch<std::uint32_t>(bytes, 28, 32); // key 1 length, one past the end
    REQUIRE_ERRC(CgroupsLookup::decode_request(bytes), Errc::out_of_bounds);
    Buffer wrap = image("cgroups_lookup_request_2_paths");
    patch<std::uint32_t>(wrap, 24, 0xFFFFFFF8U);
    patch<std::uint32_t>(wrap, 28, 0x10);
    REQUIRE_ERRC(CgroupsLookup::decode_request(wrap), Errc::out_of_bounds);
}

TEST_CASE("cgroups lookup request rejects keys out of order or overlapping",
          "[codec][lookup][reject]") {
    Buffer bytes = image("cgroups_lookup_request_2_paths");
    patch<std::uint32_t>(bytes, 24, 0);  // key 1 at key 0's place
    patch<std::uint32_t>(bytes, 28, 17); // still NUL-terminated there
    REQUIRE_ERRC(CgroupsLookup::decode_request(bytes), Errc::overlapping_fields);
}

TEST_CASE("cgroups lookup request rejects a key shorter than 2 bytes", "[codec][lookup][reject]") {
    Buffer bytes = image("cgroups_lookup_request_2_paths");
    patch<std::uint32_t>(bytes, 28, 1); // key 1: a lone byte
    REQUIRE_ERRC(CgroupsLookup::decode_request(bytes), Errc::bad_field);
}

TEST_CASE("cgroups lookup request rejects a key without its final NUL", "[codec][lookup][reject]") {
    Buffer bytes = image("cgroups_lookup_request_2_paths");
    patch<std::uint32_t>(bytes, 20, 16); // key 0 without its NUL
    REQUIRE_ERRC(CgroupsLookup::decode_request(bytes), Errc::missing_nul);
}

TEST_CASE("cgroups lookup request rejects a NUL inside a path", "[codec][lookup][reject]") {
    Buffer bytes = image("cgroups_lookup_request_2_paths");
    patch<std::uint8_t>(bytes, 32 + 4, 0);
    REQUIRE_ERRC(CgroupsLookup::decode_request(bytes), Errc::bad_field);
}

// --- response rejection rules: frame -------------------------------------------------

TEST_CASE("cgroups lookup response rejects a truncated header", "[codec][lookup][reject]") {
    const Buffer bytes = image("cgroups_lookup_response_empty");
    REQUIRE_ERRC(CgroupsLookup::decode_response(test::first_bytes(bytes, 15)), Errc::truncated);
}

TEST_CASE("cgroups lookup response rejects an unknown layout_version", "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint16_t>(bytes, 0, 0);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_layout);
}

TEST_CASE("cgroups lookup response rejects non-zero flags", "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint16_t>(bytes, 2, 1);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::reserved_not_zero);
}

TEST_CASE("cgroups lookup response accepts any generation", "[codec][lookup]") {
    Buffer bytes = with_labels();
    for (const std::uint64_t generation : {std::uint64_t{0}, ~std::uint64_t{0}}) {
        patch<std::uint64_t>(bytes, 8, generation);
        auto view = CgroupsLookup::decode_response(bytes);
        REQUIRE_OK(view);
        REQUIRE(view->generation() == generation);
    }
}

TEST_CASE("cgroups lookup response rejects a truncated directory", "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint32_t>(bytes, 4, 0x20000000U); // count * 8 past the payload
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_item_count);
}

TEST_CASE("cgroups lookup response rejects an item past the payload", "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint32_t>(bytes, dir_length, 115);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::out_of_bounds);
    Buffer wrap = with_labels();
    patch<std::uint32_t>(wrap, dir_offset, 0xFFFFFFF8U);
    REQUIRE_ERRC(CgroupsLookup::decode_response(wrap), Errc::out_of_bounds);
}

TEST_CASE("cgroups lookup response rejects an unaligned item", "[codec][lookup][reject]") {
    Buffer bytes = encode(two_items());
    patch<std::uint32_t>(bytes, 16 + 8, test::peek<std::uint32_t>(bytes, 16 + 8) + 4);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_alignment);
}

TEST_CASE("cgroups lookup response rejects overlapping items", "[codec][lookup][reject]") {
    Buffer bytes = encode(two_items());
    patch<std::uint32_t>(bytes, 16 + 8, 0); // item 1 at item 0's place
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::overlapping_fields);
}

// --- response rejection rules: the item ----------------------------------------------

TEST_CASE("cgroups lookup response rejects an item shorter than 28 bytes",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint32_t>(bytes, dir_length, 27);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::truncated);
}

TEST_CASE("cgroups lookup response rejects an item layout_version other than 1",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint16_t>(bytes, item + f_layout, 2);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_layout);
}

TEST_CASE("cgroups lookup response rejects non-zero item reserved fields",
          "[codec][lookup][reject]") {
    for (const std::size_t at : {f_reserved0, f_reserved1}) {
        Buffer bytes = with_labels();
        patch<std::uint16_t>(bytes, item + at, 1);
        INFO("field at " << at);
        REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::reserved_not_zero);
    }
}

TEST_CASE("cgroups lookup response rejects an unknown status", "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint16_t>(bytes, item + f_status, 5);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_status);
}

TEST_CASE("cgroups lookup response rejects an empty path", "[codec][lookup][reject]") {
    Buffer bytes = unknown_permanent();
    patch<std::uint32_t>(bytes, item + f_path_length, 0);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("cgroups lookup response rejects an orchestrator on an item that is not KNOWN",
          "[codec][lookup][reject]") {
    Buffer bytes = unknown_permanent();
    patch<std::uint16_t>(bytes, item + f_orchestrator, 2);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("cgroups lookup response rejects a name on an item that is not KNOWN",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint16_t>(bytes, item + f_status, 2);
    patch<std::uint16_t>(bytes, item + f_orchestrator, 0);
    patch<std::uint16_t>(bytes, item + f_label_count, 0);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("cgroups lookup response rejects labels on an item that is not KNOWN",
          "[codec][lookup][reject]") {
    Buffer bytes = unknown_permanent();
    patch<std::uint16_t>(bytes, item + f_label_count, 1);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("cgroups lookup response rejects a string offset inside the header",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint32_t>(bytes, item + f_path_offset, 27);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::out_of_bounds);
}

TEST_CASE("cgroups lookup response rejects a string past the item or an overflowing one",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint32_t>(bytes, item + f_name_length, 200);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::out_of_bounds);
    Buffer wrap = with_labels();
    patch<std::uint32_t>(wrap, item + f_name_offset, 0xFFFFFFFFU);
    patch<std::uint32_t>(wrap, item + f_name_length, 0xFFFFFFFFU);
    REQUIRE_ERRC(CgroupsLookup::decode_response(wrap), Errc::out_of_bounds);
}

TEST_CASE("cgroups lookup response rejects a string without its NUL", "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint32_t>(bytes, item + f_path_length, 20);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::missing_nul);
}

TEST_CASE("cgroups lookup response rejects a NUL inside a string", "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint8_t>(bytes, item + 28 + 3, 0);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("cgroups lookup response rejects strings sharing bytes, a NUL included",
          "[codec][lookup][reject]") {
    Buffer bytes = unknown_permanent();                        // path "/gone" at 28, name "" at 34
    patch<std::uint32_t>(bytes, item + f_name_offset, 28 + 5); // the path's NUL
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::overlapping_fields);
}

TEST_CASE("cgroups lookup response rejects bytes after the last string of an item without labels",
          "[codec][lookup][reject]") {
    Buffer bytes = image("cgroups_lookup_response_known_no_labels");
    grow_last_item(bytes, dir_length, 0);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_layout);
}

// --- response rejection rules: labels ------------------------------------------------

TEST_CASE("cgroups lookup response rejects a label table away from its canonical offset",
          "[codec][lookup][reject]") {
    // Move the table of known_with_labels 8 bytes later (zeros before it),
    // with every offset that points past it shifted too.
    Buffer bytes = with_labels();
    bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(table), 8, std::byte{0});
    patch<std::uint32_t>(bytes, dir_length, 114 + 8);
    for (std::size_t entry = 0; entry < 2; ++entry) {
        for (const std::size_t field : {0, 8}) {
            const std::size_t at = table + 8 + (entry * 16) + field;
            patch<std::uint32_t>(bytes, at, test::peek<std::uint32_t>(bytes, at) + 8);
        }
    }
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_layout);
}

TEST_CASE("cgroups lookup response rejects non-zero padding before the label table",
          "[codec][lookup][reject]") {
    // "/a" and "b" end at item offset 33: the table is at 40.
    Buffer bytes = encode({1, {known("/a", "b", {{"k", "v"}})}});
    patch<std::uint8_t>(bytes, item + 35, 1);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::reserved_not_zero);
}

TEST_CASE("cgroups lookup response rejects an empty label key", "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint32_t>(bytes, table + 4, 0);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("cgroups lookup response rejects a label table past the item",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint16_t>(bytes, item + f_label_count, 0xFFFF);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::out_of_bounds);
}

TEST_CASE("cgroups lookup response rejects a label string past the item",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint32_t>(bytes, table + 16 + 12, 100); // last value's length
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::out_of_bounds);
}

TEST_CASE("cgroups lookup response rejects a label string without its NUL",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint8_t>(bytes, item + 88 + 9, 'X'); // the NUL after "namespace"
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::missing_nul);
}

TEST_CASE("cgroups lookup response rejects a NUL inside a label string",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint8_t>(bytes, item + 88 + 2, 0);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("cgroups lookup response rejects a label string not packed in place",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    patch<std::uint32_t>(bytes, table + 8, 99); // value 0 one byte late
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_layout);
}

TEST_CASE("cgroups lookup response rejects bytes after the last label value",
          "[codec][lookup][reject]") {
    Buffer bytes = with_labels();
    grow_last_item(bytes, dir_length, 0);
    REQUIRE_ERRC(CgroupsLookup::decode_response(bytes), Errc::bad_layout);
}
