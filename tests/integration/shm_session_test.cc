// Sessions over ShmHybrid<UdsSeqpacket>: the handshake on the socket, the data
// through the per-session SHM region. Every seed method, large messages
// without chunking, the region's lifecycle, both SHM failure paths (server
// cannot prepare: baseline session; client cannot attach: shm_unavailable),
// and zero heap allocations over 10 000 round trips.
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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
#include "framing/message_receiver.h"
#include "framing/nipc.h"
#include "framing/send_message.h"
#include "sessions/session.h"
#include "tests/support/allocation_probe.h"
#include "tests/support/hand_handshake.h"
#include "tests/support/handlers.h"
#include "tests/support/server_thread.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/shm_hybrid.h"
#include "transports/posix/uds_seqpacket.h"

using namespace netipc;
using namespace std::chrono_literals;
using testing::TempRunDir;
using Hybrid = transports::ShmHybrid<transports::UdsSeqpacket>;

template <class Codec>
using ShmSession = Session<Hybrid, framing::Nipc, Codec>;

static_assert(Transport<Hybrid>);
static_assert(Hybrid::profile_bits == (wire::profile::baseline | wire::profile::shm_hybrid));

namespace {

constexpr std::uint64_t token = 0xBE4C400000C0FFEEULL;

Deadline soon() {
    return Deadline::after(10s);
}

ClientHandshakeConfig client_config() {
    ClientHandshakeConfig config;
    config.auth_token = token;
    config.supported_profiles = ~0U; // whatever the transport carries
    config.preferred_profiles = ~0U;
    config.max_request_payload_bytes = 65536;
    config.max_request_batch_items = 1000;
    config.max_response_batch_items = 1000;
    return config;
}

ServerHandshakeConfig server_config() {
    ServerHandshakeConfig config;
    config.auth_token = token;
    config.supported_profiles = ~0U;
    config.preferred_profiles = ~0U;
    config.max_response_payload_bytes = 1U << 20U;
    return config;
}

// A server thread for `requests` requests on a fresh listener at `address`.
template <class Codec, class Handler>
struct Server : testing::ServerThread<ShmSession<Codec>, Handler> {
    Server(const transports::ServiceAddress& address, int requests, Handler handler)
        : testing::ServerThread<ShmSession<Codec>, Handler>(Hybrid::listen(address).value(),
                                                            server_config(), requests, handler) {}
};

} // namespace

TEST_CASE("INCREMENT over SHM: single and batch", "[integration][shm]") {
    TempRunDir dir;
    Server<codecs::Increment, decltype(&testing::increment)> server(dir.address("inc"), 2,
                                                                    &testing::increment);
    auto session =
        ShmSession<codecs::Increment>::connect(dir.address("inc"), client_config(), soon());
    REQUIRE(session.has_value());
    CHECK(session->parameters().selected_profile == wire::profile::shm_hybrid);
    CHECK(session->data_plane_active());

    // While the session lives, its region exists with mode 0600.
    struct stat status{};
    REQUIRE(::stat(dir.region_path("inc", 1).c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0600);

    CHECK(session->call(41, soon())->value == 42);
    std::vector<std::uint64_t> values(598);
    std::iota(values.begin(), values.end(), 0); // NOLINT(modernize-use-ranges): libstdc++ 12
    std::uint64_t sum = 0;
    REQUIRE(session
                ->call_batch(
                    std::span<const std::uint64_t>(values),
                    [&](std::uint32_t, const codecs::IncrementView& view) { sum += view.value; },
                    soon())
                .has_value());
    CHECK(sum == 598 * 599 / 2);
    CHECK_FALSE(server.join().has_value());
    CHECK(server.served_over_shm());
    // The server's session ended: its region file is gone.
    CHECK_FALSE(std::filesystem::exists(dir.region_path("inc", 1)));
}

TEST_CASE("large STRING_REVERSE and CGROUPS_SNAPSHOT messages travel whole over SHM",
          "[integration][shm]") {
    TempRunDir dir;
    {
        Server<codecs::StringReverse, decltype(&testing::reverse)> server(dir.address("rev"), 1,
                                                                          &testing::reverse);
        auto session =
            ShmSession<codecs::StringReverse>::connect(dir.address("rev"), client_config(), soon());
        REQUIRE(session.has_value());
        REQUIRE(session->data_plane_active());
        std::string text(60000, ' ');
        for (std::size_t i = 0; i < text.size(); ++i) {
            text[i] = static_cast<char>('a' + i % 26);
        }
        CHECK(session->call(text, soon())->text == std::string(text.rbegin(), text.rend()));
        CHECK_FALSE(server.join().has_value());
    }
    {
        auto provider = [](const codecs::CgroupsSnapshotRequestView&,
                           codecs::CgroupsSnapshotBuilder& out) {
            out.set_generation(9);
            for (int i = 0; i < 3000; ++i) {
                const std::string name = "machine.slice_vm-" + std::to_string(i);
                const std::string path = "/sys/fs/cgroup/machine.slice/vm-" + std::to_string(i);
                if (auto added = out.add(
                        codecs::CgroupsItemView{codecs::simple_hash(name), 0, 1, name, path});
                    !added) {
                    return added;
                }
            }
            return Result<void>{};
        };
        Server<codecs::CgroupsSnapshot, decltype(provider)> server(dir.address("cg"), 1, provider);
        auto session = ShmSession<codecs::CgroupsSnapshot>::connect(dir.address("cg"),
                                                                    client_config(), soon());
        REQUIRE(session.has_value());
        REQUIRE(session->data_plane_active());
        auto view = session->call({}, soon());
        REQUIRE(view.has_value());
        REQUIRE(view->size() == 3000);
        CHECK((*view)[2999].name == "machine.slice_vm-2999");
        CHECK_FALSE(server.join().has_value());
    }
}

TEST_CASE("a server that cannot prepare SHM continues on the baseline", "[integration][shm]") {
    TempRunDir dir;
    // A non-empty directory squats on session 1's region path: stale
    // recovery cannot remove it, so creating the region fails.
    const std::string squatter = dir.region_path("fallback", 1);
    std::filesystem::create_directory(squatter);
    std::ofstream(squatter + "/keep") << "x";

    Server<codecs::Increment, decltype(&testing::increment)> server(dir.address("fallback"), 1,
                                                                    &testing::increment);
    auto session =
        ShmSession<codecs::Increment>::connect(dir.address("fallback"), client_config(), soon());
    REQUIRE(session.has_value());
    CHECK(session->parameters().selected_profile == wire::profile::baseline);
    CHECK_FALSE(session->data_plane_active());
    CHECK(session->call(1, soon())->value == 2);
    CHECK_FALSE(server.join().has_value());
    CHECK_FALSE(server.served_over_shm());
}

TEST_CASE("a client that cannot attach SHM reconnects without it", "[integration][shm]") {
    TempRunDir dir;
    // A server that claims SHM without preparing a region (a raw baseline
    // listener answering the HELLO by hand), then, on the client's second
    // connection, checks the client no longer offers SHM and serves one
    // INCREMENT over the baseline. Catch2 is not thread-safe: the thread
    // records, the test checks.
    auto listener = transports::UdsSeqpacket::listen(dir.address("liar")).value();
    testing::LiarReport report;
    std::thread liar(
        [&] { report = testing::lie_about_shared_memory(listener, server_config(), soon()); });
    auto session =
        ShmSession<codecs::Increment>::connect(dir.address("liar"), client_config(), soon());
    std::optional<std::uint64_t> answer;
    if (session) {
        auto call = session->call(41, soon());
        answer = call ? std::optional(call->value) : std::nullopt;
    }
    liar.join();
    REQUIRE(session.has_value());
    CHECK(report.first_hung_up); // the unusable session was closed
    CHECK(report.second_offer == wire::profile::baseline);
    CHECK(session->parameters().selected_profile == wire::profile::baseline);
    CHECK_FALSE(session->data_plane_active());
    CHECK(answer == 42);
    CHECK(report.second_served);
}

TEST_CASE("client_over reports shm_unavailable and leaves reconnecting to the caller",
          "[integration][shm]") {
    TempRunDir dir;
    auto listener = transports::UdsSeqpacket::listen(dir.address("liar2")).value();
    std::thread liar([&] {
        auto connection = listener.accept(soon(), nullptr);
        if (!connection) {
            return;
        }
        if (testing::answer_hello_by_hand(*connection, server_config(), 1, soon())) {
            std::array<std::byte, 64> drain{};
            (void)connection->receive_packet(drain, soon(), nullptr).has_value();
        }
    });
    auto connection = Hybrid::connect(dir.address("liar2"), soon());
    REQUIRE(connection.has_value());
    auto session =
        ShmSession<codecs::Increment>::client_over(std::move(*connection), client_config(), soon());
    liar.join();
    REQUIRE_FALSE(session.has_value());
    CHECK(session.error().code == Errc::shm_unavailable);
}

TEST_CASE("a client sees disconnected when the server ends an SHM session", "[integration][shm]") {
    TempRunDir dir;
    // Serves one request, then the server session closes.
    Server<codecs::Increment, decltype(&testing::increment)> server(dir.address("bye"), 1,
                                                                    &testing::increment);
    auto session =
        ShmSession<codecs::Increment>::connect(dir.address("bye"), client_config(), soon());
    REQUIRE(session.has_value());
    CHECK(session->call(1, soon())->value == 2);
    CHECK_FALSE(server.join().has_value());
    auto after = session->call(2, soon());
    REQUIRE_FALSE(after.has_value());
    CHECK(after.error().code == Errc::disconnected);
}

TEST_CASE("after interrupt(), SHM sends and receives fail although the region still works",
          "[integration][shm]") {
    TempRunDir dir;
    // A server that would answer both requests: the second one must not even
    // be published, and its answer not received.
    Server<codecs::Increment, decltype(&testing::increment)> server(dir.address("stop"), 2,
                                                                    &testing::increment);
    auto session =
        ShmSession<codecs::Increment>::connect(dir.address("stop"), client_config(), soon());
    REQUIRE(session.has_value());
    REQUIRE(session->data_plane_active());
    CHECK(session->call(1, soon())->value == 2);
    session->interrupt();
    auto after = session->call(2, soon());
    REQUIRE_FALSE(after.has_value());
    CHECK(after.error().code == Errc::disconnected);
    std::array<std::byte, 64> buffer{};
    auto received = session->connection().receive_packet(buffer, soon(), nullptr);
    REQUIRE_FALSE(received.has_value());
    CHECK(received.error().code == Errc::disconnected);
    session->close();
    // The server never saw a second request: its session simply ended.
    CHECK(server.join() == Errc::disconnected);
}

TEST_CASE("10 000 SHM round trips after warm-up allocate nothing", "[integration][shm][alloc]") {
    TempRunDir dir;
    constexpr int warm_up = 100;
    constexpr int measured = 10000;
    Server<codecs::Increment, decltype(&testing::increment)> server(
        dir.address("alloc"), warm_up + measured, &testing::increment);
    auto session =
        ShmSession<codecs::Increment>::connect(dir.address("alloc"), client_config(), soon());
    REQUIRE(session.has_value());
    REQUIRE(session->data_plane_active());
    const auto probe =
        testing::probe_allocations(*session, warm_up, measured, Deadline::after(60s));
    REQUIRE(probe.allocations_before > 0); // the counter is live: start-up allocated
    CHECK(probe.all_calls_ok);
    CHECK(probe.final_value == warm_up + measured);
    CHECK(probe.allocations_during == 0);
    CHECK_FALSE(server.join().has_value());
}

TEST_CASE("an SHM server sees disconnected when its client hangs up", "[integration][shm]") {
    TempRunDir dir;
    // The server waits for a second request that never comes: the client
    // closes its socket, and the server's SHM wait notices within a slice.
    Server<codecs::Increment, decltype(&testing::increment)> server(dir.address("gone"), 2,
                                                                    &testing::increment);
    {
        auto session =
            ShmSession<codecs::Increment>::connect(dir.address("gone"), client_config(), soon());
        REQUIRE(session.has_value());
        REQUIRE(session->data_plane_active());
        CHECK(session->call(1, soon())->value == 2);
    } // the client session closes here
    CHECK(server.join() == Errc::disconnected);
}
