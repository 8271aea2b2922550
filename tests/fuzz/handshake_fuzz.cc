// Fuzz target: the handshake as both peers see it. The input is read as the
// HELLO packet a server answers (answer_hello_packet) and as the HELLO_ACK
// packet a client reads (read_hello_ack_packet).
//
// Invariants: no crash; an accepted HELLO yields a decision that follows the
// negotiation matrix (one selected bit inside the intersection, packet size
// above 32 and at most both sides', symmetric batch limits, the server's
// response ceiling); an accepted HELLO_ACK yields parameters the client can
// live with (selected profile offered, packet size within the proposal,
// request limits not above the proposal).
#include <algorithm>
#include <bit>

#include "framing/handshake.h"
#include "tests/fuzz/fuzz_support.h"

using namespace netipc;

namespace {

constexpr std::uint32_t server_packet_size = 65536;

ServerHandshakeConfig server_config() {
    ServerHandshakeConfig config;
    config.auth_token = 0xDEADBEEFCAFEBABEULL;
    config.supported_profiles = wire::profile::baseline | wire::profile::shm_hybrid;
    config.preferred_profiles = wire::profile::shm_hybrid;
    config.max_request_payload_bytes = 1U << 20U;
    config.max_response_payload_bytes = 65536;
    return config;
}

void check_server_side(wire::Bytes in) {
    const auto config = server_config();
    auto decision = framing::answer_hello_packet(in, config, server_packet_size, 7);
    if (!decision || !decision->accepted()) {
        return;
    }
    const auto hello = wire::decode_hello(in.subspan(wire::message_header_size));
    NETIPC_FUZZ_CHECK(hello.has_value());
    const auto& ack = decision->ack;
    const std::uint32_t intersection = hello->supported_profiles & config.supported_profiles;
    NETIPC_FUZZ_CHECK(ack.intersection_profiles == intersection);
    NETIPC_FUZZ_CHECK(std::has_single_bit(ack.selected_profile));
    NETIPC_FUZZ_CHECK((ack.selected_profile & intersection) != 0);
    NETIPC_FUZZ_CHECK(hello->auth_token == config.auth_token);
    NETIPC_FUZZ_CHECK(ack.agreed_packet_size > wire::message_header_size);
    NETIPC_FUZZ_CHECK(ack.agreed_packet_size == std::min(hello->packet_size, server_packet_size));
    NETIPC_FUZZ_CHECK(ack.agreed_max_request_payload_bytes == hello->max_request_payload_bytes);
    NETIPC_FUZZ_CHECK(ack.agreed_max_request_payload_bytes <= config.max_request_payload_bytes);
    NETIPC_FUZZ_CHECK(ack.agreed_max_response_payload_bytes == config.max_response_payload_bytes);
    NETIPC_FUZZ_CHECK(ack.agreed_max_response_batch_items == ack.agreed_max_request_batch_items);
    NETIPC_FUZZ_CHECK(ack.session_id == 7);
    // The answer round-trips through the client's reader.
    const auto packet = framing::encode_hello_ack_packet(*decision);
    auto parameters = framing::read_hello_ack_packet(packet, *hello);
    NETIPC_FUZZ_CHECK(parameters.has_value());
    NETIPC_FUZZ_CHECK(*parameters == decision->parameters);
}

void check_client_side(wire::Bytes in) {
    ClientHandshakeConfig config;
    config.supported_profiles = wire::profile::baseline | wire::profile::shm_hybrid;
    config.max_request_payload_bytes = 4096;
    config.max_request_batch_items = 16;
    const wire::Hello sent = framing::make_hello(config, 8192);
    auto parameters = framing::read_hello_ack_packet(in, sent);
    if (!parameters) {
        return;
    }
    NETIPC_FUZZ_CHECK(std::has_single_bit(parameters->selected_profile));
    NETIPC_FUZZ_CHECK((parameters->selected_profile & sent.supported_profiles) != 0);
    NETIPC_FUZZ_CHECK(parameters->packet_size > wire::message_header_size);
    NETIPC_FUZZ_CHECK(parameters->packet_size <= sent.packet_size);
    NETIPC_FUZZ_CHECK(parameters->requests.max_payload_bytes <= sent.max_request_payload_bytes);
    NETIPC_FUZZ_CHECK(parameters->requests.max_batch_items <= sent.max_request_batch_items);
    NETIPC_FUZZ_CHECK(parameters->responses.max_batch_items
                      == parameters->requests.max_batch_items);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    check_server_side(in);
    check_client_side(in);
    return 0;
}
