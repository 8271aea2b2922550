// The small pieces of the `netipc` program on their own: number parsing,
// the exit-status mapping, and the snapshot JSON both ways.
#include <cstdint>
#include <set>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "codecs/cgroups_snapshot.h"
#include "codecs/simple_hash.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/lookup_json.h"
#include "tools/cli/numbers.h"
#include "tools/cli/snapshot_json.h"

namespace {

using netipc::Errc;
using netipc::cli::exit_code_for;
using netipc::cli::ExitCode;
using netipc::cli::parse_unsigned;
using netipc::cli::snapshot_from_json;
using netipc::cli::snapshot_to_json;
using netipc::codecs::simple_hash;
using nlohmann::json;

// The error message snapshot_from_json gives for `text` (empty on success).
std::string snapshot_error(const std::string& text) {
    auto parsed = snapshot_from_json(json::parse(text));
    return parsed ? std::string() : parsed.error();
}

} // namespace

TEST_CASE("numbers are decimal or 0x-hex, nothing else", "[cli][numbers]") {
    CHECK(parse_unsigned<std::uint64_t>("0") == 0U);
    CHECK(parse_unsigned<std::uint64_t>("42") == 42U);
    CHECK(parse_unsigned<std::uint64_t>("0x2A") == 42U);
    CHECK(parse_unsigned<std::uint64_t>("0X2a") == 42U);
    CHECK(parse_unsigned<std::uint64_t>("010") == 10U); // never octal
    CHECK(parse_unsigned<std::uint64_t>("18446744073709551615") == UINT64_MAX);
    CHECK(parse_unsigned<std::uint64_t>("0xffffffffffffffff") == UINT64_MAX);
    CHECK(parse_unsigned<std::uint32_t>("4294967295") == UINT32_MAX);

    for (const char* bad : {"", "0x", "-1", "+1", " 1", "1 ", "1e3", "0x-1", "0x0x1", "12abc",
                            "18446744073709551616", "0x10000000000000000"}) {
        INFO(bad);
        CHECK_FALSE(parse_unsigned<std::uint64_t>(bad));
    }
    CHECK_FALSE(parse_unsigned<std::uint32_t>("4294967296"));
    CHECK_FALSE(parse_unsigned<std::uint32_t>("0x100000000"));
}

TEST_CASE("every failure category maps to its exit status", "[cli][exit]") {
    CHECK(exit_code_for(Errc::not_found) == ExitCode::not_found);
    CHECK(exit_code_for(Errc::auth_failed) == ExitCode::auth_failed);
    CHECK(exit_code_for(Errc::unsupported) == ExitCode::incompatible);
    CHECK(exit_code_for(Errc::incompatible) == ExitCode::incompatible);
    CHECK(exit_code_for(Errc::limit_exceeded) == ExitCode::incompatible);
    CHECK(exit_code_for(Errc::timeout) == ExitCode::timeout);
    CHECK(exit_code_for(Errc::internal) == ExitCode::server_error);
    CHECK(exit_code_for(Errc::address_in_use) == ExitCode::address_in_use);
    CHECK(exit_code_for(Errc::invalid_argument) == ExitCode::usage);
    for (const Errc code : {Errc::overflow, Errc::shm_unavailable, Errc::disconnected,
                            Errc::not_ready, Errc::aborted, Errc::os_error}) {
        CHECK(exit_code_for(code) == ExitCode::failure);
    }
    // Every "the peer broke the protocol" category but limit_exceeded.
    for (int value = static_cast<int>(Errc::truncated);
         value <= static_cast<int>(Errc::protocol_violation); ++value) {
        INFO(value);
        CHECK(exit_code_for(static_cast<Errc>(value)) == ExitCode::protocol_error);
    }

    using netipc::services::ClientState;
    CHECK(exit_code_for(ClientState::ready) == ExitCode::ok);
    CHECK(exit_code_for(ClientState::not_found) == ExitCode::not_found);
    CHECK(exit_code_for(ClientState::auth_failed) == ExitCode::auth_failed);
    CHECK(exit_code_for(ClientState::incompatible) == ExitCode::incompatible);
    CHECK(exit_code_for(ClientState::disconnected) == ExitCode::failure);
    CHECK(exit_code_for(ClientState::broken) == ExitCode::failure);
}

TEST_CASE("the exit status table lists each status once, in order", "[cli][exit]") {
    const auto table = netipc::cli::exit_code_table();
    REQUIRE(table.size() == 10);
    for (std::size_t i = 0; i < table.size(); ++i) {
        CHECK(netipc::cli::to_int(table[i].code) == static_cast<int>(i));
        CHECK_FALSE(table[i].meaning.empty());
    }
    const std::string help = netipc::cli::exit_code_help();
    CHECK(help.find("  9  serve: a live server already owns the endpoint") != std::string::npos);
}

TEST_CASE("snapshot JSON fills the defaults and computes missing hashes", "[cli][json]") {
    auto parsed = snapshot_from_json(json::parse(R"({
        "systemd_enabled": 1, "generation": 7,
        "items": [
            {"name": "a", "path": "/a"},
            {"name": "b", "path": "/b", "hash": 5, "options": 3, "enabled": 0}
        ]})"));
    REQUIRE(parsed);
    CHECK(parsed->systemd_enabled == 1);
    CHECK(parsed->generation == 7);
    REQUIRE(parsed->items.size() == 2);
    CHECK(parsed->items[0] == netipc::codecs::CgroupsItem{simple_hash("a"), 0, 1, "a", "/a"});
    CHECK(parsed->items[1] == netipc::codecs::CgroupsItem{5, 3, 0, "b", "/b"});

    auto empty = snapshot_from_json(json::parse("{}"));
    REQUIRE(empty);
    CHECK(*empty == netipc::codecs::CgroupsSnapshotData{});
}

TEST_CASE("snapshot JSON names the field it refuses", "[cli][json]") {
    CHECK(snapshot_error("[]") == "the snapshot must be a JSON object");
    CHECK(snapshot_error(R"({"generaton": 1})") == "unknown field generaton");
    CHECK(snapshot_error(R"({"generation": -1})") == "generation must be a non-negative integer");
    CHECK(snapshot_error(R"({"generation": 1.5})") == "generation must be a non-negative integer");
    CHECK(snapshot_error(R"({"systemd_enabled": 4294967296})")
          == "systemd_enabled = 4294967296 does not fit 32 bits");
    CHECK(snapshot_error(R"({"items": {}})") == "items must be an array");
    CHECK(snapshot_error(R"({"items": [1]})") == "items[0] must be an object");
    CHECK(snapshot_error(R"({"items": [{"name": "a"}]})") == R"(items[0] needs a "path")");
    CHECK(snapshot_error(R"({"items": [{"path": "/a"}]})") == R"(items[0] needs a "name")");
    CHECK(snapshot_error(R"({"items": [{"name": 1, "path": "/a"}]})")
          == "items[0].name must be a string");
    CHECK(snapshot_error(R"({"items": [{"name": "a\u0000b", "path": "/a"}]})")
          == "items[0].name contains a NUL character");
    CHECK(snapshot_error(R"({"items": [{"name": "a", "path": "/a", "hash": -2}]})")
          == "items[0].hash must be a non-negative integer");
    CHECK(snapshot_error(R"({"items": [{"name": "a", "path": "/a"}, {"name": "b", "path": "/b",
                             "colour": 1}]})")
          == "unknown field items[1].colour");
}

TEST_CASE("snapshot JSON round-trips, through the wire codec too", "[cli][json]") {
    const auto sample = netipc::cli::sample_snapshot();
    REQUIRE(sample.items.size() == 8);
    for (const auto& item : sample.items) {
        CHECK(item.hash == simple_hash(item.name));
    }

    const auto document = snapshot_to_json(sample);
    auto back = snapshot_from_json(json::parse(document.dump()));
    REQUIRE(back);
    CHECK(*back == sample);

    // Encoded and decoded like a consumer receives it: the same JSON.
    std::string buffer(netipc::codecs::CgroupsSnapshot::encoded_size(sample), '\0');
    auto size = netipc::codecs::CgroupsSnapshot::encode_response(
        sample,
        netipc::wire::MutableBytes(reinterpret_cast<std::byte*>(buffer.data()), buffer.size()));
    REQUIRE(size);
    auto view = netipc::codecs::CgroupsSnapshot::decode_response(
        netipc::wire::Bytes(reinterpret_cast<const std::byte*>(buffer.data()), *size));
    REQUIRE(view);
    CHECK(snapshot_to_json(*view) == document);

    // Every field, in a fixed order.
    const auto& first = document["items"][0];
    std::vector<std::string> keys;
    for (const auto& [key, value] : first.items()) {
        keys.push_back(key);
    }
    CHECK(keys == std::vector<std::string>{"hash", "options", "enabled", "name", "path"});
}

// Encodes `table` as a response and decodes it, as a consumer receives it.
template <class Codec>
std::vector<std::byte> encoded(const typename Codec::OwnedResponse& table) {
    std::vector<std::byte> bytes(Codec::encoded_size(table));
    REQUIRE(Codec::encode_response(table, bytes));
    return bytes;
}

TEST_CASE("lookup JSON round-trips, through the wire codecs too", "[cli][json][lookup]") {
    using netipc::codecs::AppsLookup;
    using netipc::codecs::CgroupsLookup;
    const auto cgroups = netipc::cli::sample_cgroups_lookup();
    const auto cgroups_json = netipc::cli::lookup_to_json(cgroups);
    auto cgroups_back =
        netipc::cli::cgroups_lookup_from_json(nlohmann::ordered_json::parse(cgroups_json.dump()));
    REQUIRE(cgroups_back);
    CHECK(*cgroups_back == cgroups);
    const auto cgroups_bytes = encoded<CgroupsLookup>(cgroups);
    auto cgroups_view = CgroupsLookup::decode_response(cgroups_bytes);
    REQUIRE(cgroups_view);
    CHECK(netipc::cli::lookup_to_json(*cgroups_view) == cgroups_json);

    const auto apps = netipc::cli::sample_apps_lookup();
    const auto apps_json = netipc::cli::lookup_to_json(apps);
    auto apps_back =
        netipc::cli::apps_lookup_from_json(nlohmann::ordered_json::parse(apps_json.dump()));
    REQUIRE(apps_back);
    CHECK(*apps_back == apps);
    const auto apps_bytes = encoded<AppsLookup>(apps);
    auto apps_view = AppsLookup::decode_response(apps_bytes);
    REQUIRE(apps_view);
    CHECK(netipc::cli::lookup_to_json(*apps_view) == apps_json);
}

TEST_CASE("lookup JSON names the field it refuses", "[cli][json][lookup]") {
    const auto refused = [](const char* text) {
        auto table = netipc::cli::cgroups_lookup_from_json(nlohmann::ordered_json::parse(text));
        REQUIRE_FALSE(table);
        return table.error();
    };
    CHECK(refused(R"({"items": [{"name": "n"}]})") == "items[0] needs a \"path\"");
    CHECK(refused(R"({"items": [{"path": "/a", "labels": {"k": "v"}}]})")
          == "items[0].labels must be an array of {\"key\", \"value\"}");
    CHECK(refused(R"({"items": [{"path": "/a", "orchestrator": 70000}]})")
          == "items[0].orchestrator = 70000 does not fit 16 bits");
    CHECK(refused(R"({"items": [{"path": "/a", "colour": 1}]})")
          == "unknown field items[0].colour");
    auto comm = netipc::cli::apps_lookup_from_json(
        nlohmann::ordered_json::parse(R"({"items": [{"pid": 1, "comm": "a-comm-of-16-byt"}]})"));
    REQUIRE_FALSE(comm);
    CHECK(comm.error().starts_with("items[0]: "));
}

TEST_CASE("JSON output survives bytes that are not UTF-8", "[cli][json]") {
    const netipc::codecs::CgroupsItemView item{1, 0, 1, "bad\xff", "/p"};
    const std::string text = netipc::cli::dump_json(netipc::cli::item_to_json(item), false);
    CHECK(text.find("bad\xef\xbf\xbd") != std::string::npos); // U+FFFD
}
