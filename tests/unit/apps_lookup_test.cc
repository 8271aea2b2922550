// APPS_LOOKUP (method 5): builder checks, round trips, the budget rule with
// pid echoes, and one test per rejection rule of the specification
// (netdata/plugin-ipc docs/codec-apps-lookup.md) that is not the shared
// frame's or strings' (cgroups_lookup_test.cc covers those through the same
// code), each asserting its error.
#include "codecs/apps_lookup.h"

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

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

// One-item responses: the item starts at payload byte 24.
constexpr std::size_t dir_length = 20;
constexpr std::size_t item = 24;
constexpr std::size_t f_status = 2;
constexpr std::size_t f_orchestrator = 4;
constexpr std::size_t f_cgroup_status = 6;
constexpr std::size_t f_ppid = 12;
constexpr std::size_t f_uid = 16;
constexpr std::size_t f_reserved0 = 20;
constexpr std::size_t f_starttime = 24;
constexpr std::size_t f_comm_offset = 32;
constexpr std::size_t f_comm_length = 36;
constexpr std::size_t f_path_length = 44;
constexpr std::size_t f_name_length = 52;
constexpr std::size_t f_label_count = 56;
constexpr std::size_t f_reserved1 = 58;

Buffer known_full() {
    return image("apps_lookup_response_known_full");
}
Buffer unknown_pid() {
    return image("apps_lookup_response_unknown_pid");
}
Buffer host_root() {
    return image("apps_lookup_response_known_host_root");
}
Buffer retry_later() {
    return image("apps_lookup_response_known_cgroup_retry_later");
}
Buffer permanent() {
    return image("apps_lookup_response_known_cgroup_permanent");
}

AppsLookupItem known(std::uint32_t pid, std::string comm = "comm") {
    AppsLookupItem item;
    item.pid = pid;
    item.ppid = 1;
    item.uid = 1000;
    item.starttime = 99;
    item.comm = std::move(comm);
    item.cgroup_path = "/system.slice/x.service";
    item.cgroup_name = "x";
    item.orchestrator = Orchestrator::systemd;
    item.labels = {{"unit", "x.service"}};
    return item;
}

Buffer encode(const AppsLookupData& data) {
    Buffer out(AppsLookup::encoded_size(data));
    REQUIRE_OK(AppsLookup::encode_response(data, out));
    return out;
}

} // namespace

TEST_CASE("apps lookup: round trip of every status and cgroup status", "[codec][lookup]") {
    AppsLookupData data{5, {known(10)}};
    AppsLookupItem retry = known(11);
    retry.cgroup_status = CgroupStatus::unknown_retry_later;
    retry.cgroup_path.clear();
    retry.cgroup_name.clear();
    retry.orchestrator = Orchestrator::unknown;
    retry.labels.clear();
    data.items.push_back(retry);
    AppsLookupItem root = retry;
    root.pid = 12;
    root.cgroup_status = CgroupStatus::host_root;
    data.items.push_back(root);
    data.items.push_back(apps_lookup_unknown(13));
    data.items.push_back(apps_lookup_unknown(14, AppsLookupStatus::payload_exceeded));
    data.items.push_back(apps_lookup_unknown(15, AppsLookupStatus::oversized_item));
    const Buffer bytes = encode(data);
    auto view = AppsLookup::decode_response(bytes);
    REQUIRE_OK(view);
    REQUIRE(AppsLookup::to_owned(*view) == data);
    REQUIRE((*view)[0].labels[0].key == "unit");
    REQUIRE(to_string((*view)[2].cgroup_status) == "HOST_ROOT");
    REQUIRE(to_string((*view)[3].status) == "UNKNOWN");
}

TEST_CASE("apps lookup statuses have their specification names, unlisted ones none",
          "[codec][lookup]") {
    CHECK(to_string(AppsLookupStatus::known) == "KNOWN");
    CHECK(to_string(AppsLookupStatus::unknown) == "UNKNOWN");
    CHECK(to_string(AppsLookupStatus::payload_exceeded) == "PAYLOAD_EXCEEDED");
    CHECK(to_string(AppsLookupStatus::oversized_item) == "OVERSIZED_ITEM");
    // A value outside the enumeration, as a peer may send: on purpose.
    // NOLINTNEXTLINE(clang-analyzer-optin.core.EnumCastOutOfRange)
    CHECK(to_string(static_cast<AppsLookupStatus>(4)).empty());
    CHECK(to_string(CgroupStatus::known) == "KNOWN");
    CHECK(to_string(CgroupStatus::unknown_retry_later) == "UNKNOWN_RETRY_LATER");
    CHECK(to_string(CgroupStatus::unknown_permanent) == "UNKNOWN_PERMANENT");
    CHECK(to_string(CgroupStatus::host_root) == "HOST_ROOT");
    // A value outside the enumeration, as a peer may send: on purpose.
    // NOLINTNEXTLINE(clang-analyzer-optin.core.EnumCastOutOfRange)
    CHECK(to_string(static_cast<CgroupStatus>(4)).empty());
}

TEST_CASE("a client's own apps OVERSIZED_ITEM answer needs room for it", "[codec][lookup]") {
    Buffer out(AppsLookup::oversized_item_size(42));
    auto written = AppsLookup::encode_oversized_item(42, out);
    REQUIRE_OK(written);
    CHECK(*written == out.size());
    Buffer short_of_one(out.size() - 1);
    REQUIRE_ERRC(AppsLookup::encode_oversized_item(42, short_of_one), Errc::overflow);
}

TEST_CASE("apps lookup builder refuses what a decoder would reject", "[codec][lookup]") {
    Buffer out(4096);
    AppsLookupBuilder builder(out);
    REQUIRE_ERRC(builder.add(known(1, std::string(16, 'c'))), Errc::invalid_argument);
    REQUIRE_ERRC(builder.add(known(1, "")), Errc::invalid_argument);
    AppsLookupItem unknown_with_comm = apps_lookup_unknown(2);
    unknown_with_comm.comm = "c";
    REQUIRE_ERRC(builder.add(unknown_with_comm), Errc::invalid_argument);
    AppsLookupItem root = known(3);
    root.cgroup_status = CgroupStatus::host_root;
    REQUIRE_ERRC(builder.add(root), Errc::invalid_argument);
    AppsLookupItem bad_status = known(4);
    bad_status.cgroup_status = static_cast<CgroupStatus>(4);
    REQUIRE_ERRC(builder.add(bad_status), Errc::invalid_argument);
    REQUIRE(builder.item_count() == 0);
}

TEST_CASE("apps lookup budget: PAYLOAD_EXCEEDED items echo their pids", "[codec][lookup][budget]") {
    std::vector<AppsLookupItem> items;
    for (std::uint32_t pid = 1; pid <= 5; ++pid) {
        items.push_back(known(pid));
    }
    LookupPayloadSize room;
    room.add(*AppsLookupBuilder::size_of(items[0]));
    for (std::size_t i = 1; i < items.size(); ++i) {
        room.add(AppsLookupBuilder::echo_size(items[i]));
    }
    Buffer out(room.total());
    AppsLookupBuilder builder(out);
    REQUIRE_OK(builder.add_within_budget(items));
    auto length = builder.finish();
    REQUIRE_OK(length);
    auto view = AppsLookup::decode_response(wire::Bytes(out).first(*length));
    REQUIRE_OK(view);
    REQUIRE((*view)[0].status == AppsLookupStatus::known);
    for (std::uint32_t i = 1; i < 5; ++i) {
        REQUIRE((*view)[i].status == AppsLookupStatus::payload_exceeded);
        REQUIRE((*view)[i].pid == i + 1);
        REQUIRE((*view)[i].uid == uid_unset);
    }
}

// --- requests ------------------------------------------------------------------------

TEST_CASE("apps lookup request rejects frame breaches", "[codec][lookup][reject]") {
    const Buffer valid = image("apps_lookup_request_3_pids");
    REQUIRE_ERRC(AppsLookup::decode_request(test::first_bytes(valid, 15)), Errc::truncated);
    Buffer layout = valid;
    patch<std::uint16_t>(layout, 0, 3);
    REQUIRE_ERRC(AppsLookup::decode_request(layout), Errc::bad_layout);
    Buffer reserved = valid;
    patch<std::uint32_t>(reserved, 12, 1);
    REQUIRE_ERRC(AppsLookup::decode_request(reserved), Errc::reserved_not_zero);
    REQUIRE_ERRC(AppsLookup::decode_request(test::first_bytes(valid, 32)), Errc::bad_item_count);
    Buffer order = valid;
    patch<std::uint32_t>(order, 16 + 16, 0); // key 2 at key 0's place
    REQUIRE_ERRC(AppsLookup::decode_request(order), Errc::overlapping_fields);
}

TEST_CASE("apps lookup request rejects a key length other than 8", "[codec][lookup][reject]") {
    Buffer bytes = image("apps_lookup_request_3_pids");
    patch<std::uint32_t>(bytes, 16 + 4, 4);
    REQUIRE_ERRC(AppsLookup::decode_request(bytes), Errc::bad_field);
}

TEST_CASE("apps lookup request rejects a non-zero key reserved field", "[codec][lookup][reject]") {
    Buffer bytes = image("apps_lookup_request_3_pids");
    patch<std::uint32_t>(bytes, 40 + 8 + 4, 1); // key 1's reserved half
    REQUIRE_ERRC(AppsLookup::decode_request(bytes), Errc::reserved_not_zero);
}

// --- responses -----------------------------------------------------------------------

TEST_CASE("apps lookup response rejects an item shorter than 60 bytes", "[codec][lookup][reject]") {
    Buffer bytes = unknown_pid();
    patch<std::uint32_t>(bytes, dir_length, 59);
    REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::truncated);
}

TEST_CASE("apps lookup response rejects non-zero item reserved fields", "[codec][lookup][reject]") {
    for (const std::size_t at : {f_reserved0, f_reserved1}) {
        Buffer bytes = known_full();
        patch<std::uint8_t>(bytes, item + at, 1);
        INFO("field at " << at);
        REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::reserved_not_zero);
    }
}

TEST_CASE("apps lookup response rejects an unknown pid status", "[codec][lookup][reject]") {
    Buffer bytes = known_full();
    patch<std::uint16_t>(bytes, item + f_status, 4);
    REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::bad_status);
}

TEST_CASE("apps lookup response rejects an unknown cgroup status", "[codec][lookup][reject]") {
    Buffer bytes = known_full();
    patch<std::uint16_t>(bytes, item + f_cgroup_status, 4);
    REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::bad_status);
}

TEST_CASE("apps lookup response rejects a comm longer than 15 bytes", "[codec][lookup][reject]") {
    Buffer bytes = known_full();
    patch<std::uint32_t>(bytes, item + f_comm_length, 16);
    REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("apps lookup response rejects any field but the pid on a pid that is not KNOWN",
          "[codec][lookup][reject]") {
    struct Breach {
        std::size_t at;
        std::uint32_t value;
        std::size_t width;
    };
    const std::vector<Breach> breaches{
        {f_orchestrator, 1, 2}, {f_cgroup_status, 1, 2}, {f_ppid, 1, 4},
        {f_uid, 0, 4},          {f_starttime, 1, 4},     {f_comm_length, 1, 4},
        {f_path_length, 1, 4},  {f_name_length, 1, 4},   {f_label_count, 1, 2},
    };
    for (const Breach& breach : breaches) {
        Buffer bytes = unknown_pid();
        if (breach.width == 2) {
            patch<std::uint16_t>(bytes, item + breach.at, static_cast<std::uint16_t>(breach.value));
        } else {
            patch<std::uint32_t>(bytes, item + breach.at, breach.value);
        }
        INFO("field at " << breach.at);
        REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::bad_field);
    }
}

TEST_CASE("apps lookup response rejects a KNOWN pid without a comm", "[codec][lookup][reject]") {
    Buffer bytes = host_root();
    patch<std::uint32_t>(bytes, item + f_comm_length, 0);
    REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("apps lookup response rejects a KNOWN cgroup without a path", "[codec][lookup][reject]") {
    Buffer bytes = known_full();
    patch<std::uint32_t>(bytes, item + f_path_length, 0);
    REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("apps lookup response rejects metadata on a cgroup UNKNOWN_RETRY_LATER",
          "[codec][lookup][reject]") {
    Buffer orchestrator = retry_later();
    patch<std::uint16_t>(orchestrator, item + f_orchestrator, 2);
    REQUIRE_ERRC(AppsLookup::decode_response(orchestrator), Errc::bad_field);
    Buffer labels = retry_later();
    patch<std::uint16_t>(labels, item + f_label_count, 1);
    REQUIRE_ERRC(AppsLookup::decode_response(labels), Errc::bad_field);
    // An empty path is allowed there.
    AppsLookupItem pending = known(5);
    pending.cgroup_status = CgroupStatus::unknown_retry_later;
    pending.cgroup_path.clear();
    pending.cgroup_name.clear();
    pending.orchestrator = Orchestrator::unknown;
    pending.labels.clear();
    REQUIRE_OK(AppsLookup::decode_response(encode({1, {pending}})));
}

TEST_CASE("apps lookup response rejects a cgroup UNKNOWN_PERMANENT without a path or with a name",
          "[codec][lookup][reject]") {
    Buffer no_path = permanent();
    patch<std::uint32_t>(no_path, item + f_path_length, 0);
    REQUIRE_ERRC(AppsLookup::decode_response(no_path), Errc::bad_field);
    Buffer named = permanent();
    patch<std::uint32_t>(named, item + f_name_length, 1);
    REQUIRE_ERRC(AppsLookup::decode_response(named), Errc::bad_field);
}

TEST_CASE("apps lookup response rejects a path on a HOST_ROOT cgroup", "[codec][lookup][reject]") {
    Buffer bytes = host_root();
    patch<std::uint32_t>(bytes, item + f_path_length, 1);
    REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::bad_field);
}

TEST_CASE("apps lookup response rejects a string offset inside the 60-byte header",
          "[codec][lookup][reject]") {
    Buffer bytes = known_full();
    patch<std::uint32_t>(bytes, item + f_comm_offset, 59);
    REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::out_of_bounds);
}

TEST_CASE("apps lookup response rejects three empty strings sharing one NUL",
          "[codec][lookup][reject]") {
    Buffer bytes = unknown_pid(); // NULs at item bytes 60, 61, 62
    patch<std::uint32_t>(bytes, item + 40, 60);
    REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::overlapping_fields);
}

TEST_CASE("apps lookup response rejects non-zero padding before the label table",
          "[codec][lookup][reject]") {
    Buffer bytes = known_full(); // padding at item bytes 100-103
    patch<std::uint8_t>(bytes, item + 101, 1);
    REQUIRE_ERRC(AppsLookup::decode_response(bytes), Errc::reserved_not_zero);
}
