// A C++ client and server exchanging every seed method over real UDS
// SEQPACKET sockets: single, batch and chunked messages, and a count of heap
// allocations across 10 000 round trips after warm-up (must be zero).
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "codecs/cgroups_snapshot.h"
#include "codecs/increment.h"
#include "codecs/simple_hash.h"
#include "codecs/string_reverse.h"
#include "framing/nipc.h"
#include "sessions/session.h"
#include "tests/support/allocation_probe.h"
#include "tests/support/handlers.h"
#include "tests/support/server_thread.h"
#include "tests/support/temp_run_dir.h"
#include "transports/default_baseline.h"

using namespace netipc;
using namespace std::chrono_literals;
using testing::TempRunDir;
using transports::DefaultBaseline;

template <class Codec>
using UdsSession = Session<DefaultBaseline, framing::Nipc, Codec>;

namespace {

constexpr std::uint64_t token = 0xDEADBEEFCAFEBABEULL;

Deadline soon() {
    return Deadline::after(10s);
}

ClientHandshakeConfig client_config(std::uint32_t packet_size = 0) {
    ClientHandshakeConfig config;
    config.auth_token = token;
    config.max_request_payload_bytes = 65536;
    config.max_request_batch_items = 1000;
    config.max_response_batch_items = 1000;
    config.packet_size = packet_size;
    return config;
}

ServerHandshakeConfig server_config() {
    ServerHandshakeConfig config;
    config.auth_token = token;
    config.max_response_payload_bytes = 1U << 20U;
    return config;
}

// A server thread for `requests` requests on a fresh listener at `address`.
template <class Codec, class Handler>
struct Server : testing::ServerThread<UdsSession<Codec>, Handler> {
    Server(const transports::ServiceAddress& address, int requests, Handler handler)
        : testing::ServerThread<UdsSession<Codec>, Handler>(
              DefaultBaseline::listen(address).value(), server_config(), requests, handler) {}
};

std::string alphabet(std::size_t length) {
    std::string text(length, ' ');
    for (std::size_t i = 0; i < length; ++i) {
        text[i] = static_cast<char>('a' + i % 26);
    }
    return text;
}

} // namespace

TEST_CASE("INCREMENT over UDS: single and batch", "[integration][uds]") {
    TempRunDir dir;
    Server<codecs::Increment, decltype(&testing::increment)> server(dir.address("increment"), 2,
                                                                    &testing::increment);
    auto session =
        UdsSession<codecs::Increment>::connect(dir.address("increment"), client_config(), soon());
    REQUIRE(session.has_value());
    CHECK(session->parameters().selected_profile == wire::profile::baseline);
    CHECK(session->call(41, soon())->value == 42);

    std::vector<std::uint64_t> values(598);
    // NOLINTNEXTLINE(modernize-use-ranges): no ranges::iota in libstdc++ 12
    std::iota(values.begin(), values.end(), 0);
    std::vector<std::uint64_t> answers;
    REQUIRE(session
                ->call_batch(
                    std::span<const std::uint64_t>(values),
                    [&](std::uint32_t, const codecs::IncrementView& view) {
                        answers.push_back(view.value);
                    },
                    soon())
                .has_value());
    REQUIRE(answers.size() == values.size());
    CHECK(answers.front() == 1);
    CHECK(answers.back() == 598);
    CHECK_FALSE(server.join().has_value());
}

TEST_CASE("STRING_REVERSE over UDS: single, chunked and batch", "[integration][uds]") {
    TempRunDir dir;
    Server<codecs::StringReverse, decltype(&testing::reverse)> server(dir.address("reverse"), 3,
                                                                      &testing::reverse);
    // Narrow packets so a 20 000-character string needs many chunks.
    auto session = UdsSession<codecs::StringReverse>::connect(dir.address("reverse"),
                                                              client_config(256), soon());
    REQUIRE(session.has_value());
    REQUIRE(session->parameters().packet_size == 256);

    CHECK(session->call("hello", soon())->text == "olleh");
    const std::string text = alphabet(20000);
    CHECK(session->call(text, soon())->text == std::string(text.rbegin(), text.rend()));

    const std::vector<std::string_view> texts{"a", "hello world", ""};
    std::vector<std::string> answers;
    REQUIRE(session
                ->call_batch(
                    std::span<const std::string_view>(texts),
                    [&](std::uint32_t, const codecs::StringReverseView& view) {
                        answers.emplace_back(view.text);
                    },
                    soon())
                .has_value());
    CHECK(answers == std::vector<std::string>{"a", "dlrow olleh", ""});
    CHECK_FALSE(server.join().has_value());
}

TEST_CASE("CGROUPS_SNAPSHOT over UDS: a large chunked snapshot", "[integration][uds][snapshot]") {
    TempRunDir dir;
    auto provider = [](const codecs::CgroupsSnapshotRequestView&,
                       codecs::CgroupsSnapshotBuilder& out) {
        out.set_systemd_enabled(1);
        out.set_generation(42);
        for (int i = 0; i < 2000; ++i) {
            const std::string name = "system.slice_unit-" + std::to_string(i) + ".service";
            const std::string path = "/sys/fs/cgroup/system.slice/unit-" + std::to_string(i);
            if (auto added =
                    out.add(codecs::CgroupsItemView{codecs::simple_hash(name), 0, 1, name, path});
                !added) {
                return added;
            }
        }
        return Result<void>{};
    };
    Server<codecs::CgroupsSnapshot, decltype(provider)> server(dir.address("cgroups"), 1, provider);
    auto session = UdsSession<codecs::CgroupsSnapshot>::connect(dir.address("cgroups"),
                                                                client_config(4096), soon());
    REQUIRE(session.has_value());
    auto view = session->call({}, soon());
    REQUIRE(view.has_value());
    CHECK(view->generation() == 42);
    REQUIRE(view->size() == 2000);
    CHECK((*view)[1999].name == "system.slice_unit-1999.service");
    CHECK((*view)[1999].hash == codecs::simple_hash("system.slice_unit-1999.service"));
    CHECK_FALSE(server.join().has_value());
}

TEST_CASE("over UDS, a request over the server's ceiling is answered LIMIT_EXCEEDED",
          "[integration][uds][limits]") {
    TempRunDir dir;
    Server<codecs::Increment, decltype(&testing::increment)> server(dir.address("over"), 1,
                                                                    &testing::increment);
    auto config = client_config();
    config.max_request_payload_bytes = 64;
    auto session = UdsSession<codecs::Increment>::connect(dir.address("over"), config, soon());
    REQUIRE(session.has_value());
    // Straight through the framing: Session::send would refuse it locally.
    constexpr std::uint64_t id = 9001;
    const std::vector<std::byte> payload(100);
    REQUIRE(framing::Nipc::send(session->connection(),
                                wire::make_request_header(wire::MethodCode::increment, id, 100),
                                payload, session->parameters().packet_size, soon())
                .has_value());
    auto answer = session->receive(soon());
    REQUIRE(answer.has_value());
    CHECK(answer->header.kind == wire::MessageKind::response);
    CHECK(answer->header.message_id == id);
    CHECK(answer->header.transport_status == wire::TransportStatus::limit_exceeded);
    CHECK(answer->header.payload_len == 0);
    CHECK(server.join() == Errc::limit_exceeded);
    // The server closed the session after its answer.
    CHECK(session->receive(soon()).error().code == Errc::disconnected);
}

TEST_CASE("over UDS, a message without a usable header is not answered",
          "[integration][uds][limits]") {
    TempRunDir dir;
    Server<codecs::Increment, decltype(&testing::increment)> server(dir.address("garbage"), 1,
                                                                    &testing::increment);
    auto session =
        UdsSession<codecs::Increment>::connect(dir.address("garbage"), client_config(), soon());
    REQUIRE(session.has_value());
    const std::array<std::byte, wire::message_header_size + 8> garbage{}; // magic 0
    const std::array pieces{wire::Bytes(garbage)};
    REQUIRE(session->connection().send_packet(pieces, soon()).has_value());
    CHECK(server.join() == Errc::bad_magic);
    // No message_id to answer: the session just ends.
    CHECK(session->receive(soon()).error().code == Errc::disconnected);
}

TEST_CASE("the socket file is 0600 and gone after the listener closes", "[integration][uds]") {
    TempRunDir dir;
    const std::string path = transports::socket_path(dir.address("perm")).value();
    {
        auto listener = DefaultBaseline::listen(dir.address("perm"));
        REQUIRE(listener.has_value());
        struct stat status{};
        REQUIRE(::stat(path.c_str(), &status) == 0);
        CHECK((status.st_mode & 0777) == 0600);
    }
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("10 000 round trips after warm-up allocate nothing", "[integration][uds][alloc]") {
    TempRunDir dir;
    constexpr int warm_up = 100;
    constexpr int measured = 10000;
    Server<codecs::Increment, decltype(&testing::increment)> server(
        dir.address("alloc"), warm_up + measured, &testing::increment);
    auto session =
        UdsSession<codecs::Increment>::connect(dir.address("alloc"), client_config(), soon());
    REQUIRE(session.has_value());
    const auto probe =
        testing::probe_allocations(*session, warm_up, measured, Deadline::after(60s));
    REQUIRE(probe.allocations_before > 0); // the counter is live: start-up allocated
    CHECK(probe.all_calls_ok);
    CHECK(probe.final_value == warm_up + measured);
    CHECK(probe.allocations_during == 0);
    CHECK_FALSE(server.join().has_value());
}
