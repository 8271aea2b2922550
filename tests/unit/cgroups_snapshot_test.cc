// CGROUPS_SNAPSHOT (method 2): the 4-byte request, the snapshot response
// (builder, owned encoder, validated view) and every rejection rule of the
// snapshot specification. Malformed payloads are made by patching a valid
// encoded snapshot at the offsets the specification fixes.
#include "codecs/cgroups_snapshot.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <ranges>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "codecs/simple_hash.h"
#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using namespace netipc::codecs;
using netipc::test::Buffer;

// The snapshot of the reference image cgroups_snapshot_response_3_items.
CgroupsSnapshotData three_items() {
    CgroupsSnapshotData data;
    data.systemd_enabled = 1;
    data.generation = 0x1122334455667788ULL;
    data.items.push_back({0x67c26a92, 0x1, 1, "system.slice_docker.service",
                          "/sys/fs/cgroup/system.slice/docker.service"});
    data.items.push_back({0, 0, 0, "", ""});
    data.items.push_back(
        {0xb7078c72, 0x12, 1, "k8s_pod_1234", "/sys/fs/cgroup/kubepods/burstable/pod1234"});
    return data;
}

// Offsets in the encoded three_items() payload, from the specification:
// 24-byte snapshot header, 3 directory entries, then the packed items.
constexpr std::size_t dir_entry = 24; // + 8 * index; {u32 offset, u32 length}
constexpr std::size_t packed_area = 48;
constexpr std::size_t item0 = packed_area + 0;   // 103 bytes: 32 + 27 + 1 + 42 + 1
constexpr std::size_t item1 = packed_area + 104; // 34 bytes: 32 + NUL + NUL
constexpr std::size_t item2 = packed_area + 144; // 87 bytes
constexpr std::size_t payload_len = 279;
// Fields of the 32-byte item header, relative to the item start.
constexpr std::size_t item_layout = 0;
constexpr std::size_t item_flags = 2;
constexpr std::size_t name_offset = 16;
constexpr std::size_t name_length = 20;
constexpr std::size_t path_offset = 24;
constexpr std::size_t path_length = 28;

Buffer encode_snapshot(const CgroupsSnapshotData& data) {
    Buffer out(CgroupsSnapshot::encoded_size(data));
    auto length = CgroupsSnapshot::encode_response(data, out);
    REQUIRE_OK(length);
    REQUIRE(*length == out.size());
    return out;
}

// Builds `data` through the builder with a given reservation.
Result<std::size_t> build_snapshot(wire::MutableBytes out, const CgroupsSnapshotData& data,
                                   std::uint32_t reserved) {
    CgroupsSnapshotBuilder builder(out, reserved);
    builder.set_systemd_enabled(data.systemd_enabled);
    builder.set_generation(data.generation);
    for (const CgroupsItem& item : data.items) {
        if (auto added = builder.add(item); !added) {
            return std::unexpected(added.error());
        }
    }
    return builder.finish();
}

Buffer valid_payload() {
    Buffer bytes = encode_snapshot(three_items());
    REQUIRE(bytes.size() == payload_len);
    REQUIRE_OK(CgroupsSnapshot::decode_response(bytes));
    return bytes;
}

void require_items_equal(const CgroupsItemView& actual, const CgroupsItem& expected) {
    REQUIRE(actual.hash == expected.hash);
    REQUIRE(actual.options == expected.options);
    REQUIRE(actual.enabled == expected.enabled);
    REQUIRE(actual.name == expected.name);
    REQUIRE(actual.path == expected.path);
    // Each string is followed by its own NUL inside the payload.
    REQUIRE(actual.name.data()[actual.name.size()] == '\0');
    REQUIRE(actual.path.data()[actual.path.size()] == '\0');
}

} // namespace

// --- request -----------------------------------------------------------------------

TEST_CASE("CGROUPS_SNAPSHOT request round trip", "[codec]") {
    const CgroupsSnapshotRequest request{};
    Buffer bytes(CgroupsSnapshot::request_size(request));
    REQUIRE(bytes.size() == 4);
    auto written = CgroupsSnapshot::encode_request(request, bytes);
    REQUIRE_OK(written);
    REQUIRE(*written == 4);
    REQUIRE(test::peek<std::uint16_t>(bytes, 0) == 1);
    REQUIRE(test::peek<std::uint16_t>(bytes, 2) == 0);
    auto view = CgroupsSnapshot::decode_request(bytes);
    REQUIRE_OK(view);
    REQUIRE(view->layout_version == 1);
    REQUIRE(CgroupsSnapshot::to_owned(*view).layout_version == 1);
}

TEST_CASE("CGROUPS_SNAPSHOT request encode needs exactly 4 bytes", "[codec]") {
    Buffer exact(4);
    REQUIRE_OK(CgroupsSnapshot::encode_request({}, exact));
    Buffer short_by_one(3);
    REQUIRE_ERRC(CgroupsSnapshot::encode_request({}, short_by_one), Errc::overflow);
}

TEST_CASE("CGROUPS_SNAPSHOT request rejects a truncated payload", "[codec]") {
    Buffer bytes(4);
    REQUIRE_OK(CgroupsSnapshot::encode_request({}, bytes));
    REQUIRE_ERRC(CgroupsSnapshot::decode_request(test::first_bytes(bytes, 3)), Errc::truncated);
}

TEST_CASE("CGROUPS_SNAPSHOT request rejects layout_version 2", "[codec]") {
    Buffer bytes(4);
    REQUIRE_OK(CgroupsSnapshot::encode_request({}, bytes));
    test::patch<std::uint16_t>(bytes, 0, 2);
    REQUIRE_ERRC(CgroupsSnapshot::decode_request(bytes), Errc::bad_layout);
}

TEST_CASE("CGROUPS_SNAPSHOT request rejects non-zero flags", "[codec]") {
    Buffer bytes(4);
    REQUIRE_OK(CgroupsSnapshot::encode_request({}, bytes));
    test::patch<std::uint16_t>(bytes, 2, 1);
    REQUIRE_ERRC(CgroupsSnapshot::decode_request(bytes), Errc::reserved_not_zero);
}

// --- response: building and reading -------------------------------------------------

TEST_CASE("CGROUPS_SNAPSHOT response round trip, including via to_owned", "[codec]") {
    const CgroupsSnapshotData data = three_items();
    const Buffer bytes = encode_snapshot(data);
    auto view = CgroupsSnapshot::decode_response(bytes);
    REQUIRE_OK(view);
    REQUIRE(view->systemd_enabled() == 1);
    REQUIRE(view->generation() == 0x1122334455667788ULL);
    REQUIRE(view->size() == 3);
    REQUIRE_FALSE(view->empty());
    for (std::uint32_t i = 0; i < 3; ++i) {
        require_items_equal((*view)[i], data.items[i]);
    }
    REQUIRE(CgroupsSnapshot::to_owned(*view) == data);
    REQUIRE(CgroupsSnapshot::to_owned((*view)[2]) == data.items[2]);
}

TEST_CASE("CGROUPS_SNAPSHOT owned copy outlives the payload", "[codec]") {
    CgroupsSnapshotData owned;
    {
        const Buffer bytes = encode_snapshot(three_items());
        auto view = CgroupsSnapshot::decode_response(bytes);
        REQUIRE_OK(view);
        owned = CgroupsSnapshot::to_owned(*view);
    }
    REQUIRE(owned == three_items());
}

TEST_CASE("CGROUPS_SNAPSHOT view iterates over every item in order", "[codec]") {
    const CgroupsSnapshotData data = three_items();
    const Buffer bytes = encode_snapshot(data);
    auto view = CgroupsSnapshot::decode_response(bytes);
    REQUIRE_OK(view);

    std::size_t index = 0;
    for (const CgroupsItemView item : *view) {
        REQUIRE(index < data.items.size());
        require_items_equal(item, data.items[index]);
        ++index;
    }
    REQUIRE(index == 3);

    // Standard algorithms work on it too.
    static_assert(std::input_iterator<CgroupsSnapshotView::Iterator>);
    static_assert(std::ranges::range<const CgroupsSnapshotView>);
    REQUIRE(std::ranges::distance(*view) == 3);
    REQUIRE(
        std::ranges::count_if(*view, [](const CgroupsItemView& item) { return item.enabled != 0; })
        == 2);
    auto it = view->begin();
    REQUIRE((*it++).name == "system.slice_docker.service");
    REQUIRE((*it).name.empty());
    REQUIRE((*++it).name == "k8s_pod_1234");
    REQUIRE(++it == view->end());
}

TEST_CASE("CGROUPS_SNAPSHOT builder and encode_response produce the same bytes", "[codec]") {
    const CgroupsSnapshotData data = three_items();
    Buffer built(4096);
    auto length = build_snapshot(built, data, 8);
    REQUIRE_OK(length);
    built.resize(*length);
    REQUIRE(test::to_hex(built) == test::to_hex(encode_snapshot(data)));
}

TEST_CASE("CGROUPS_SNAPSHOT builder accepts borrowed item views", "[codec]") {
    const std::string name = "user.slice";
    const std::string path = "/sys/fs/cgroup/user.slice";
    Buffer out(512);
    CgroupsSnapshotBuilder builder(out);
    builder.set_generation(3);
    REQUIRE_OK(builder.add(CgroupsItemView{simple_hash(name), 4, 1, name, path}));
    REQUIRE(builder.item_count() == 1);
    auto length = builder.finish();
    REQUIRE_OK(length);
    auto view = CgroupsSnapshot::decode_response(test::first_bytes(out, *length));
    REQUIRE_OK(view);
    REQUIRE(view->generation() == 3);
    REQUIRE(view->systemd_enabled() == 0);
    REQUIRE((*view)[0].hash == simple_hash("user.slice"));
    REQUIRE((*view)[0].path == path);
}

TEST_CASE("CGROUPS_SNAPSHOT builder reset forgets the items", "[codec]") {
    Buffer out(1024);
    CgroupsSnapshotBuilder builder(out);
    REQUIRE_OK(builder.add(three_items().items[0]));
    REQUIRE_OK(builder.add(three_items().items[1]));
    builder.reset();
    REQUIRE(builder.item_count() == 0);
    REQUIRE_OK(builder.add(three_items().items[2]));
    auto length = builder.finish();
    REQUIRE_OK(length);
    auto view = CgroupsSnapshot::decode_response(test::first_bytes(out, *length));
    REQUIRE_OK(view);
    REQUIRE(view->size() == 1);
    require_items_equal((*view)[0], three_items().items[2]);
}

TEST_CASE("CGROUPS_SNAPSHOT empty snapshot is just the header", "[codec]") {
    CgroupsSnapshotData data;
    data.systemd_enabled = 1;
    data.generation = 7;
    REQUIRE(CgroupsSnapshot::encoded_size(data) == 24);
    const Buffer bytes = encode_snapshot(data);
    REQUIRE(test::peek<std::uint32_t>(bytes, 4) == 0);
    auto view = CgroupsSnapshot::decode_response(bytes);
    REQUIRE_OK(view);
    REQUIRE(view->empty());
    REQUIRE(view->size() == 0);
    REQUIRE(view->begin() == view->end());
    REQUIRE(view->generation() == 7);
    REQUIRE(CgroupsSnapshot::to_owned(*view) == data);
}

TEST_CASE("CGROUPS_SNAPSHOT single item", "[codec]") {
    CgroupsSnapshotData data;
    data.items.push_back(
        {simple_hash("init.scope"), 0, 1, "init.scope", "/sys/fs/cgroup/init.scope"});
    const Buffer bytes = encode_snapshot(data);
    // Not padded after the last (only) item.
    REQUIRE(bytes.size() == 24 + 8 + 32 + 10 + 1 + 25 + 1);
    auto view = CgroupsSnapshot::decode_response(bytes);
    REQUIRE_OK(view);
    REQUIRE(CgroupsSnapshot::to_owned(*view) == data);
}

TEST_CASE("CGROUPS_SNAPSHOT empty strings each get their own NUL", "[codec]") {
    CgroupsSnapshotData data;
    data.items.push_back({0, 0, 0, "", ""});
    const Buffer bytes = encode_snapshot(data);
    REQUIRE(bytes.size() == 24 + 8 + 32 + 2);
    const std::size_t item = 32;
    REQUIRE(test::peek<std::uint32_t>(bytes, item + name_offset) == 32);
    REQUIRE(test::peek<std::uint32_t>(bytes, item + name_length) == 0);
    REQUIRE(test::peek<std::uint32_t>(bytes, item + path_offset) == 33);
    REQUIRE(test::peek<std::uint32_t>(bytes, item + path_length) == 0);
    REQUIRE(bytes[item + 32] == std::byte{0});
    REQUIRE(bytes[item + 33] == std::byte{0});
    auto view = CgroupsSnapshot::decode_response(bytes);
    REQUIRE_OK(view);
    REQUIRE((*view)[0].name.empty());
    REQUIRE((*view)[0].path.empty());
}

TEST_CASE("CGROUPS_SNAPSHOT with 1 MiB name and path", "[codec]") {
    CgroupsSnapshotData data;
    data.generation = 1;
    std::string name(1U << 20, 'n');
    std::string path(1U << 20, 'p');
    name.back() = '$';
    path.front() = '/';
    data.items.push_back({simple_hash(name), 0, 1, name, path});
    data.items.push_back({0, 0, 0, "after", "the long one"});
    const Buffer bytes = encode_snapshot(data);
    auto view = CgroupsSnapshot::decode_response(bytes);
    REQUIRE_OK(view);
    REQUIRE((*view)[0].name.size() == name.size());
    REQUIRE(CgroupsSnapshot::to_owned(*view) == data);
}

TEST_CASE("CGROUPS_SNAPSHOT with many items", "[codec]") {
    CgroupsSnapshotData data;
    data.generation = 99;
    for (int i = 0; i < 2000; ++i) {
        const std::string name = "machine.slice_vm" + std::to_string(i);
        data.items.push_back({simple_hash(name), static_cast<std::uint32_t>(i),
                              static_cast<std::uint32_t>(i % 2), name,
                              "/sys/fs/cgroup/machine.slice/vm" + std::to_string(i)});
    }
    const Buffer bytes = encode_snapshot(data);
    auto view = CgroupsSnapshot::decode_response(bytes);
    REQUIRE_OK(view);
    REQUIRE(view->size() == 2000);
    REQUIRE(CgroupsSnapshot::to_owned(*view) == data);

    // A builder that starts with the default reservation and grows its
    // directory produces the same bytes as the exact-count encoder.
    Buffer built(bytes.size() + 4096);
    auto length = build_snapshot(built, data, 8);
    REQUIRE_OK(length);
    built.resize(*length);
    REQUIRE(built == bytes);
}

TEST_CASE("CGROUPS_SNAPSHOT encoded_size matches what the encoder writes", "[codec]") {
    std::vector<CgroupsSnapshotData> snapshots;
    snapshots.push_back({});
    snapshots.push_back(three_items());
    CgroupsSnapshotData odd;
    for (std::size_t n = 0; n < 17; ++n) {
        odd.items.push_back({0, 0, 0, std::string(n, 'a'), std::string(n * 3 % 11, 'b')});
    }
    snapshots.push_back(odd);
    for (const CgroupsSnapshotData& data : snapshots) {
        Buffer out(CgroupsSnapshot::encoded_size(data) + 64);
        auto length = CgroupsSnapshot::encode_response(data, out);
        REQUIRE_OK(length);
        REQUIRE(*length == CgroupsSnapshot::encoded_size(data));
    }
}

TEST_CASE("CGROUPS_SNAPSHOT encoders need exactly the payload size", "[codec]") {
    CgroupsSnapshotData one;
    one.items.push_back(three_items().items[0]);
    const std::vector<CgroupsSnapshotData> snapshots{CgroupsSnapshotData{}, one, three_items()};
    for (const CgroupsSnapshotData& data : snapshots) {
        const std::size_t size = CgroupsSnapshot::encoded_size(data);
        INFO(data.items.size() << " items, " << size << " bytes");
        Buffer exact(size);
        REQUIRE_OK(CgroupsSnapshot::encode_response(data, exact));
        Buffer short_by_one(size - 1);
        REQUIRE_ERRC(CgroupsSnapshot::encode_response(data, short_by_one), Errc::overflow);

        // The builder's reservation is only a hint: any reservation must fit
        // in an exactly sized buffer.
        for (std::uint32_t reserved : {0U, 1U, 3U, 8U, 100U}) {
            INFO("reserved " << reserved);
            Buffer built(size);
            auto length = build_snapshot(built, data, reserved);
            REQUIRE_OK(length);
            REQUIRE(*length == size);
            REQUIRE(built == exact);
            Buffer too_small(size - 1);
            REQUIRE_ERRC(build_snapshot(too_small, data, reserved), Errc::overflow);
        }
    }
}

// --- response: rejection rules --------------------------------------------------------

TEST_CASE("CGROUPS_SNAPSHOT response rejects a payload shorter than its header", "[codec]") {
    const Buffer bytes = valid_payload();
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(test::first_bytes(bytes, 23)), Errc::truncated);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(wire::Bytes{}), Errc::truncated);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects an unknown layout_version", "[codec]") {
    Buffer bytes = valid_payload();
    test::patch<std::uint16_t>(bytes, 0, 2);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::bad_layout);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects non-zero header flags", "[codec]") {
    Buffer bytes = valid_payload();
    test::patch<std::uint16_t>(bytes, 2, 1);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::reserved_not_zero);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects a non-zero reserved header field", "[codec]") {
    Buffer bytes = valid_payload();
    test::patch<std::uint32_t>(bytes, 12, 0x01000000U);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::reserved_not_zero);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects an item_count the payload cannot hold", "[codec]") {
    Buffer bytes = valid_payload();
    // 32 entries need 256 directory bytes; only 255 follow the header.
    test::patch<std::uint32_t>(bytes, 4, 32);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::bad_item_count);
    test::patch<std::uint32_t>(bytes, 4, 0xFFFFFFFFU);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::bad_item_count);
    // Items announced by an otherwise empty snapshot.
    Buffer empty = encode_snapshot({});
    test::patch<std::uint32_t>(empty, 4, 1);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(empty), Errc::bad_item_count);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects a directory entry out of bounds", "[codec]") {
    Buffer bytes = valid_payload();

    SECTION("last item one byte longer than the payload") {
        test::patch<std::uint32_t>(bytes, dir_entry + 2 * 8 + 4, 88);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
    SECTION("offset past the packed area") {
        test::patch<std::uint32_t>(bytes, dir_entry + 1 * 8, 232);
        test::patch<std::uint32_t>(bytes, dir_entry + 1 * 8 + 4, 0);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
    SECTION("offset + length wraps a u32") {
        test::patch<std::uint32_t>(bytes, dir_entry + 1 * 8, 0xFFFFFFF8U);
        test::patch<std::uint32_t>(bytes, dir_entry + 1 * 8 + 4, 34);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects a misaligned directory entry", "[codec]") {
    Buffer bytes = valid_payload();
    test::patch<std::uint32_t>(bytes, dir_entry + 1 * 8, 105);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::bad_alignment);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects an item shorter than its header", "[codec]") {
    Buffer bytes = valid_payload();
    test::patch<std::uint32_t>(bytes, dir_entry + 1 * 8 + 4, 31);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::truncated);
    REQUIRE_ERRC(CgroupsSnapshot::decode_item(wire::Bytes{}), Errc::truncated);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects an unknown item layout_version", "[codec]") {
    Buffer bytes = valid_payload();
    test::patch<std::uint16_t>(bytes, item1 + item_layout, 2);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::bad_layout);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects non-zero item flags", "[codec]") {
    Buffer bytes = valid_payload();
    test::patch<std::uint16_t>(bytes, item2 + item_flags, 0x10);
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::reserved_not_zero);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects a name outside the item", "[codec]") {
    Buffer bytes = valid_payload();

    SECTION("name_offset inside the item header") {
        test::patch<std::uint32_t>(bytes, item0 + name_offset, 31);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
    SECTION("name_offset 0") {
        test::patch<std::uint32_t>(bytes, item1 + name_offset, 0);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
    SECTION("name_offset past the item") {
        test::patch<std::uint32_t>(bytes, item0 + name_offset, 103);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
    SECTION("name NUL would be the first byte after the item") {
        // The empty item is 34 bytes; a 2-byte name at 32 needs its NUL at 34.
        test::patch<std::uint32_t>(bytes, item1 + name_length, 2);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
    SECTION("name_length near the u32 maximum does not wrap") {
        test::patch<std::uint32_t>(bytes, item0 + name_length, 0xFFFFFFFFU);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects a path outside the item", "[codec]") {
    Buffer bytes = valid_payload();

    SECTION("path_offset inside the item header") {
        test::patch<std::uint32_t>(bytes, item2 + path_offset, 16);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
    SECTION("path_offset past the item") {
        test::patch<std::uint32_t>(bytes, item2 + path_offset, 87);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
    SECTION("path_length one too long") {
        test::patch<std::uint32_t>(bytes, item2 + path_length, 42);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
    SECTION("path_offset near the u32 maximum does not wrap") {
        test::patch<std::uint32_t>(bytes, item0 + path_offset, 0xFFFFFFFFU);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::out_of_bounds);
    }
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects a name without its NUL", "[codec]") {
    Buffer bytes = valid_payload();
    // Item 0's name is 27 bytes at 32: its NUL sits at 59.
    REQUIRE(bytes[item0 + 59] == std::byte{0});
    bytes[item0 + 59] = std::byte{'_'};
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::missing_nul);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects a path without its NUL", "[codec]") {
    Buffer bytes = valid_payload();
    // Item 2's path ends the payload: its NUL is the last byte.
    REQUIRE(bytes[item2 + 86] == std::byte{0});
    bytes[item2 + 86] = std::byte{'4'};
    REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::missing_nul);
}

TEST_CASE("CGROUPS_SNAPSHOT response rejects overlapping name and path", "[codec]") {
    Buffer bytes = valid_payload();

    SECTION("path is the name") {
        test::patch<std::uint32_t>(bytes, item0 + path_offset, 32);
        test::patch<std::uint32_t>(bytes, item0 + path_length, 27);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::overlapping_fields);
    }
    SECTION("path shares only the name's NUL") {
        test::patch<std::uint32_t>(bytes, item0 + path_offset, 59);
        test::patch<std::uint32_t>(bytes, item0 + path_length, 0);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::overlapping_fields);
    }
    SECTION("two empty strings on the same NUL") {
        test::patch<std::uint32_t>(bytes, item1 + path_offset, 32);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::overlapping_fields);
    }
    SECTION("name is a suffix of the path") {
        // Item 2's 41-byte path at 45 ends with "pod1234"; point the name at it.
        test::patch<std::uint32_t>(bytes, item2 + name_offset, 45 + 41 - 7);
        test::patch<std::uint32_t>(bytes, item2 + name_length, 7);
        REQUIRE_ERRC(CgroupsSnapshot::decode_response(bytes), Errc::overlapping_fields);
    }
}

TEST_CASE("CGROUPS_SNAPSHOT response does not prescribe the order of name and path", "[codec]") {
    Buffer bytes = valid_payload();
    // Swap the two empty strings of item 1: path at 32, name at 33.
    test::patch<std::uint32_t>(bytes, item1 + name_offset, 33);
    test::patch<std::uint32_t>(bytes, item1 + path_offset, 32);
    auto view = CgroupsSnapshot::decode_response(bytes);
    REQUIRE_OK(view);
    REQUIRE((*view)[1].name.empty());
}

TEST_CASE("CGROUPS_SNAPSHOT response accepts bytes after the last item", "[codec]") {
    Buffer bytes = valid_payload();
    bytes.resize(bytes.size() + 1, std::byte{0}); // e.g. a sender that pads
    auto view = CgroupsSnapshot::decode_response(bytes);
    REQUIRE_OK(view);
    REQUIRE(CgroupsSnapshot::to_owned(*view) == three_items());
}
