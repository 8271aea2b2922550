// Conformance, Level 2 lookups: Client::lookup() against a ManagedServer of
// CgroupsLookupService or AppsLookupService over the fixture's transport.
// One answer per key in key order whatever the number of cycles (request
// ceilings, response ceilings), OVERSIZED_ITEM kept, an empty call still
// asks, the client's own ceilings on a logical call, and answers that break
// the contract (another key echoed or item count, a status the
// specification does not list, a generation that changes between cycles,
// no progress) fail the call.
//
// Cycles are counted by the handler (an atomic it bumps before answering),
// never by timing.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "codecs/apps_lookup.h"
#include "codecs/cgroups_lookup.h"
#include "framing/nipc.h"
#include "services/apps_lookup_service.h"
#include "services/cgroups_lookup_service.h"
#include "services/client.h"
#include "services/lookup_table.h"
#include "services/managed_server.h"
#include "sessions/session.h"
#include "tests/conformance/fixture.h"

namespace netipc::conformance {

template <Fixture F>
using CgroupsLookupServer =
    services::ManagedServer<services::CgroupsLookupService, typename F::Transport>;
template <Fixture F>
using CgroupsLookupClient = services::Client<services::CgroupsLookupService, typename F::Transport>;
template <Fixture F>
using AppsLookupServer =
    services::ManagedServer<services::AppsLookupService, typename F::Transport>;
template <Fixture F>
using AppsLookupClient = services::Client<services::AppsLookupService, typename F::Transport>;

using CgroupsTable = services::LookupTable<codecs::CgroupsLookup>;
using AppsTable = services::LookupTable<codecs::AppsLookup>;

// A table of `count` KNOWN cgroups, each with a name of `name_size` bytes
// and two labels, at paths cgroup_path(i).
inline std::string cgroup_path(std::size_t index) {
    return "/kubepods.slice/pod-" + std::to_string(index);
}

inline CgroupsTable cgroups_table(std::size_t count, std::size_t name_size = 20) {
    CgroupsTable table;
    table.set_generation(41);
    for (std::size_t i = 0; i < count; ++i) {
        table.put({codecs::CgroupsLookupStatus::known,
                   codecs::Orchestrator::k8s,
                   cgroup_path(i),
                   std::string(name_size, static_cast<char>('a' + (i % 26))),
                   {{"namespace", "default"}, {"pod", "pod-" + std::to_string(i)}}});
    }
    return table;
}

inline AppsTable apps_table(std::uint32_t count) {
    AppsTable table;
    table.set_generation(7);
    for (std::uint32_t pid = 1; pid <= count; ++pid) {
        codecs::AppsLookupItem item;
        item.pid = pid;
        item.ppid = 1;
        item.uid = 1000 + pid;
        item.starttime = 100 + pid;
        item.comm = "proc-" + std::to_string(pid);
        item.cgroup_path = "/system.slice/unit-" + std::to_string(pid) + ".service";
        item.cgroup_name = "unit-" + std::to_string(pid);
        item.orchestrator = codecs::Orchestrator::systemd;
        item.labels = {{"unit", "unit-" + std::to_string(pid)}};
        table.put(std::move(item));
    }
    return table;
}

// A server answering from `table`, counting the requests it handles.
template <class Server, class Table>
std::unique_ptr<Server> table_server(typename Server::Address address, const Table& table,
                                     std::atomic<int>& handled,
                                     services::ServerConfig config = {}) {
    auto server = Server::start(address, config, [&table, &handled](const auto& request) {
        handled.fetch_add(1);
        return table.answer(request);
    });
    REQUIRE_OK(server);
    return std::move(*server);
}

template <class Client>
Client lookup_client(const typename Client::Address& address, services::ClientConfig config = {}) {
    auto client = Client::create(address, config);
    REQUIRE_OK(client);
    REQUIRE_OK(client->refresh());
    return std::move(*client);
}

template <class View, class Table>
void require_answers(const View& view, const Table& table, const auto& keys) {
    REQUIRE(view.size() == keys.size());
    CHECK(view.generation() == table.generation());
    for (std::uint32_t i = 0; i < view.size(); ++i) {
        INFO("item " << i);
        REQUIRE(Table::CodecType::to_owned(view[i]) == table.find(keys[i]));
    }
}

// --- the rules ------------------------------------------------------------------------

// Many paths, some unknown: one answer each, in order. With the default
// 1024-byte request ceiling they take several requests.
template <Fixture F>
void lookup_many_paths() {
    F fixture;
    const CgroupsTable table = cgroups_table(300);
    std::atomic<int> handled{0};
    auto server = table_server<CgroupsLookupServer<F>>(fixture.address(), table, handled);
    auto client = lookup_client<CgroupsLookupClient<F>>(server->address());
    std::vector<std::string> owned;
    for (std::size_t i = 0; i < 330; ++i) {
        owned.push_back(i % 11 == 0 ? "/unknown/" + std::to_string(i) : cgroup_path(i));
    }
    const std::vector<std::string_view> paths(owned.begin(), owned.end());
    auto answer = client.lookup(paths);
    REQUIRE_OK(answer);
    require_answers(*answer, table, paths);
    CHECK((*answer)[0].status == codecs::CgroupsLookupStatus::unknown_permanent);
    CHECK(handled.load() > 1);
    CHECK(client.status().counters.calls == 1);
}

// A small response ceiling: the provider marks PAYLOAD_EXCEEDED and the
// client asks again until every path is answered; the caller sees one
// answer per path and no PAYLOAD_EXCEEDED.
template <Fixture F>
void lookup_split_by_response_ceiling() {
    F fixture;
    const CgroupsTable table = cgroups_table(120, 100);
    std::atomic<int> handled{0};
    auto server = table_server<CgroupsLookupServer<F>>(
        fixture.address(), table, handled,
        services::ServerConfig{.response_payload_bytes = 2 * kib});
    // Requests of every path fit at once: only responses split.
    auto client = lookup_client<CgroupsLookupClient<F>>(
        server->address(), services::ClientConfig{.request_payload_bytes = 64 * kib});
    std::vector<std::string> owned;
    for (std::size_t i = 0; i < 120; ++i) {
        owned.push_back(cgroup_path(i));
    }
    const std::vector<std::string_view> paths(owned.begin(), owned.end());
    auto answer = client.lookup(paths);
    REQUIRE_OK(answer);
    require_answers(*answer, table, paths);
    for (const auto item : *answer) {
        CHECK(item.status == codecs::CgroupsLookupStatus::known);
    }
    // Each cycle carries under 2 KiB of ~200-byte items.
    CHECK(handled.load() >= 12);
    // The stitched view stays valid until the next call; that call works.
    auto again = client.lookup(std::span(paths).first(3));
    REQUIRE_OK(again);
    require_answers(*again, table, std::span(paths).first(3));
}

// An item that cannot fit any response stays in the answer as
// OVERSIZED_ITEM with its path; the items around it are answered.
template <Fixture F>
void lookup_oversized_item() {
    F fixture;
    CgroupsTable table = cgroups_table(10);
    table.put({codecs::CgroupsLookupStatus::known,
               codecs::Orchestrator::docker,
               cgroup_path(5),
               std::string(3 * kib, 'x'),
               {}});
    std::atomic<int> handled{0};
    auto server = table_server<CgroupsLookupServer<F>>(
        fixture.address(), table, handled,
        services::ServerConfig{.response_payload_bytes = 2 * kib});
    auto client = lookup_client<CgroupsLookupClient<F>>(server->address());
    std::vector<std::string> owned;
    for (std::size_t i = 0; i < 10; ++i) {
        owned.push_back(cgroup_path(i));
    }
    const std::vector<std::string_view> paths(owned.begin(), owned.end());
    auto answer = client.lookup(paths);
    REQUIRE_OK(answer);
    REQUIRE(answer->size() == 10);
    for (std::uint32_t i = 0; i < 10; ++i) {
        INFO("item " << i);
        const auto item = (*answer)[i];
        CHECK(item.path == paths[i]);
        if (i == 5) {
            CHECK(item.status == codecs::CgroupsLookupStatus::oversized_item);
            CHECK(item.name.empty());
        } else {
            CHECK(codecs::CgroupsLookup::to_owned(item) == table.find(paths[i]));
        }
    }
}

// A path longer than a request may grow to is answered OVERSIZED_ITEM by
// the client itself; one that needs a larger request ceiling gets it.
template <Fixture F>
void lookup_long_paths() {
    F fixture;
    CgroupsTable table = cgroups_table(3);
    const std::string grown(3 * kib, 'g');
    table.put({codecs::CgroupsLookupStatus::known,
               codecs::Orchestrator::docker,
               "/" + grown,
               "grown",
               {}});
    std::atomic<int> handled{0};
    auto server = table_server<CgroupsLookupServer<F>>(fixture.address(), table, handled);
    auto client = lookup_client<CgroupsLookupClient<F>>(
        server->address(), services::ClientConfig{.payload_growth_cap = 8 * kib});
    const std::string too_long = "/" + std::string(9 * kib, 'l');
    const std::string grown_path = "/" + grown;
    const std::string first = cgroup_path(0);
    const std::string last = cgroup_path(2);
    const std::vector<std::string_view> paths{first, too_long, grown_path, last};
    auto answer = client.lookup(paths);
    REQUIRE_OK(answer);
    REQUIRE(answer->size() == 4);
    CHECK(codecs::CgroupsLookup::to_owned((*answer)[0]) == table.find(first));
    CHECK((*answer)[1].status == codecs::CgroupsLookupStatus::oversized_item);
    CHECK((*answer)[1].path == too_long);
    CHECK(codecs::CgroupsLookup::to_owned((*answer)[2]) == table.find(grown_path));
    CHECK(codecs::CgroupsLookup::to_owned((*answer)[3]) == table.find(last));
    CHECK(client.status().counters.resizes >= 1);
}

// No keys: one round trip all the same, answering the generation.
template <Fixture F>
void lookup_empty() {
    F fixture;
    const CgroupsTable table = cgroups_table(1);
    std::atomic<int> handled{0};
    auto server = table_server<CgroupsLookupServer<F>>(fixture.address(), table, handled);
    auto client = lookup_client<CgroupsLookupClient<F>>(server->address());
    auto answer = client.lookup({});
    REQUIRE_OK(answer);
    CHECK(answer->empty());
    CHECK(answer->generation() == table.generation());
    CHECK(handled.load() == 1);
}

// APPS_LOOKUP: many pids over a small response ceiling, unknown pids too.
template <Fixture F>
void lookup_apps_split() {
    F fixture;
    const AppsTable table = apps_table(80);
    std::atomic<int> handled{0};
    auto server = table_server<AppsLookupServer<F>>(
        fixture.address(), table, handled,
        services::ServerConfig{.response_payload_bytes = 1 * kib});
    auto client = lookup_client<AppsLookupClient<F>>(server->address());
    std::vector<std::uint32_t> pids;
    for (std::uint32_t pid = 1; pid <= 100; ++pid) {
        pids.push_back(pid);
    }
    auto answer = client.lookup(pids);
    REQUIRE_OK(answer);
    require_answers(*answer, table, pids);
    CHECK((*answer)[90].status == codecs::AppsLookupStatus::unknown);
    CHECK(handled.load() > 2);
}

// A provider whose answer does not echo the keys asked fails the call.
template <Fixture F>
void lookup_wrong_echo_fails() {
    F fixture;
    auto server = CgroupsLookupServer<F>::start(
        fixture.address(), {},
        [](const codecs::CgroupsLookupRequestView& request,
           codecs::CgroupsLookupBuilder& builder) -> Result<void> {
            for (std::uint32_t i = 0; i < request.size(); ++i) {
                auto added = builder.add(codecs::CgroupsLookup::unknown_item("/not-asked"));
                if (!added) {
                    return added;
                }
            }
            return {};
        });
    REQUIRE_OK(server);
    auto client = lookup_client<CgroupsLookupClient<F>>((*server)->address());
    const std::vector<std::string_view> paths{"/asked"};
    REQUIRE_ERRC(client.lookup(paths), Errc::protocol_violation);
}

// A generation that changes between the cycles of one call fails it.
template <Fixture F>
void lookup_generation_change_fails() {
    F fixture;
    const CgroupsTable table = cgroups_table(40, 100);
    std::atomic<int> handled{0};
    auto server = CgroupsLookupServer<F>::start(
        fixture.address(), services::ServerConfig{.response_payload_bytes = 1 * kib},
        [&](const codecs::CgroupsLookupRequestView& request) {
            auto answer = table.answer(request);
            answer.generation = static_cast<std::uint64_t>(handled.fetch_add(1));
            return answer;
        });
    REQUIRE_OK(server);
    auto client = lookup_client<CgroupsLookupClient<F>>(
        (*server)->address(), services::ClientConfig{.request_payload_bytes = 64 * kib});
    std::vector<std::string> owned;
    for (std::size_t i = 0; i < 40; ++i) {
        owned.push_back(cgroup_path(i));
    }
    const std::vector<std::string_view> paths(owned.begin(), owned.end());
    REQUIRE_ERRC(client.lookup(paths), Errc::protocol_violation);
    CHECK(handled.load() == 2);
}

// The client's own ceilings on one logical lookup (ClientConfig): more keys
// than max_logical_lookup_items fail before anything is sent, more cycles
// than max_logical_lookup_subcalls and a stitched answer over
// max_logical_lookup_response_bytes fail the call, each as Errc::overflow
// naming the ceiling; the same lookup within the defaults works.
template <Fixture F>
void lookup_client_ceilings() {
    F fixture;
    const CgroupsTable table = cgroups_table(120, 100);
    std::atomic<int> handled{0};
    auto server = table_server<CgroupsLookupServer<F>>(
        fixture.address(), table, handled,
        services::ServerConfig{.response_payload_bytes = 2 * kib});
    std::vector<std::string> owned;
    for (std::size_t i = 0; i < 120; ++i) {
        owned.push_back(cgroup_path(i));
    }
    const std::vector<std::string_view> paths(owned.begin(), owned.end());
    auto overflow_naming = [](const auto& result, const char* ceiling) {
        REQUIRE_ERRC(result, Errc::overflow);
        CHECK(std::string_view(result.error().detail).find(ceiling) != std::string_view::npos);
    };

    auto two_keys = lookup_client<CgroupsLookupClient<F>>(
        server->address(),
        services::ClientConfig{.request_payload_bytes = 64 * kib, .max_logical_lookup_items = 2});
    overflow_naming(two_keys.lookup(std::span(paths).first(3)), "max_logical_lookup_items");
    CHECK(handled.load() == 0);

    // Responses under 2 KiB of ~200-byte items: 120 paths take many cycles.
    auto one_cycle = lookup_client<CgroupsLookupClient<F>>(
        server->address(), services::ClientConfig{.request_payload_bytes = 64 * kib,
                                                  .max_logical_lookup_subcalls = 1});
    overflow_naming(one_cycle.lookup(paths), "max_logical_lookup_subcalls");
    CHECK(handled.load() == 1);

    auto small_answer = lookup_client<CgroupsLookupClient<F>>(
        server->address(), services::ClientConfig{.request_payload_bytes = 64 * kib,
                                                  .max_logical_lookup_response_bytes = 4 * kib});
    overflow_naming(small_answer.lookup(paths), "max_logical_lookup_response_bytes");

    // Within the defaults the same lookup is answered, and so is a small
    // one on the client whose ceiling just failed a call.
    auto unlimited = lookup_client<CgroupsLookupClient<F>>(
        server->address(), services::ClientConfig{.request_payload_bytes = 64 * kib});
    auto answer = unlimited.lookup(paths);
    REQUIRE_OK(answer);
    require_answers(*answer, table, paths);
    auto few = small_answer.lookup(std::span(paths).first(2));
    REQUIRE_OK(few);
    require_answers(*few, table, std::span(paths).first(2));
}

// A provider whose answer makes no sense as progress fails the call with
// protocol_violation, each naming what was wrong: another number of items
// than keys asked, a first item PAYLOAD_EXCEEDED (no progress), an item
// answered after a PAYLOAD_EXCEEDED one. The first key says which lie.
template <Fixture F>
void lookup_broken_progress_fails() {
    F fixture;
    auto exceeded = [](std::string_view path) {
        return codecs::CgroupsLookupItem{codecs::CgroupsLookupStatus::payload_exceeded,
                                         codecs::Orchestrator::unknown,
                                         std::string(path),
                                         {},
                                         {}};
    };
    auto server = CgroupsLookupServer<F>::start(
        fixture.address(), {},
        [&](const codecs::CgroupsLookupRequestView& request,
            codecs::CgroupsLookupBuilder& builder) -> Result<void> {
            const std::string_view first = request.size() > 0 ? request[0] : std::string_view{};
            for (std::uint32_t i = 0; i < request.size(); ++i) {
                if (first == "/one-short" && i + 1 == request.size()) {
                    break; // another item count
                }
                const bool mark = first == "/stuck" ? true : (first == "/late" && i == 0);
                auto added = builder.add(mark ? exceeded(request[i])
                                              : codecs::CgroupsLookup::unknown_item(request[i]));
                if (!added) {
                    return added;
                }
            }
            return {};
        });
    REQUIRE_OK(server);
    auto client = lookup_client<CgroupsLookupClient<F>>((*server)->address());
    auto violation_naming = [](const auto& result, std::string_view what) {
        REQUIRE_ERRC(result, Errc::protocol_violation);
        CHECK(std::string_view(result.error().detail).find(what) != std::string_view::npos);
    };
    const std::vector<std::string_view> short_answer{"/one-short", "/b"};
    violation_naming(client.lookup(short_answer), "another item count");
    REQUIRE_OK(client.refresh());
    const std::vector<std::string_view> stuck{"/stuck", "/b"};
    violation_naming(client.lookup(stuck), "no progress");
    REQUIRE_OK(client.refresh());
    const std::vector<std::string_view> late{"/late", "/b"};
    violation_naming(client.lookup(late), "after a PAYLOAD_EXCEEDED");
    // An honest answer from the same provider still works.
    REQUIRE_OK(client.refresh());
    const std::vector<std::string_view> honest{"/x", "/y"};
    auto answer = client.lookup(honest);
    REQUIRE_OK(answer);
    CHECK(answer->size() == 2);
}

// A test codec standing in for a broken provider: its builder writes the
// bytes it is given as the response to a CGROUPS_LOOKUP request.
struct CannedLookupReply {
    static constexpr wire::MethodCode method = wire::MethodCode::cgroups_lookup;
    static constexpr bool batchable = false;
    struct Builder {
        explicit Builder(wire::MutableBytes out) noexcept : out_(out) {}
        Result<std::size_t> finish() noexcept {
            if (bytes_.size() > out_.size()) {
                return fail(Errc::overflow);
            }
            std::copy(bytes_.begin(), bytes_.end(), out_.begin());
            return bytes_.size();
        }
        wire::MutableBytes out_;
        wire::Bytes bytes_;
    };
    using Request = wire::Bytes;
    using RequestView = wire::Bytes;
    using OwnedRequest = wire::Bytes;
    using ResponseView = wire::Bytes;
    using OwnedResponse = wire::Bytes;
    using ResponseBuilder = Builder;
    static std::size_t request_size(const Request& request) noexcept { return request.size(); }
    static Result<std::size_t> encode_request(const Request&, wire::MutableBytes) noexcept {
        return fail(Errc::unsupported);
    }
    static Result<wire::Bytes> decode_request(wire::Bytes in) noexcept { return in; }
    static Result<wire::Bytes> decode_response(wire::Bytes in) noexcept { return in; }
    static wire::Bytes to_owned(const wire::Bytes& view) noexcept { return view; }
};

// A status the specification does not list fails the call with bad_status.
template <Fixture F>
void lookup_unknown_status_fails() {
    F fixture;
    // A valid one-item answer for "/a", its status then set to 9.
    const std::vector<codecs::CgroupsLookupItem> items{codecs::CgroupsLookup::unknown_item("/a")};
    std::vector<std::byte> canned(codecs::CgroupsLookup::encoded_size({0, items}));
    REQUIRE_OK(codecs::CgroupsLookup::encode_response({0, items}, canned));
    constexpr std::size_t status_at = codecs::lookup_header_size + wire::directory_entry_size + 2;
    wire::store<std::uint16_t>(canned.data() + status_at, 9);

    auto listener = F::Transport::listen(fixture.address());
    REQUIRE_OK(listener);
    const auto address = listener->address();
    using RawSession = Session<typename F::Transport, framing::Nipc, CannedLookupReply>;
    // A malformed answer is an ordinary failure: the client reconnects and
    // asks once more (at-least-once), so the provider serves two sessions.
    std::optional<Errc> server_error;
    std::thread server([&] {
        const auto handshake =
            services::server_handshake_config(services::ServerConfig{}, F::Transport::profile_bits);
        for (std::uint64_t id = 1; id <= 2 && !server_error; ++id) {
            auto session = RawSession::accept(*listener, handshake, id, soon());
            if (!session) {
                server_error = session.error().code;
                return;
            }
            auto served = session->serve_one(
                [&](const wire::Bytes&, CannedLookupReply::Builder& builder) -> Result<void> {
                    builder.bytes_ = canned;
                    return {};
                },
                soon());
            if (!served) {
                server_error = served.error().code;
            }
        }
    });
    auto client = lookup_client<CgroupsLookupClient<F>>(address);
    const std::vector<std::string_view> paths{"/a"};
    auto answer = client.lookup(paths);
    server.join();
    CHECK_FALSE(server_error.has_value());
    REQUIRE_ERRC(answer, Errc::bad_status);
    CHECK(client.status().counters.retries == 1);
}

} // namespace netipc::conformance
