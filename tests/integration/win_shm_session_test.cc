// Sessions over WinShm<NamedPipe> on Windows (under wine on Linux): the
// handshake on the pipe, the data through the session's own named mapping
// and events. Both profiles, kernel object names per session (and gone with
// the session), both SHM failure paths (the server cannot create the
// objects: the session runs on the pipe; the client cannot open them: a new
// session without SHM), and a peer's close seen by a wait on the region.
#define WIN32_LEAN_AND_MEAN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <array>
#include <chrono>
#include <future>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "codecs/increment.h"
#include "framing/nipc.h"
#include "sessions/session.h"
#include "tests/support/hand_handshake.h"
#include "tests/support/handlers.h"
#include "tests/support/result_assertions.h"
#include "tests/support/server_thread.h"
#include "transports/windows/named_pipe.h"
#include "transports/windows/unique_handle.h"
#include "transports/windows/win_shm.h"
#include "transports/windows/win_shm_names.h"

using namespace netipc;
using namespace std::chrono_literals;
using transports::NamedPipe;
using transports::ServiceAddress;
using transports::windows::UniqueHandle;
using Hybrid = transports::WinShm<NamedPipe>;
using BusyWait = transports::WinShmBusyWait<NamedPipe>;

template <class T>
using IncrementSession = Session<T, framing::Nipc, codecs::Increment>;

static_assert(Hybrid::profile_bits == (wire::profile::baseline | wire::profile::shm_hybrid));
static_assert(BusyWait::profile_bits == (wire::profile::baseline | wire::profile::shm_busywait));
static_assert(NegotiatedDataPlane<Hybrid::Connection>);
static_assert(InPlaceSend<Hybrid::Connection>);

namespace {

constexpr std::uint64_t token = 0xBE4C400000C0FFEEULL;

Deadline soon() {
    return Deadline::after(30s);
}

// An address in a namespace no other test (or earlier run) uses.
ServiceAddress fresh_address(const std::string& service) {
    std::random_device entropy;
    return {"netipc-winshm-" + std::to_string(entropy()) + "-" + std::to_string(entropy()),
            service};
}

ClientHandshakeConfig client_config() {
    ClientHandshakeConfig config;
    config.auth_token = token;
    config.supported_profiles = ~0U; // whatever the transport carries
    config.preferred_profiles = ~0U;
    return config;
}

ServerHandshakeConfig server_config() {
    ServerHandshakeConfig config;
    config.auth_token = token;
    config.supported_profiles = ~0U;
    config.preferred_profiles = ~0U;
    return config;
}

transports::WinShmObjectNames names_of(const ServiceAddress& address, std::uint32_t profile,
                                       std::uint64_t session_id) {
    return transports::win_shm_object_names({.run_dir = address.run_dir,
                                             .service = address.service,
                                             .auth_token = token,
                                             .profile = profile,
                                             .session_id = session_id})
        .value();
}

bool mapping_exists(const transports::WinShmObjectNames& names) {
    const UniqueHandle mapping(OpenFileMappingW(FILE_MAP_READ, FALSE, names.mapping.c_str()));
    return mapping.valid();
}

} // namespace

TEMPLATE_TEST_CASE("INCREMENT travels through the Windows SHM region in both profiles",
                   "[integration][winshm]", Hybrid, BusyWait) {
    const auto address = fresh_address("inc");
    testing::ServerThread<IncrementSession<TestType>, decltype(&testing::increment)> server(
        TestType::listen(address).value(), server_config(), 3, &testing::increment);
    auto session = IncrementSession<TestType>::connect(address, client_config(), soon());
    REQUIRE_OK(session);
    const std::uint32_t shm_profile = TestType::profile_bits & ~wire::profile::baseline;
    CHECK(session->parameters().selected_profile == shm_profile);
    CHECK(session->data_plane_active());
    for (std::uint64_t value : {1ULL, 41ULL, 0xfffffffffffffffeULL}) {
        auto answer = session->call(value, soon());
        REQUIRE_OK(answer);
        CHECK(answer->value == value + 1);
    }
    CHECK_FALSE(server.join().has_value());
    CHECK(server.served_over_shm());
}

TEST_CASE("every Windows SHM session has kernel objects of its own, gone with the session",
          "[integration][winshm]") {
    const auto address = fresh_address("sessions");
    auto listener = Hybrid::listen(address).value();
    // Two sessions at once: the server numbers them 7 and 8.
    auto accepted = std::async(std::launch::async, [&] {
        auto first = IncrementSession<Hybrid>::accept(listener, server_config(), 7, soon());
        auto second = IncrementSession<Hybrid>::accept(listener, server_config(), 8, soon());
        return std::pair{std::move(first), std::move(second)};
    });
    auto first = IncrementSession<Hybrid>::connect(address, client_config(), soon());
    REQUIRE_OK(first);
    auto second = IncrementSession<Hybrid>::connect(address, client_config(), soon());
    REQUIRE_OK(second);
    auto [server_first, server_second] = accepted.get();
    REQUIRE_OK(server_first);
    REQUIRE_OK(server_second);
    CHECK(first->parameters().session_id == 7);
    CHECK(second->parameters().session_id == 8);

    const auto names_7 = names_of(address, wire::profile::shm_hybrid, 7);
    const auto names_8 = names_of(address, wire::profile::shm_hybrid, 8);
    CHECK(names_7.mapping != names_8.mapping);
    CHECK(mapping_exists(names_7));
    CHECK(mapping_exists(names_8));
    // The name is the token's too: another token finds nothing.
    auto other_token = transports::win_shm_object_names({.run_dir = address.run_dir,
                                                         .service = address.service,
                                                         .auth_token = token + 1,
                                                         .profile = wire::profile::shm_hybrid,
                                                         .session_id = 7})
                           .value();
    CHECK_FALSE(mapping_exists(other_token));

    // Both sessions work independently.
    auto served = std::async(std::launch::async, [&] {
        return server_second->serve_one(&testing::increment, soon()).has_value()
               && server_first->serve_one(&testing::increment, soon()).has_value();
    });
    auto via_second = second->call(10, soon());
    auto via_first = first->call(20, soon());
    REQUIRE(served.get());
    REQUIRE_OK(via_second);
    REQUIRE_OK(via_first);
    CHECK(via_second->value == 11);
    CHECK(via_first->value == 21);

    // Closing both ends of session 7 releases its objects; 8 keeps its own.
    first->close();
    server_first->close();
    CHECK_FALSE(mapping_exists(names_7));
    CHECK(mapping_exists(names_8));
}

TEST_CASE("a Windows server that cannot create the SHM objects continues on the pipe",
          "[integration][winshm]") {
    const auto address = fresh_address("squatted");
    // Someone already holds a mapping under session 1's name: the server
    // must not share it, so SHM is dropped from that session's negotiation.
    const auto names = names_of(address, wire::profile::shm_hybrid, 1);
    const UniqueHandle squatter(CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0,
                                                   4096, names.mapping.c_str()));
    REQUIRE(squatter.valid());

    testing::ServerThread<IncrementSession<Hybrid>, decltype(&testing::increment)> server(
        Hybrid::listen(address).value(), server_config(), 1, &testing::increment);
    auto session = IncrementSession<Hybrid>::connect(address, client_config(), soon());
    REQUIRE_OK(session);
    CHECK(session->parameters().selected_profile == wire::profile::baseline);
    CHECK_FALSE(session->data_plane_active());
    auto answer = session->call(1, soon());
    REQUIRE_OK(answer);
    CHECK(answer->value == 2);
    CHECK_FALSE(server.join().has_value());
    CHECK_FALSE(server.served_over_shm());
}

TEST_CASE("a Windows client that cannot open the SHM objects reconnects on the pipe alone",
          "[integration][winshm]") {
    const auto address = fresh_address("liar");
    // A server that selects SHM_HYBRID without creating anything (the pipe
    // answering the HELLO by hand), then, on the client's second
    // connection, records what it offers and serves one INCREMENT over the
    // pipe. Catch2 is not thread-safe: the thread records, the test checks.
    auto listener = NamedPipe::listen(address).value();
    testing::LiarReport report;
    std::thread liar(
        [&] { report = testing::lie_about_shared_memory(listener, server_config(), soon()); });
    auto session = IncrementSession<Hybrid>::connect(address, client_config(), soon());
    std::optional<std::uint64_t> answer;
    if (session) {
        auto call = session->call(41, soon());
        answer = call ? std::optional(call->value) : std::nullopt;
    }
    liar.join();
    REQUIRE_OK(session);
    CHECK(report.first_hung_up); // the unusable session was closed
    CHECK(report.second_offer == wire::profile::baseline);
    CHECK(session->dropped_data_plane());
    CHECK(session->parameters().selected_profile == wire::profile::baseline);
    CHECK_FALSE(session->data_plane_active());
    CHECK(answer == 42);
    CHECK(report.second_served);
}

TEMPLATE_TEST_CASE("a wait on the Windows SHM region ends when the peer closes the session",
                   "[integration][winshm]", Hybrid, BusyWait) {
    const auto address = fresh_address("closing");
    auto listener = TestType::listen(address).value();
    auto accepted = std::async(std::launch::async, [&] {
        return IncrementSession<TestType>::accept(listener, server_config(), 1, soon());
    });
    auto client = IncrementSession<TestType>::connect(address, client_config(), soon());
    REQUIRE_OK(client);
    auto server = accepted.get();
    REQUIRE_OK(server);
    REQUIRE(server->data_plane_active());

    SECTION("the server waits, the client leaves") {
        auto waiting = std::async(std::launch::async,
                                  [&] { return server->serve_one(&testing::increment, soon()); });
        client->close();
        auto ended = waiting.get();
        REQUIRE_ERRC(ended, Errc::disconnected);
    }
    SECTION("the client waits for an answer, the server leaves") {
        // The server takes the request and closes instead of answering.
        auto taken = std::async(std::launch::async, [&] {
            auto received = server->receive(soon());
            server->close();
            return received.has_value();
        });
        auto answer = client->call(1, soon());
        CHECK(taken.get());
        REQUIRE_ERRC(answer, Errc::disconnected);
    }
}
