// Reference images of the lookup methods 4 and 5
// (tests/data/protocol/lookup-vectors/*.hex, produced by the reference C
// codec fixture): our encoders reproduce each one byte for byte from the
// inputs its '#' lines name, and our decoders accept it and give those
// inputs back. Each image has exactly one LOOKUP_VECTOR_TEST; a final test
// fails when an image has no test.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "codecs/apps_lookup.h"
#include "codecs/cgroups_lookup.h"
#include "tests/support/hex_vectors.h"
#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using namespace netipc::codecs;
using netipc::test::Buffer;
using netipc::testing::HexVector;

std::set<std::string>& covered_vectors() {
    static std::set<std::string> names;
    return names;
}

bool cover(const char* name) {
    covered_vectors().insert(name);
    return true;
}

void require_described_as(const HexVector& vector, std::string_view fragment) {
    const bool found = std::ranges::any_of(vector.comments, [&](const std::string& line) {
        return line.find(fragment) != std::string::npos;
    });
    INFO("vector " << vector.name << " should mention: " << fragment);
    REQUIRE(found);
}

void require_same_bytes(wire::Bytes actual, const std::vector<std::byte>& expected) {
    REQUIRE(test::to_hex(actual) == test::to_hex(expected));
}

// The builder the fixture used: one reserved slot per item.
template <class Codec, class Data>
void require_response(const HexVector& vector, const Data& data) {
    const std::vector<std::byte> expected = vector.bytes();
    Buffer out(Codec::encoded_size(data));
    REQUIRE(out.size() == expected.size());
    typename Codec::ResponseBuilder builder(out, static_cast<std::uint32_t>(data.items.size()));
    builder.set_generation(data.generation);
    for (const auto& item : data.items) {
        REQUIRE_OK(builder.add(item));
    }
    auto length = builder.finish();
    REQUIRE_OK(length);
    require_same_bytes(wire::Bytes(out).first(*length), expected);
    // The one-call encoder writes the same bytes.
    Buffer again(expected.size());
    REQUIRE_OK(Codec::encode_response(data, again));
    require_same_bytes(again, expected);

    auto view = Codec::decode_response(expected);
    REQUIRE_OK(view);
    REQUIRE(Codec::to_owned(*view) == data);
}

LookupLabel label(std::string key, std::string value) {
    return {std::move(key), std::move(value)};
}

CgroupsLookupData cgroups_response(std::uint64_t generation, CgroupsLookupItem item) {
    CgroupsLookupData data;
    data.generation = generation;
    data.items.push_back(std::move(item));
    return data;
}

AppsLookupData apps_response(std::uint64_t generation, AppsLookupItem item) {
    AppsLookupData data;
    data.generation = generation;
    data.items.push_back(std::move(item));
    return data;
}

AppsLookupItem known_pid(std::uint32_t pid, std::uint32_t uid, std::uint64_t starttime,
                         std::string comm, CgroupStatus cgroup_status, std::string path) {
    AppsLookupItem item;
    item.cgroup_status = cgroup_status;
    item.pid = pid;
    item.ppid = 1;
    item.uid = uid;
    item.starttime = starttime;
    item.comm = std::move(comm);
    item.cgroup_path = std::move(path);
    return item;
}

} // namespace

#define LOOKUP_VECTOR_TEST(name, description)                                 \
    static void vector_test_##name(const HexVector& vector);                  \
    [[maybe_unused]] static const bool vector_covered_##name = cover(#name);  \
    TEST_CASE("lookup vector " #name ": " description, "[vectors][lookup]") { \
        vector_test_##name(netipc::testing::load_lookup_vector(#name));       \
    }                                                                         \
    static void vector_test_##name(const HexVector& vector)

// --- CGROUPS_LOOKUP ------------------------------------------------------------------

LOOKUP_VECTOR_TEST(cgroups_lookup_request_2_paths, "two paths, keys 8-aligned, no tail padding") {
    require_described_as(vector, "\"/sys/fs/cgroup/a\" (length 16)");
    const std::vector<std::string_view> paths{"/sys/fs/cgroup/a", "/system.slice/docker-abc.scope"};
    const CgroupsLookupRequest request{paths};
    Buffer out(CgroupsLookup::request_size(request));
    auto length = CgroupsLookup::encode_request(request, out);
    REQUIRE_OK(length);
    require_same_bytes(wire::Bytes(out).first(*length), vector.bytes());

    const std::vector<std::byte> image = vector.bytes(); // the view borrows it
    auto view = CgroupsLookup::decode_request(image);
    REQUIRE_OK(view);
    REQUIRE(CgroupsLookup::to_owned(*view).paths
            == std::vector<std::string>(paths.begin(), paths.end()));
}

LOOKUP_VECTOR_TEST(cgroups_lookup_request_empty, "the no-op probe is the header alone") {
    require_described_as(vector, "0 paths");
    const CgroupsLookupRequest request{};
    Buffer out(CgroupsLookup::request_size(request));
    REQUIRE(out.size() == lookup_header_size);
    REQUIRE_OK(CgroupsLookup::encode_request(request, out));
    require_same_bytes(out, vector.bytes());
    const std::vector<std::byte> image = vector.bytes(); // the view borrows it
    auto view = CgroupsLookup::decode_request(image);
    REQUIRE_OK(view);
    REQUIRE(view->empty());
}

LOOKUP_VECTOR_TEST(cgroups_lookup_response_known_with_labels, "KNOWN K8S item with two labels") {
    require_described_as(vector, "path=\"/kubepods.slice/pod-a\" name=\"pod-a\"");
    require_response<CgroupsLookup>(
        vector, cgroups_response(100, {CgroupsLookupStatus::known,
                                       Orchestrator::k8s,
                                       "/kubepods.slice/pod-a",
                                       "pod-a",
                                       {label("namespace", "default"), label("pod", "web")}}));
}

LOOKUP_VECTOR_TEST(cgroups_lookup_response_known_no_labels, "KNOWN item, empty name, no labels") {
    require_described_as(vector, "path=\"/docker/abc\" name=\"\" labels=none");
    require_response<CgroupsLookup>(
        vector,
        cgroups_response(
            101, {CgroupsLookupStatus::known, Orchestrator::docker, "/docker/abc", "", {}}));
}

LOOKUP_VECTOR_TEST(cgroups_lookup_response_unknown_retry_later, "UNKNOWN_RETRY_LATER echo") {
    require_described_as(vector, "path=\"/missing/retry\"");
    require_response<CgroupsLookup>(vector,
                                    cgroups_response(102, {CgroupsLookupStatus::unknown_retry_later,
                                                           Orchestrator::unknown,
                                                           "/missing/retry",
                                                           "",
                                                           {}}));
}

LOOKUP_VECTOR_TEST(cgroups_lookup_response_unknown_permanent, "UNKNOWN_PERMANENT echo") {
    require_described_as(vector, "path=\"/gone\"");
    require_response<CgroupsLookup>(
        vector,
        cgroups_response(
            103, {CgroupsLookupStatus::unknown_permanent, Orchestrator::unknown, "/gone", "", {}}));
}

LOOKUP_VECTOR_TEST(cgroups_lookup_response_payload_exceeded, "PAYLOAD_EXCEEDED echo") {
    require_described_as(vector, "path=\"/payload-exceeded\"");
    require_response<CgroupsLookup>(vector,
                                    cgroups_response(104, {CgroupsLookupStatus::payload_exceeded,
                                                           Orchestrator::unknown,
                                                           "/payload-exceeded",
                                                           "",
                                                           {}}));
}

LOOKUP_VECTOR_TEST(cgroups_lookup_response_oversized_item, "OVERSIZED_ITEM echo") {
    require_described_as(vector, "path=\"/oversized\"");
    require_response<CgroupsLookup>(
        vector,
        cgroups_response(
            105,
            {CgroupsLookupStatus::oversized_item, Orchestrator::unknown, "/oversized", "", {}}));
    // The client's local OVERSIZED_ITEM for a path no request can carry is
    // the same item.
    Buffer item(CgroupsLookup::oversized_item_size("/oversized"));
    REQUIRE_OK(CgroupsLookup::encode_oversized_item("/oversized", item));
    const std::vector<std::byte> image = vector.bytes(); // the view borrows it
    auto view = CgroupsLookup::decode_response(image);
    REQUIRE_OK(view);
    require_same_bytes(item,
                       std::vector<std::byte>(view->raw_item(0).begin(), view->raw_item(0).end()));
}

LOOKUP_VECTOR_TEST(cgroups_lookup_response_empty, "no items: the header alone") {
    require_described_as(vector, "generation=106, 0 items");
    CgroupsLookupData data;
    data.generation = 106;
    require_response<CgroupsLookup>(vector, data);
}

// --- APPS_LOOKUP ---------------------------------------------------------------------

LOOKUP_VECTOR_TEST(apps_lookup_request_3_pids, "three 8-byte binary keys") {
    require_described_as(vector, "3 pids 0, 1234, 4321");
    const std::vector<std::uint32_t> pids{0, 1234, 4321};
    const AppsLookupRequest request{pids};
    Buffer out(AppsLookup::request_size(request));
    auto length = AppsLookup::encode_request(request, out);
    REQUIRE_OK(length);
    require_same_bytes(wire::Bytes(out).first(*length), vector.bytes());
    const std::vector<std::byte> image = vector.bytes(); // the view borrows it
    auto view = AppsLookup::decode_request(image);
    REQUIRE_OK(view);
    REQUIRE(AppsLookup::to_owned(*view).pids == pids);
}

LOOKUP_VECTOR_TEST(apps_lookup_request_empty, "the no-op probe is the header alone") {
    require_described_as(vector, "0 pids");
    const AppsLookupRequest request{};
    Buffer out(AppsLookup::request_size(request));
    REQUIRE_OK(AppsLookup::encode_request(request, out));
    require_same_bytes(out, vector.bytes());
    const std::vector<std::byte> image = vector.bytes(); // the view borrows it
    auto view = AppsLookup::decode_request(image);
    REQUIRE_OK(view);
    REQUIRE(view->empty());
}

LOOKUP_VECTOR_TEST(apps_lookup_response_known_full, "every field, 15-byte comm, two labels") {
    require_described_as(vector, "comm=\"123456789012345\" cgroup_path=\"/docker/abc\"");
    AppsLookupItem item =
        known_pid(1234, 1000, 123456, "123456789012345", CgroupStatus::known, "/docker/abc");
    item.orchestrator = Orchestrator::docker;
    item.cgroup_name = "container-a";
    item.labels = {label("image", "nginx:latest"), label("service", "web")};
    require_response<AppsLookup>(vector, apps_response(200, item));
}

LOOKUP_VECTOR_TEST(apps_lookup_response_known_cgroup_retry_later, "cgroup not known yet") {
    require_described_as(vector, "comm=\"app\" cgroup_path=\"/pending\"");
    require_response<AppsLookup>(
        vector, apps_response(201, known_pid(1235, 1000, 123457, "app",
                                             CgroupStatus::unknown_retry_later, "/pending")));
}

LOOKUP_VECTOR_TEST(apps_lookup_response_known_cgroup_permanent, "cgroup never known") {
    require_described_as(vector, "comm=\"app2\" cgroup_path=\"/permanent\"");
    require_response<AppsLookup>(
        vector, apps_response(202, known_pid(1236, 1000, 123458, "app2",
                                             CgroupStatus::unknown_permanent, "/permanent")));
}

LOOKUP_VECTOR_TEST(apps_lookup_response_known_host_root, "process in the host root cgroup") {
    require_described_as(vector, "pid=1237 ppid=1 uid=0");
    require_response<AppsLookup>(
        vector,
        apps_response(203, known_pid(1237, 0, 123459, "sshd", CgroupStatus::host_root, "")));
}

LOOKUP_VECTOR_TEST(apps_lookup_response_unknown_pid, "unknown pid: three empty strings") {
    require_described_as(vector, "status=UNKNOWN(1)");
    require_response<AppsLookup>(vector, apps_response(204, apps_lookup_unknown(0)));
}

LOOKUP_VECTOR_TEST(apps_lookup_response_payload_exceeded, "PAYLOAD_EXCEEDED echo") {
    require_described_as(vector, "pid=1238");
    require_response<AppsLookup>(
        vector, apps_response(205, apps_lookup_unknown(1238, AppsLookupStatus::payload_exceeded)));
}

LOOKUP_VECTOR_TEST(apps_lookup_response_oversized_item, "OVERSIZED_ITEM echo") {
    require_described_as(vector, "pid=1239");
    require_response<AppsLookup>(
        vector, apps_response(206, apps_lookup_unknown(1239, AppsLookupStatus::oversized_item)));
    Buffer item(AppsLookup::oversized_item_size(1239));
    REQUIRE_OK(AppsLookup::encode_oversized_item(1239, item));
    const std::vector<std::byte> image = vector.bytes(); // the view borrows it
    auto view = AppsLookup::decode_response(image);
    REQUIRE_OK(view);
    require_same_bytes(item,
                       std::vector<std::byte>(view->raw_item(0).begin(), view->raw_item(0).end()));
}

LOOKUP_VECTOR_TEST(apps_lookup_response_empty, "no items: the header alone") {
    require_described_as(vector, "generation=207, 0 items");
    AppsLookupData data;
    data.generation = 207;
    require_response<AppsLookup>(vector, data);
}

TEST_CASE("every lookup image has exactly one test, and every test an image", "[vectors][lookup]") {
    std::set<std::string> images;
    for (const auto& entry :
         std::filesystem::directory_iterator(netipc::testing::lookup_vectors_dir())) {
        if (entry.path().extension() == ".hex") {
            images.insert(entry.path().stem().string());
        }
    }
    REQUIRE(images.size() == 19);
    REQUIRE(images == covered_vectors());
}
