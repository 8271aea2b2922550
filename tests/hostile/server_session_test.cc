// Victims: a Level 1 server session and the managed server (UDS
// SEQPACKET), each facing a hostile client (server_cases.h). The session
// ends with the specific error, answers the offending message_id with its
// terminal status where the protocol says so, closes, and leaks nothing;
// the managed server also goes on serving a client that was already
// connected and one that connects afterwards.
#include <memory>

#include <catch2/catch.hpp>

#include "services/increment_service.h"
#include "services/managed_server.h"
#include "tests/hostile/server_cases.h"
#include "tests/support/handlers.h"

using namespace netipc;
using namespace netipc::testing::hostile;
using netipc::testing::Resources;
using netipc::testing::TempRunDir;

namespace {

// The session's error: from the handshake, or from its first request.
Error serve_hostile_client(transports::UdsSeqpacket::Listener& listener) {
    auto session = UdsIncrement::accept(listener, server_config(), first_session, soon());
    if (!session) {
        return session.error();
    }
    auto served = session->serve_one(testing::increment, soon());
    REQUIRE_FALSE(served);
    return served.error();
}

} // namespace

TEST_CASE("a server session ends on each lie of a hostile client", "[hostile][server]") {
    for (const ServerCase& c : server_cases()) {
        DYNAMIC_SECTION(c.name) {
            TempRunDir dir;
            auto listener = transports::UdsSeqpacket::listen(dir.address("inc"));
            REQUIRE(listener);
            const Resources before = Resources::of(dir.path());
            HostileClient client(dir.address("inc"), c.script);
            const Error error = serve_hostile_client(*listener);
            INFO("error: " << error.message());
            CHECK(error.code == c.code);
            CHECK_THAT(std::string(error.detail), Catch::Contains(c.fragment));
            require_heard(c, client.join());
            CHECK(Resources::of(dir.path()) == before);
        }
    }
}

TEST_CASE("a server session ends when the client leaves right after HELLO", "[hostile][server]") {
    TempRunDir dir;
    auto listener = transports::UdsSeqpacket::listen(dir.address("inc"));
    REQUIRE(listener);
    const Resources before = Resources::of(dir.path());
    HostileClient client(dir.address("inc"),
                         {Send{hello_packet(client_config(), packet_size)}, Close{}});
    // Whether the HELLO_ACK still went out depends on who is first; either
    // way the session ends as a disconnect, in the handshake or at its
    // first receive.
    const Error error = serve_hostile_client(*listener);
    CHECK(error.code == Errc::disconnected);
    require_finished(client.join());
    CHECK(Resources::of(dir.path()) == before);
}

namespace {

using Server = services::ManagedServer<services::IncrementService, transports::UdsSeqpacket>;

std::unique_ptr<Server> start_server(const TempRunDir& dir) {
    services::ServerConfig config;
    config.auth_token = auth_token;
    config.request_payload_bytes = request_ceiling;
    config.response_payload_bytes = response_ceiling;
    config.packet_size = packet_size;
    auto server =
        Server::start(dir.address("inc"), config,
                      [](const codecs::IncrementView& request) { return request.value + 1; });
    REQUIRE(server);
    return std::move(*server);
}

UdsIncrement connect_good_client(const TempRunDir& dir) {
    auto session = UdsIncrement::connect(dir.address("inc"), client_config(), soon());
    REQUIRE(session);
    return std::move(*session);
}

} // namespace

TEST_CASE("a managed server keeps serving through each lie of a hostile client",
          "[hostile][server][managed]") {
    for (const ServerCase& c : server_cases()) {
        DYNAMIC_SECTION(c.name) {
            TempRunDir dir;
            auto server = start_server(dir);
            auto bystander = connect_good_client(dir);
            REQUIRE(answer_of(bystander, 1) == 2);
            REQUIRE(settles_at(*server, 1, 1));
            const Resources before = Resources::of(dir.path());

            HostileClient client(dir.address("inc"), c.script);
            require_heard(c, client.join());
            REQUIRE(settles_at(*server, 2, 1)); // the hostile connection is over
            const auto stats = server->stats();
            const bool handshake = c.phase == Phase::handshake;
            CHECK(stats.handshakes_failed == (handshake ? 1U : 0U));
            CHECK(stats.sessions_failed == (!handshake && c.code != Errc::disconnected ? 1U : 0U));
            CHECK(Resources::of(dir.path()) == before);

            // The session that was there is still served, and so is a new one.
            CHECK(answer_of(bystander, 10) == 11);
            auto newcomer = connect_good_client(dir);
            CHECK(answer_of(newcomer, 20) == 21);
        }
    }
}
