// Handshake compliance: every negotiated HELLO/HELLO_ACK field and every
// rejection on its own, plus the captured reference session byte for byte.
#include "framing/handshake.h"

#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/transcripts.h"

using namespace netipc;
using wire::TransportStatus;

namespace {

constexpr std::uint64_t token = 0xDEADBEEFCAFEBABEULL;
constexpr std::uint32_t reference_packet_size = 212992;

ClientHandshakeConfig transcript_client() {
    ClientHandshakeConfig config;
    config.auth_token = token;
    config.supported_profiles = wire::profile::baseline;
    config.preferred_profiles = wire::profile::baseline;
    config.max_request_payload_bytes = 1024;
    config.max_request_batch_items = 16;
    config.max_response_payload_bytes = 65536;
    config.max_response_batch_items = 16;
    return config;
}

ServerHandshakeConfig transcript_server() {
    ServerHandshakeConfig config;
    config.auth_token = token;
    config.supported_profiles = wire::profile::baseline;
    config.max_response_payload_bytes = 65536;
    return config;
}

std::vector<std::byte> to_vector(wire::Bytes bytes) {
    return {bytes.begin(), bytes.end()};
}

wire::Hello baseline_hello() {
    return framing::make_hello(transcript_client(), reference_packet_size);
}

framing::HandshakeDecision decide(const wire::Hello& hello, const ServerHandshakeConfig& server,
                                  std::uint32_t server_packet = reference_packet_size) {
    return framing::decide(hello, server, server_packet, 1);
}

framing::HelloPacket patched_hello_packet(std::size_t offset, std::byte value) {
    auto packet = framing::encode_hello_packet(baseline_hello());
    packet.at(offset) = value;
    return packet;
}

TransportStatus answer_status(wire::Bytes packet) {
    auto answer =
        framing::answer_hello_packet(packet, transcript_server(), reference_packet_size, 1);
    REQUIRE(answer.has_value());
    return answer->status;
}

} // namespace

TEST_CASE("the baseline handshake reproduces the captured reference session",
          "[framing][handshake][interop]") {
    const auto dumps = testing::transcript_dumps();
    REQUIRE(dumps.size() >= 2);
    REQUIRE(dumps[0].size() == framing::hello_packet_size);
    REQUIRE(dumps[1].size() == framing::hello_ack_packet_size);

    const wire::Hello hello = baseline_hello();
    REQUIRE(to_vector(framing::encode_hello_packet(hello)) == dumps[0]);

    auto decision =
        framing::answer_hello_packet(dumps[0], transcript_server(), reference_packet_size, 1);
    REQUIRE(decision.has_value());
    REQUIRE(decision->accepted());
    REQUIRE(to_vector(framing::encode_hello_ack_packet(*decision)) == dumps[1]);

    auto parameters = framing::read_hello_ack_packet(dumps[1], hello);
    REQUIRE(parameters.has_value());
    CHECK(parameters->selected_profile == wire::profile::baseline);
    CHECK(parameters->requests.max_payload_bytes == 1024);
    CHECK(parameters->requests.max_batch_items == 16);
    CHECK(parameters->responses.max_payload_bytes == 65536);
    CHECK(parameters->responses.max_batch_items == 16);
    CHECK(parameters->packet_size == reference_packet_size);
    CHECK(parameters->session_id == 1);
    CHECK(*parameters == decision->parameters);
}

TEST_CASE("profile selection prefers the highest bit both sides prefer", "[framing][handshake]") {
    wire::Hello hello = baseline_hello();
    ServerHandshakeConfig server = transcript_server();
    server.supported_profiles = wire::profile::baseline | wire::profile::shm_hybrid;

    SECTION("client and server prefer SHM: SHM is selected (transcript 3)") {
        hello.supported_profiles = 0x03;
        hello.preferred_profiles = 0x03;
        server.preferred_profiles = 0x03;
        const auto decision = decide(hello, server);
        REQUIRE(decision.accepted());
        CHECK(decision.ack.intersection_profiles == 0x03);
        CHECK(decision.ack.selected_profile == wire::profile::shm_hybrid);
        CHECK(decision.ack.server_supported_profiles == 0x03);
    }
    SECTION("only the client prefers SHM: fall back to the highest common bit") {
        hello.supported_profiles = 0x03;
        hello.preferred_profiles = 0x02;
        server.preferred_profiles = 0x01;
        CHECK(decide(hello, server).ack.selected_profile == wire::profile::shm_hybrid);
    }
    SECTION("both prefer the baseline although SHM is common") {
        hello.supported_profiles = 0x03;
        hello.preferred_profiles = 0x01;
        server.preferred_profiles = 0x01;
        CHECK(decide(hello, server).ack.selected_profile == wire::profile::baseline);
    }
    SECTION("a server that cannot offer SHM for this session narrows its mask") {
        hello.supported_profiles = 0x03;
        hello.preferred_profiles = 0x03;
        server.supported_profiles = wire::profile::baseline;
        server.preferred_profiles = 0x03;
        const auto decision = decide(hello, server);
        CHECK(decision.ack.intersection_profiles == 0x01);
        CHECK(decision.ack.selected_profile == wire::profile::baseline);
    }
}

TEST_CASE("each negotiated limit follows its own rule", "[framing][handshake]") {
    wire::Hello hello = baseline_hello();
    ServerHandshakeConfig server = transcript_server();

    SECTION("request payload ceiling is echoed when within the server maximum") {
        hello.max_request_payload_bytes = 52096;
        server.max_request_payload_bytes = 52096;
        CHECK(decide(hello, server).ack.agreed_max_request_payload_bytes == 52096);
    }
    SECTION("request batch items are echoed and response batch items mirror them") {
        hello.max_request_batch_items = 1000;
        hello.max_response_batch_items = 3;
        const auto decision = decide(hello, server);
        CHECK(decision.ack.agreed_max_request_batch_items == 1000);
        CHECK(decision.ack.agreed_max_response_batch_items == 1000);
    }
    SECTION("the response payload ceiling is the server's, whatever the hint") {
        hello.max_response_payload_bytes = 1;
        server.max_response_payload_bytes = 4096;
        CHECK(decide(hello, server).ack.agreed_max_response_payload_bytes == 4096);
        hello.max_response_payload_bytes = 1U << 30U;
        CHECK(decide(hello, server).ack.agreed_max_response_payload_bytes == 4096);
    }
    SECTION("packet size is the smaller of the two, from either side") {
        hello.packet_size = 4096;
        CHECK(decide(hello, server, 8192).ack.agreed_packet_size == 4096);
        hello.packet_size = 65536;
        CHECK(decide(hello, server, 8192).ack.agreed_packet_size == 8192);
        CHECK(decide(hello, server, 33).ack.agreed_packet_size == 33);
    }
    SECTION("session_id is the one the server allocated") {
        CHECK(framing::decide(hello, server, reference_packet_size, 77).ack.session_id == 77);
    }
}

TEST_CASE("each handshake rejection stands on its own", "[framing][handshake]") {
    const wire::Hello good = baseline_hello();
    const ServerHandshakeConfig server = transcript_server();
    REQUIRE(decide(good, server).accepted());

    SECTION("no common profile: UNSUPPORTED") {
        wire::Hello hello = good;
        hello.supported_profiles = wire::profile::shm_hybrid;
        CHECK(decide(hello, server).status == TransportStatus::unsupported);
    }
    SECTION("wrong auth token: AUTH_FAILED") {
        wire::Hello hello = good;
        hello.auth_token = token + 1;
        CHECK(decide(hello, server).status == TransportStatus::auth_failed);
    }
    SECTION("request ceiling above the server maximum: LIMIT_EXCEEDED") {
        wire::Hello hello = good;
        ServerHandshakeConfig small = server;
        small.max_request_payload_bytes = 1023;
        CHECK(decide(hello, small).status == TransportStatus::limit_exceeded);
        small.max_request_payload_bytes = 1024; // equal is fine
        CHECK(decide(hello, small).accepted());
    }
    SECTION("agreed packet size of 32 or less: INCOMPATIBLE") {
        wire::Hello hello = good;
        hello.packet_size = 32;
        CHECK(decide(hello, server).status == TransportStatus::incompatible);
        CHECK(decide(good, server, 32).status == TransportStatus::incompatible);
    }
    SECTION("unknown HELLO layout_version: INCOMPATIBLE") {
        const auto packet = patched_hello_packet(wire::message_header_size + 0, std::byte{2});
        CHECK(answer_status(packet) == TransportStatus::incompatible);
    }
    SECTION("non-zero HELLO flags: BAD_ENVELOPE") {
        const auto packet = patched_hello_packet(wire::message_header_size + 2, std::byte{1});
        CHECK(answer_status(packet) == TransportStatus::bad_envelope);
    }
    SECTION("non-zero HELLO padding: BAD_ENVELOPE") {
        const auto packet = patched_hello_packet(wire::message_header_size + 28, std::byte{1});
        CHECK(answer_status(packet) == TransportStatus::bad_envelope);
    }
    SECTION("a HELLO in another envelope version: INCOMPATIBLE") {
        const auto packet = patched_hello_packet(4, std::byte{2});
        CHECK(answer_status(packet) == TransportStatus::incompatible);
    }
}

TEST_CASE("packets that cannot be answered close the session silently", "[framing][handshake]") {
    const auto server = transcript_server();
    const auto answer = [&](wire::Bytes packet) {
        return framing::answer_hello_packet(packet, server, reference_packet_size, 1);
    };
    auto packet = framing::encode_hello_packet(baseline_hello());

    CHECK(answer(wire::Bytes(packet).first(20)).error().code == Errc::truncated);
    CHECK(answer(wire::Bytes(packet).first(60)).error().code == Errc::truncated);

    auto bad_magic = packet;
    bad_magic[0] = std::byte{0};
    CHECK(answer(bad_magic).error().code == Errc::bad_magic);

    auto request = packet;
    request[8] = std::byte{1}; // kind REQUEST
    CHECK(answer(request).error().code == Errc::protocol_violation);

    auto hello_ack_code = packet;
    hello_ack_code[12] = std::byte{2};
    CHECK(answer(hello_ack_code).error().code == Errc::protocol_violation);
}

TEST_CASE("a rejection HELLO_ACK carries only the status", "[framing][handshake]") {
    framing::HandshakeDecision rejection;
    rejection.status = TransportStatus::auth_failed;
    const auto packet = framing::encode_hello_ack_packet(rejection);

    auto header = wire::decode_message_header(packet);
    REQUIRE(header.has_value());
    CHECK(header->kind == wire::MessageKind::control);
    CHECK(header->code == static_cast<std::uint16_t>(wire::ControlCode::hello_ack));
    CHECK(header->transport_status == TransportStatus::auth_failed);
    CHECK(header->payload_len == wire::hello_ack_size);
    auto ack = wire::decode_hello_ack(wire::Bytes(packet).subspan(wire::message_header_size));
    REQUIRE(ack.has_value()); // layout_version 1, everything else zero
    CHECK(ack->selected_profile == 0);
    CHECK(ack->session_id == 0);
}

TEST_CASE("a client maps every rejection status to its own error", "[framing][handshake]") {
    const wire::Hello hello = baseline_hello();
    const auto status_error = [&](TransportStatus status) {
        framing::HandshakeDecision rejection;
        rejection.status = status;
        return framing::read_hello_ack_packet(framing::encode_hello_ack_packet(rejection), hello)
            .error()
            .code;
    };
    CHECK(status_error(TransportStatus::auth_failed) == Errc::auth_failed);
    CHECK(status_error(TransportStatus::unsupported) == Errc::unsupported);
    CHECK(status_error(TransportStatus::incompatible) == Errc::incompatible);
    CHECK(status_error(TransportStatus::limit_exceeded) == Errc::limit_exceeded);
    CHECK(status_error(TransportStatus::bad_envelope) == Errc::protocol_violation);
    CHECK(status_error(TransportStatus::internal_error) == Errc::internal);
}

TEST_CASE("a client refuses an incoherent HELLO_ACK", "[framing][handshake]") {
    const wire::Hello hello = baseline_hello();
    const auto accepted = decide(hello, transcript_server());
    const auto read_with = [&](auto patch) {
        framing::HandshakeDecision decision = accepted;
        patch(decision.ack);
        return framing::read_hello_ack_packet(framing::encode_hello_ack_packet(decision), hello);
    };
    REQUIRE(read_with([](wire::HelloAck&) {}).has_value());

    CHECK(read_with([](wire::HelloAck& ack) { ack.selected_profile = 0; }).error().code
          == Errc::incompatible);
    CHECK(read_with([](wire::HelloAck& ack) { ack.selected_profile = 0x03; }).error().code
          == Errc::incompatible);
    CHECK(read_with([](wire::HelloAck& ack) { ack.selected_profile = wire::profile::shm_hybrid; })
              .error()
              .code
          == Errc::incompatible);
    CHECK(read_with([](wire::HelloAck& ack) { ack.agreed_packet_size = 32; }).error().code
          == Errc::incompatible);
    CHECK(read_with([](wire::HelloAck& ack) { ack.agreed_packet_size = reference_packet_size + 1; })
              .error()
              .code
          == Errc::incompatible);
    CHECK(
        read_with([](wire::HelloAck& ack) { ack.agreed_max_response_batch_items = 2; }).error().code
        == Errc::incompatible);

    auto not_an_ack = framing::encode_hello_packet(hello);
    CHECK(framing::read_hello_ack_packet(not_an_ack, hello).error().code
          == Errc::protocol_violation);
}

TEST_CASE("highest_bit picks the top profile bit", "[framing][handshake]") {
    STATIC_REQUIRE(framing::highest_bit(0) == 0);
    STATIC_REQUIRE(framing::highest_bit(0x01) == 0x01);
    STATIC_REQUIRE(framing::highest_bit(0x03) == 0x02);
    STATIC_REQUIRE(framing::highest_bit(0x0d) == 0x08);
}

TEST_CASE("a longer HELLO is read like the reference server reads it", "[framing][handshake]") {
    // payload_len is not held against the packet, and trailing bytes (a
    // future, longer HELLO) are ignored.
    auto packet = framing::encode_hello_packet(baseline_hello());
    std::vector<std::byte> longer(packet.begin(), packet.end());
    longer.resize(longer.size() + 8, std::byte{0x77});
    longer[16] = std::byte{52}; // payload_len 52
    auto answer =
        framing::answer_hello_packet(longer, transcript_server(), reference_packet_size, 1);
    REQUIRE(answer.has_value());
    CHECK(answer->accepted());
}

TEST_CASE("the first failing rule decides when several HELLO fields are wrong",
          "[framing][handshake]") {
    // The reference server checks profiles, then auth, then the request
    // ceiling, then the packet size.
    wire::Hello hello = baseline_hello();
    hello.auth_token = token + 1;
    hello.supported_profiles = wire::profile::shm_hybrid;
    CHECK(decide(hello, transcript_server()).status == TransportStatus::unsupported);

    hello = baseline_hello();
    hello.auth_token = token + 1;
    hello.max_request_payload_bytes = 1U << 30U;
    CHECK(decide(hello, transcript_server()).status == TransportStatus::auth_failed);

    hello = baseline_hello();
    hello.max_request_payload_bytes = 1U << 30U;
    hello.packet_size = 16;
    CHECK(decide(hello, transcript_server()).status == TransportStatus::limit_exceeded);
}

TEST_CASE("a client treats another envelope version or ack layout as incompatible",
          "[framing][handshake]") {
    const wire::Hello hello = baseline_hello();
    const auto accepted = decide(hello, transcript_server());
    auto packet = framing::encode_hello_ack_packet(accepted);
    auto other_version = packet;
    other_version[4] = std::byte{2};
    CHECK(framing::read_hello_ack_packet(other_version, hello).error().code == Errc::incompatible);
    auto other_layout = packet;
    other_layout[wire::message_header_size] = std::byte{2};
    CHECK(framing::read_hello_ack_packet(other_layout, hello).error().code == Errc::incompatible);
}

TEST_CASE("a client refuses request limits raised above its proposal", "[framing][handshake]") {
    const wire::Hello hello = baseline_hello();
    auto decision = decide(hello, transcript_server());
    decision.ack.agreed_max_request_payload_bytes = hello.max_request_payload_bytes + 1;
    CHECK(framing::read_hello_ack_packet(framing::encode_hello_ack_packet(decision), hello)
              .error()
              .code
          == Errc::incompatible);
    decision = decide(hello, transcript_server());
    decision.ack.agreed_max_request_batch_items = hello.max_request_batch_items + 1;
    decision.ack.agreed_max_response_batch_items = hello.max_request_batch_items + 1;
    CHECK(framing::read_hello_ack_packet(framing::encode_hello_ack_packet(decision), hello)
              .error()
              .code
          == Errc::incompatible);
}
