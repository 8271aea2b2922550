// Victim: a Level 2 Client against a hostile server. A lie fails the call
// with the specific error (after the one reconnect-and-resend the retry rule
// allows, which meets the same lie), status() reports it, and the client
// recovers as soon as the server behaves: on the resend within the same
// call, or on the next refresh() and call.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "services/client.h"
#include "services/handshake_configs.h"
#include "services/increment_service.h"
#include "tests/hostile/hostile_fixture.h"

using namespace netipc;
using namespace netipc::testing::hostile;
using netipc::testing::Resources;
using netipc::testing::TempRunDir;

namespace {

using Client = services::Client<services::IncrementService, transports::UdsSeqpacket>;

services::ClientConfig level2_config() {
    services::ClientConfig config;
    config.auth_token = auth_token;
    config.profiles = wire::profile::baseline;
    config.request_payload_bytes = request_ceiling;
    config.response_payload_bytes = response_ceiling;
    config.batch_items = batch_items;
    config.packet_size = packet_size;
    return config;
}

// What a compliant server answers this client's HELLO with.
Packet level2_ack() {
    const auto config = level2_config();
    const auto hello = services::client_handshake_config(config, services::initial_proposal(config),
                                                         transports::UdsSeqpacket::profile_bits);
    return hello_ack_packet(hello, server_config(), packet_size, first_session);
}

// A connection that handshakes, reads the request, then does `then`.
Script lying(const Script& then) {
    return answer_hello(level2_ack()) + Script{Receive{}} + then;
}

// A connection that answers the request (id 1: each session counts anew).
Script behaving() {
    return lying({Send{increment_response_packet(1, 42)}});
}

struct Level2Case {
    std::string name;
    Script lie;
    Errc code;
    std::string fragment;
};

std::vector<Level2Case> level2_cases() {
    const Packet good = increment_response_packet(1, 42);
    const Packet big(200, std::byte{1});
    auto packets = chunked_message(increment_response(1, big.size()), big, packet_size);
    return {
        {"wrong magic",
         {Send{patched(good, header_at::magic, 0U)}},
         Errc::bad_magic,
         "unexpected value"},
        {"a response to a message_id never sent",
         {Send{increment_response_packet(5, 42)}},
         Errc::protocol_violation,
         "not in flight"},
        {"chunk with a wrong index",
         {Send{packets[0]}, Send{patched(packets[1], chunk_at::chunk_index, 2U)}},
         Errc::bad_chunk,
         "out of order"},
        {"close mid-chunk", {Send{packets[0]}, Close{}}, Errc::disconnected, "peer closed"},
    };
}

} // namespace

TEST_CASE("a Level 2 client reports a lying server and recovers when it behaves",
          "[hostile][level2]") {
    for (const Level2Case& c : level2_cases()) {
        DYNAMIC_SECTION(c.name) {
            TempRunDir dir;
            // The call's connection and its one retry lie; the next behaves.
            HostileServer server(dir.address("inc"), {lying(c.lie), lying(c.lie), behaving()});
            const Resources before = Resources::of(dir.path());
            {
                auto client = Client::create(dir.address("inc"), level2_config());
                REQUIRE(client);
                REQUIRE(client->refresh());
                require_error(client->call(41), c.code, c.fragment);
                const auto status = client->status();
                CHECK(status.state == services::ClientState::broken);
                REQUIRE(status.last_error);
                CHECK(status.last_error->code == c.code);
                CHECK(status.counters.retries == 1);
                CHECK(status.counters.call_failures == 1);

                REQUIRE(client->refresh());
                auto answer = client->call(41);
                REQUIRE(answer);
                CHECK(answer->value == 42);
            }
            for (const PeerLog& log : server.join()) {
                require_finished(log);
            }
            CHECK(Resources::of(dir.path()) == before);
        }
    }
}

TEST_CASE("a Level 2 call recovers on its resend when the server then behaves",
          "[hostile][level2]") {
    for (const Level2Case& c : level2_cases()) {
        DYNAMIC_SECTION(c.name) {
            TempRunDir dir;
            HostileServer server(dir.address("inc"), {lying(c.lie), behaving()});
            const Resources before = Resources::of(dir.path());
            {
                auto client = Client::create(dir.address("inc"), level2_config());
                REQUIRE(client);
                REQUIRE(client->refresh());
                auto answer = client->call(41);
                REQUIRE(answer);
                CHECK(answer->value == 42);
                CHECK(client->status().counters.retries == 1);
                CHECK(client->ready());
            }
            for (const PeerLog& log : server.join()) {
                require_finished(log);
            }
            CHECK(Resources::of(dir.path()) == before);
        }
    }
}
