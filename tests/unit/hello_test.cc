// Handshake payloads: HELLO (44 bytes) and HELLO_ACK (48 bytes), their
// shape validation, and the mapping from decode errors to HELLO_ACK status.
#include "netipc/wire/hello.h"

#include <cstdint>

#include <catch2/catch.hpp>

#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using namespace netipc::wire;
using netipc::test::Buffer;

Hello sample_hello() {
    Hello hello{};
    hello.supported_profiles = profile::baseline | profile::shm_hybrid;
    hello.preferred_profiles = profile::shm_hybrid;
    hello.max_request_payload_bytes = 4096;
    hello.max_request_batch_items = 100;
    hello.max_response_payload_bytes = 1U << 20;
    hello.max_response_batch_items = 100;
    hello.auth_token = 0x0102030405060708ULL;
    hello.packet_size = 65536;
    return hello;
}

HelloAck sample_ack() {
    HelloAck ack{};
    ack.server_supported_profiles = profile::baseline | profile::shm_hybrid | profile::shm_futex;
    ack.intersection_profiles = profile::baseline | profile::shm_hybrid;
    ack.selected_profile = profile::shm_hybrid;
    ack.agreed_max_request_payload_bytes = 2048;
    ack.agreed_max_request_batch_items = 10;
    ack.agreed_max_response_payload_bytes = 65536;
    ack.agreed_max_response_batch_items = 10;
    ack.agreed_packet_size = 16384;
    ack.session_id = 0xFFFFFFFF00000001ULL;
    return ack;
}

template <class T>
Buffer encoded(const T& value) {
    Buffer out(wire_size<T>);
    REQUIRE_OK(encode(value, out));
    return out;
}

} // namespace

TEST_CASE("HELLO round trip", "[wire]") {
    const Buffer bytes = encoded(sample_hello());
    REQUIRE(bytes.size() == hello_size);
    REQUIRE(test::peek<std::uint16_t>(bytes, 0) == 1);
    auto decoded = decode_hello(bytes);
    REQUIRE_OK(decoded);
    REQUIRE(decoded->supported_profiles == 0x03);
    REQUIRE(decoded->preferred_profiles == 0x02);
    REQUIRE(decoded->max_request_payload_bytes == 4096);
    REQUIRE(decoded->max_request_batch_items == 100);
    REQUIRE(decoded->max_response_payload_bytes == (1U << 20));
    REQUIRE(decoded->max_response_batch_items == 100);
    REQUIRE(decoded->auth_token == 0x0102030405060708ULL);
    REQUIRE(decoded->packet_size == 65536);
}

TEST_CASE("HELLO_ACK round trip", "[wire]") {
    const Buffer bytes = encoded(sample_ack());
    REQUIRE(bytes.size() == hello_ack_size);
    auto decoded = decode_hello_ack(bytes);
    REQUIRE_OK(decoded);
    REQUIRE(decoded->server_supported_profiles == 0x07);
    REQUIRE(decoded->intersection_profiles == 0x03);
    REQUIRE(decoded->selected_profile == 0x02);
    REQUIRE(decoded->agreed_max_request_payload_bytes == 2048);
    REQUIRE(decoded->agreed_max_request_batch_items == 10);
    REQUIRE(decoded->agreed_max_response_payload_bytes == 65536);
    REQUIRE(decoded->agreed_max_response_batch_items == 10);
    REQUIRE(decoded->agreed_packet_size == 16384);
    REQUIRE(decoded->session_id == 0xFFFFFFFF00000001ULL);
}

TEST_CASE("HELLO and HELLO_ACK encode need their exact sizes", "[wire]") {
    Buffer hello_short(hello_size - 1);
    REQUIRE_ERRC(encode(sample_hello(), hello_short), Errc::overflow);
    Buffer ack_short(hello_ack_size - 1);
    REQUIRE_ERRC(encode(sample_ack(), ack_short), Errc::overflow);
}

TEST_CASE("HELLO rejects an unknown layout_version as incompatible", "[wire]") {
    Buffer bytes = encoded(sample_hello());
    test::patch<std::uint16_t>(bytes, 0, 2);
    auto decoded = decode_hello(bytes);
    REQUIRE_ERRC(decoded, Errc::bad_layout);
    REQUIRE(handshake_status_for(decoded.error().code) == TransportStatus::incompatible);
}

TEST_CASE("HELLO rejects non-zero flags as a bad envelope", "[wire]") {
    Buffer bytes = encoded(sample_hello());
    test::patch<std::uint16_t>(bytes, 2, 1);
    auto decoded = decode_hello(bytes);
    REQUIRE_ERRC(decoded, Errc::reserved_not_zero);
    REQUIRE(handshake_status_for(decoded.error().code) == TransportStatus::bad_envelope);
}

TEST_CASE("HELLO rejects non-zero padding as a bad envelope", "[wire]") {
    Buffer bytes = encoded(sample_hello());
    test::patch<std::uint32_t>(bytes, 28, 0x80000000U);
    auto decoded = decode_hello(bytes);
    REQUIRE_ERRC(decoded, Errc::reserved_not_zero);
    REQUIRE(handshake_status_for(decoded.error().code) == TransportStatus::bad_envelope);
}

TEST_CASE("HELLO rejects a truncated payload as a bad envelope", "[wire]") {
    const Buffer bytes = encoded(sample_hello());
    auto decoded = decode_hello(test::first_bytes(bytes, hello_size - 1));
    REQUIRE_ERRC(decoded, Errc::truncated);
    REQUIRE(handshake_status_for(decoded.error().code) == TransportStatus::bad_envelope);
}

TEST_CASE("HELLO_ACK rejects an unknown layout_version", "[wire]") {
    Buffer bytes = encoded(sample_ack());
    test::patch<std::uint16_t>(bytes, 0, 0);
    REQUIRE_ERRC(decode_hello_ack(bytes), Errc::bad_layout);
}

TEST_CASE("HELLO_ACK rejects non-zero flags", "[wire]") {
    Buffer bytes = encoded(sample_ack());
    test::patch<std::uint16_t>(bytes, 2, 0x8000);
    REQUIRE_ERRC(decode_hello_ack(bytes), Errc::reserved_not_zero);
}

TEST_CASE("HELLO_ACK rejects non-zero padding", "[wire]") {
    Buffer bytes = encoded(sample_ack());
    test::patch<std::uint32_t>(bytes, 36, 1);
    REQUIRE_ERRC(decode_hello_ack(bytes), Errc::reserved_not_zero);
}

TEST_CASE("HELLO_ACK rejects a truncated payload", "[wire]") {
    const Buffer bytes = encoded(sample_ack());
    REQUIRE_ERRC(decode_hello_ack(test::first_bytes(bytes, hello_ack_size - 1)), Errc::truncated);
    // A HELLO is 4 bytes shorter than a HELLO_ACK: it must not pass for one.
    REQUIRE_ERRC(decode_hello_ack(test::first_bytes(bytes, hello_size)), Errc::truncated);
}

TEST_CASE("handshake_status_for maps every other error to BAD_ENVELOPE", "[wire]") {
    STATIC_REQUIRE(handshake_status_for(Errc::bad_layout) == TransportStatus::incompatible);
    STATIC_REQUIRE(handshake_status_for(Errc::truncated) == TransportStatus::bad_envelope);
    STATIC_REQUIRE(handshake_status_for(Errc::reserved_not_zero) == TransportStatus::bad_envelope);
    STATIC_REQUIRE(handshake_status_for(Errc::bad_magic) == TransportStatus::bad_envelope);
}
