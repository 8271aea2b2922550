// Fuzz target: the handshake state machine of both roles over a real
// socketpair(AF_UNIX, SOCK_SEQPACKET), fed arbitrary packets by a peer.
//
// Input: packets as fuzz::split_packets() reads them (u16 length, bytes).
// The same sequence is what a hostile client sends to a server
// (framing::Nipc::server_handshake) and what a hostile server answers a
// client (framing::Nipc::client_handshake) after the client's HELLO; the peer
// then shuts its sending side, so a short sequence ends in EOF.
//
// Invariants (handshake_model.h says what each first packet must give): the
// returned error category or session parameters, and what went back over
// the socket: nothing when the server closes without an answer, exactly one
// HELLO_ACK with the model's status (OK with the model's fields, or a zeroed
// rejection) when it answers, and exactly the client's own HELLO on the
// client side. No crash, no leak (the sockets close with each input).
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <vector>

#include "framing/nipc.h"
#include "netipc/posix/unique_fd.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/handshake_model.h"
#include "transports/posix/uds_seqpacket.h"

using namespace netipc;
namespace model = netipc::fuzz::handshake_model;

namespace {

constexpr std::uint32_t configured_packet_size = 4096;
constexpr std::uint64_t session_id = 7;

Deadline soon() {
    return Deadline::after(std::chrono::seconds(5));
}

struct SocketPair {
    transports::UdsSeqpacket::Connection victim;
    posix::UniqueFd peer;
};

SocketPair make_pair() {
    std::array<int, 2> fds{};
    NETIPC_FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds.data()) == 0);
    return {transports::UdsSeqpacket::adopt(posix::UniqueFd(fds[0])), posix::UniqueFd(fds[1])};
}

// Sends what fits of `packets` from the peer, then shuts its sending side.
// Returns the packets the victim will see. Empty packets are left out: on
// SEQPACKET they read as the end of the stream.
std::vector<wire::Bytes> send_all(int peer, const std::vector<wire::Bytes>& packets) {
    std::vector<wire::Bytes> sent;
    for (const wire::Bytes packet : packets) {
        if (packet.empty()) {
            continue;
        }
        if (::send(peer, packet.data(), packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL)
            != static_cast<ssize_t>(packet.size())) {
            break; // the socket buffer is full: the rest is never sent
        }
        sent.push_back(packet);
    }
    NETIPC_FUZZ_CHECK(::shutdown(peer, SHUT_WR) == 0);
    return sent;
}

// Every packet the victim sent, without waiting (it is done by now).
std::vector<std::vector<std::byte>> drain(int peer) {
    std::vector<std::vector<std::byte>> packets;
    for (;;) {
        std::vector<std::byte> packet(256);
        const ssize_t got = ::recv(peer, packet.data(), packet.size(), MSG_DONTWAIT | MSG_TRUNC);
        if (got <= 0) {
            return packets;
        }
        packet.resize(static_cast<std::size_t>(got));
        packets.push_back(std::move(packet));
    }
}

std::optional<wire::Bytes> first_of(const std::vector<wire::Bytes>& packets) {
    return packets.empty() ? std::nullopt : std::optional<wire::Bytes>(packets.front());
}

void check_ack_fields(wire::Bytes answer, const model::Ack& ack) {
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint16_t>(answer, 32) == 1); // layout_version
    NETIPC_FUZZ_CHECK(fuzz::all_zero(answer, 34, 2) && fuzz::all_zero(answer, 68, 4));
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(answer, 36) == ack.server_supported);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(answer, 40) == ack.intersection);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(answer, 44) == ack.selected);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(answer, 48) == ack.request_payload);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(answer, 52) == ack.request_items);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(answer, 56) == ack.response_payload);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(answer, 60) == ack.response_items);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(answer, 64) == ack.packet_size);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint64_t>(answer, 72) == ack.session_id);
}

void check_parameters(const SessionParameters& parameters, const model::Ack& ack) {
    NETIPC_FUZZ_CHECK(parameters.selected_profile == ack.selected);
    NETIPC_FUZZ_CHECK(parameters.requests.max_payload_bytes == ack.request_payload);
    NETIPC_FUZZ_CHECK(parameters.requests.max_batch_items == ack.request_items);
    NETIPC_FUZZ_CHECK(parameters.responses.max_payload_bytes == ack.response_payload);
    NETIPC_FUZZ_CHECK(parameters.responses.max_batch_items == ack.response_items);
    NETIPC_FUZZ_CHECK(parameters.packet_size == ack.packet_size);
    NETIPC_FUZZ_CHECK(parameters.session_id == ack.session_id);
}

// The handshake's result is the model's: its error, or its parameters.
void check_outcome(const Result<SessionParameters>& result, std::optional<Errc> error,
                   const model::Ack& ack) {
    if (error) {
        NETIPC_FUZZ_CHECK(!result.has_value());
        NETIPC_FUZZ_CHECK(result.error().code == *error);
    } else {
        NETIPC_FUZZ_CHECK(result.has_value());
        check_parameters(*result, ack);
    }
}

void server_role(const std::vector<wire::Bytes>& packets) {
    ServerHandshakeConfig config;
    config.auth_token = 0xDEADBEEFCAFEBABEULL;
    config.supported_profiles = wire::profile::baseline;
    config.preferred_profiles = wire::profile::baseline;
    config.max_request_payload_bytes = 1U << 16U;
    config.max_response_payload_bytes = 65536;
    config.packet_size = configured_packet_size;

    auto [victim, peer] = make_pair();
    const auto sent = send_all(peer.get(), packets);
    auto result = framing::Nipc::server_handshake(victim, config, session_id, soon());
    const model::ServerSide server{config.supported_profiles,
                                   config.preferred_profiles,
                                   config.max_request_payload_bytes,
                                   config.max_response_payload_bytes,
                                   config.auth_token,
                                   configured_packet_size,
                                   session_id};
    const model::ServerVerdict verdict = model::judge_hello(first_of(sent), server);
    check_outcome(result, verdict.error, verdict.ack);
    const auto answers = drain(peer.get());
    if (!verdict.answered) {
        NETIPC_FUZZ_CHECK(answers.empty());
        return;
    }
    NETIPC_FUZZ_CHECK(answers.size() == 1);
    const wire::Bytes answer(answers.front());
    NETIPC_FUZZ_CHECK(answer.size() == model::hello_ack_packet);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(answer, 0) == model::message_magic);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint16_t>(answer, 8) == 3);  // CONTROL
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint16_t>(answer, 12) == 2); // HELLO_ACK
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint16_t>(answer, 14) == *verdict.answered);
    NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint32_t>(answer, 16) == 48);
    if (*verdict.answered == model::status::ok) {
        check_ack_fields(answer, verdict.ack);
    } else {
        // A rejection carries a zeroed HELLO_ACK but for its layout version.
        NETIPC_FUZZ_CHECK(fuzz::read_at<std::uint16_t>(answer, 32) == 1);
        NETIPC_FUZZ_CHECK(fuzz::all_zero(answer, 34, model::hello_ack_packet - 34));
    }
}

void client_role(const std::vector<wire::Bytes>& packets) {
    ClientHandshakeConfig config;
    config.supported_profiles = wire::profile::baseline;
    config.preferred_profiles = wire::profile::baseline;
    config.max_request_payload_bytes = 4096;
    config.max_request_batch_items = 16;
    config.max_response_payload_bytes = 65536;
    config.auth_token = 0xDEADBEEFCAFEBABEULL;
    config.packet_size = configured_packet_size;

    auto [victim, peer] = make_pair();
    const auto sent = send_all(peer.get(), packets);
    auto result = framing::Nipc::client_handshake(victim, config, soon());
    const model::Proposal proposal{config.supported_profiles, config.max_request_payload_bytes,
                                   config.max_request_batch_items, configured_packet_size};
    const model::ClientVerdict verdict = model::judge_hello_ack(first_of(sent), proposal);
    check_outcome(result, verdict.error, verdict.ack);
    // The client said exactly one thing: its HELLO.
    const auto hellos = drain(peer.get());
    NETIPC_FUZZ_CHECK(hellos.size() == 1);
    const auto expected =
        framing::encode_hello_packet(framing::make_hello(config, configured_packet_size));
    NETIPC_FUZZ_CHECK(hellos.front().size() == expected.size());
    NETIPC_FUZZ_CHECK(std::equal(expected.begin(), expected.end(), hellos.front().begin()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<wire::Bytes> packets = fuzz::split_packets(fuzz::input_bytes(data, size));
    server_role(packets);
    client_role(packets);
    return 0;
}
