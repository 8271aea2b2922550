// Victims on the SHM data plane: a Level 1 client session, a Level 1
// server session and the managed server, each facing a peer that writes the
// session's region as it likes: a header with a wrong magic, and published
// lengths of zero or beyond the area. The victim reports the specific error,
// its session ends, no descriptor and no region file is left behind, and
// the managed server serves its other clients.
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "services/increment_service.h"
#include "services/managed_server.h"
#include "tests/hostile/hostile_fixture.h"
#include "tests/support/handlers.h"
#include "transports/posix/shm_region_header.h"

using namespace netipc;
using namespace netipc::testing::hostile;
using netipc::testing::Resources;
using netipc::testing::TempRunDir;
using transports::ShmDirection;

namespace {

constexpr std::uint32_t shm_profiles = wire::profile::baseline | wire::profile::shm_hybrid;

// Where a session's areas lie: both peers derive it from the ceilings.
transports::ShmGeometry geometry() {
    return transports::shm_geometry(request_ceiling, response_ceiling).value();
}

Packet u32_bytes(std::uint32_t value) {
    return patched(Packet(sizeof(value)), 0, value);
}

// Writes `message` into the direction's area with `length` as its
// published length, then publishes it.
Script publish_lying(ShmDirection direction, const Packet& message, std::uint32_t length) {
    const bool request = direction == ShmDirection::request;
    const auto g = geometry();
    return {
        WriteRegion{request ? g.request_offset : g.response_offset, message},
        WriteRegion{request ? transports::shm_offsets::req_len : transports::shm_offsets::resp_len,
                    u32_bytes(length)},
        Publish{direction}};
}

struct LengthCase {
    std::string name;
    std::uint32_t request_length;
    std::uint32_t response_length;
    std::string fragment;
};

std::vector<LengthCase> length_cases() {
    const auto g = geometry();
    return {
        {"a published length beyond the area", g.request_capacity + 1, g.response_capacity + 1,
         "exceeds the area"},
        {"a published length of zero", 0, 0, "is zero"},
    };
}

// The server's side of an SHM handshake: the region is ready before the
// HELLO_ACK that selects it, as the protocol requires.
Script answer_hello_with_region() {
    return {Receive{}, CreateRegion{request_ceiling, response_ceiling, first_session},
            Send{compliant_ack(shm_profiles)}};
}

} // namespace

TEST_CASE("a client refuses a region whose header has a wrong magic", "[hostile][shm][client]") {
    TempRunDir dir;
    const std::uint32_t wrong_magic = 0x4e53484eU;
    HostileServer server(
        dir.address("inc"),
        {{Receive{}, CreateRegion{request_ceiling, response_ceiling, first_session},
          WriteRegion{0, u32_bytes(wrong_magic)}, Send{compliant_ack(shm_profiles)},
          ExpectClosed{}}});
    const Resources before = Resources::of(dir.path());
    {
        auto connection = ShmTransport::connect(dir.address("inc"), soon());
        REQUIRE(connection);
        // The session is over (no same-session fallback); Session::connect
        // would now reconnect without SHM.
        require_error(
            ShmIncrement::client_over(std::move(*connection), client_config(shm_profiles), soon()),
            Errc::shm_unavailable, "unexpected value");
    }
    require_finished(server.join().at(0));
    CHECK(Resources::of(dir.path()) == before);
}

TEST_CASE("an SHM client session refuses a lying published length", "[hostile][shm][client]") {
    for (const LengthCase& c : length_cases()) {
        DYNAMIC_SECTION(c.name) {
            TempRunDir dir;
            HostileServer server(
                dir.address("inc"),
                {answer_hello_with_region() + Script{AwaitPublication{ShmDirection::request}}
                 + publish_lying(ShmDirection::response, increment_response_packet(1, 42),
                                 c.response_length)
                 + Script{ExpectClosed{}}});
            const Resources before = Resources::of(dir.path());
            {
                auto session =
                    ShmIncrement::connect(dir.address("inc"), client_config(shm_profiles), soon());
                REQUIRE(session);
                REQUIRE(session->data_plane_active());
                require_error(session->call(41, soon()), Errc::protocol_violation, c.fragment);
            }
            require_finished(server.join().at(0));
            CHECK(Resources::of(dir.path()) == before);
        }
    }
}

namespace {

// A hostile client: an SHM handshake, then a request whose published length
// lies, then it watches the victim close.
Script lying_client(const LengthCase& c) {
    return say_hello(shm_profiles) + Script{MapRegion{}}
           + publish_lying(ShmDirection::request, increment_request_packet(1, 41), c.request_length)
           + Script{ExpectClosed{}};
}

} // namespace

TEST_CASE("an SHM server session refuses a lying published length", "[hostile][shm][server]") {
    for (const LengthCase& c : length_cases()) {
        DYNAMIC_SECTION(c.name) {
            TempRunDir dir;
            auto listener = ShmTransport::listen(dir.address("inc"));
            REQUIRE(listener);
            const Resources before = Resources::of(dir.path());
            HostileClient client(dir.address("inc"), lying_client(c));
            {
                auto session = ShmIncrement::accept(*listener, server_config(shm_profiles),
                                                    first_session, soon());
                REQUIRE(session);
                REQUIRE(session->data_plane_active());
                require_error(session->serve_one(testing::increment, soon()),
                              Errc::protocol_violation, c.fragment);
            }
            require_finished(client.join());
            CHECK(Resources::of(dir.path()) == before);
        }
    }
}

namespace {

using Server = services::ManagedServer<services::IncrementService, ShmTransport>;

} // namespace

TEST_CASE("a managed SHM server keeps serving through a lying published length",
          "[hostile][shm][managed]") {
    for (const LengthCase& c : length_cases()) {
        DYNAMIC_SECTION(c.name) {
            TempRunDir dir;
            services::ServerConfig config;
            config.auth_token = auth_token;
            config.request_payload_bytes = request_ceiling;
            config.response_payload_bytes = response_ceiling;
            config.packet_size = packet_size;
            auto server = Server::start(
                dir.address("inc"), config,
                [](const codecs::IncrementView& request) { return request.value + 1; });
            REQUIRE(server);
            auto bystander =
                ShmIncrement::connect(dir.address("inc"), client_config(shm_profiles), soon());
            REQUIRE(bystander);
            REQUIRE(bystander->data_plane_active());
            REQUIRE(answer_of(*bystander, 1) == 2);
            REQUIRE(settles_at(**server, 1, 1));
            const Resources before = Resources::of(dir.path());

            HostileClient client(dir.address("inc"), lying_client(c));
            require_finished(client.join());
            REQUIRE(settles_at(**server, 2, 1));
            CHECK((*server)->stats().sessions_failed == 1);
            CHECK(Resources::of(dir.path()) == before);

            CHECK(answer_of(*bystander, 10) == 11);
            auto newcomer =
                ShmIncrement::connect(dir.address("inc"), client_config(shm_profiles), soon());
            REQUIRE(newcomer);
            CHECK(newcomer->data_plane_active());
            CHECK(answer_of(*newcomer, 20) == 21);
        }
    }
}
