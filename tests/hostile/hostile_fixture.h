// What the hostile-peer tests share: the handshake settings both sides use,
// the HELLO / HELLO_ACK steps of a compliant peer, and the checks every case
// ends with (the exact error, the peer's script ran, nothing leaked).
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "codecs/increment.h"
#include "framing/nipc.h"
#include "netipc/error.h"
#include "sessions/session.h"
#include "tests/support/hostile_packets.h"
#include "tests/support/hostile_peer.h"
#include "tests/support/resource_count.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/shm_hybrid.h"
#include "transports/posix/uds_seqpacket.h"

namespace netipc::testing::hostile {

using UdsIncrement = Session<transports::UdsSeqpacket, framing::Nipc, codecs::Increment>;
using ShmTransport = transports::ShmHybrid<transports::UdsSeqpacket>;
using ShmIncrement = Session<ShmTransport, framing::Nipc, codecs::Increment>;

inline constexpr std::uint64_t auth_token = 0x6e65746970632d74ULL;
// Small packets, so that a few hundred bytes already travel in chunks.
inline constexpr std::uint32_t packet_size = 128;
// The response ceiling a hostile server grants; requests get the client's.
inline constexpr std::uint32_t response_ceiling = 256;
inline constexpr std::uint32_t request_ceiling = 1024;
inline constexpr std::uint32_t batch_items = 4;
inline constexpr std::uint64_t first_session = 1;

inline Deadline soon() {
    return Deadline::after(std::chrono::seconds(30));
}

// What a victim client proposes (and a hostile client sends in its HELLO).
inline ClientHandshakeConfig client_config(std::uint32_t profiles = wire::profile::baseline) {
    ClientHandshakeConfig config;
    config.supported_profiles = profiles;
    config.preferred_profiles = profiles;
    config.max_request_payload_bytes = request_ceiling;
    config.max_request_batch_items = batch_items;
    config.max_response_payload_bytes = response_ceiling;
    config.max_response_batch_items = batch_items;
    config.auth_token = auth_token;
    config.packet_size = packet_size;
    return config;
}

// What a victim server accepts (and a hostile server decides with).
inline ServerHandshakeConfig server_config(std::uint32_t profiles = wire::profile::baseline) {
    ServerHandshakeConfig config;
    config.supported_profiles = profiles;
    config.preferred_profiles = profiles;
    config.max_request_payload_bytes = request_ceiling;
    config.max_response_payload_bytes = response_ceiling;
    config.auth_token = auth_token;
    config.packet_size = packet_size;
    return config;
}

// The HELLO_ACK a compliant server sends the victim client.
inline Packet compliant_ack(std::uint32_t profiles = wire::profile::baseline,
                            std::uint64_t session_id = first_session) {
    return hello_ack_packet(client_config(profiles), server_config(profiles), packet_size,
                            session_id);
}

// A server's side of a compliant handshake: read the HELLO, answer it.
inline Script answer_hello(Packet ack = compliant_ack()) {
    return {Receive{}, Send{std::move(ack)}};
}

// A client's side of a compliant handshake: HELLO, then read the answer.
inline Script say_hello(std::uint32_t profiles = wire::profile::baseline) {
    return {Send{hello_packet(client_config(profiles), packet_size)}, Receive{}};
}

// The error is exactly `code`, and its detail says `fragment`.
template <class T>
void require_error(const Result<T>& result, Errc code, const std::string& fragment) {
    REQUIRE_FALSE(result.has_value());
    INFO("error: " << result.error().message());
    CHECK(result.error().code == code);
    CHECK_THAT(std::string(result.error().detail), Catch::Contains(fragment));
}

// The peer's script ran to its end.
inline void require_finished(const PeerLog& log) {
    CHECK(log.problems == std::vector<std::string>{});
    CHECK(log.finished);
}

// A call a well-behaved client makes, which must succeed: its answer.
template <class Session>
std::uint64_t answer_of(Session& session, std::uint64_t value) {
    auto answer = session.call(value, soon());
    REQUIRE(answer);
    return answer->value;
}

// Waits until a managed server has seen `connections` connections through
// their handshake (accepted or failed) and serves exactly `serving`
// sessions: everything it did about a hostile connection is done. A state
// polled until the test's own timeout; false if it never came.
template <class Server>
bool settles_at(const Server& server, std::uint64_t connections, std::uint64_t serving) {
    const Deadline deadline = soon();
    while (!deadline.expired()) {
        const auto stats = server.stats();
        if (stats.sessions_accepted + stats.handshakes_failed == connections
            && stats.handshakes_pending == 0 && stats.sessions_active == serving) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1)); // then look again
    }
    return false;
}

// The transport_status of a response packet the peer received.
inline wire::TransportStatus status_of(const Packet& packet) {
    auto header = wire::decode_message_header(packet);
    REQUIRE(header);
    return header->transport_status;
}

} // namespace netipc::testing::hostile
