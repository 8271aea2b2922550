#include "framing/handshake.h"

#include <algorithm>

namespace netipc::framing {

namespace {

using wire::TransportStatus;

// A header that is a HELLO in every respect but its envelope version: the
// reference server answers it INCOMPATIBLE instead of just closing, so a
// future-version client learns why.
bool is_hello_of_other_version(wire::Bytes packet) noexcept {
    if (packet.size() < wire::message_header_size) {
        return false;
    }
    const std::byte* p = packet.data();
    return wire::load<std::uint32_t>(p + 0) == wire::message_magic
           && wire::load<std::uint16_t>(p + 4) != wire::envelope_version
           && wire::load<std::uint16_t>(p + 6) == wire::message_header_size
           && wire::load<std::uint16_t>(p + 8)
                  == static_cast<std::uint16_t>(wire::MessageKind::control)
           && wire::load<std::uint16_t>(p + 12)
                  == static_cast<std::uint16_t>(wire::ControlCode::hello);
}

HandshakeDecision reject(TransportStatus status) noexcept {
    HandshakeDecision decision;
    decision.status = status;
    return decision;
}

} // namespace

Errc errc_for_rejection(TransportStatus status) noexcept {
    switch (status) {
        case TransportStatus::auth_failed:
            return Errc::auth_failed;
        case TransportStatus::unsupported:
            return Errc::unsupported;
        case TransportStatus::incompatible:
            return Errc::incompatible;
        case TransportStatus::limit_exceeded:
            return Errc::limit_exceeded;
        case TransportStatus::bad_envelope:
            return Errc::protocol_violation;
        case TransportStatus::ok:
        case TransportStatus::internal_error:
            break;
    }
    return Errc::internal;
}

wire::Hello make_hello(const ClientHandshakeConfig& config, std::uint32_t packet_size) noexcept {
    wire::Hello hello{};
    hello.supported_profiles = config.supported_profiles;
    hello.preferred_profiles = config.preferred_profiles;
    hello.max_request_payload_bytes = config.max_request_payload_bytes;
    hello.max_request_batch_items = config.max_request_batch_items;
    hello.max_response_payload_bytes = config.max_response_payload_bytes;
    hello.max_response_batch_items = config.max_response_batch_items;
    hello.auth_token = config.auth_token;
    hello.packet_size = packet_size;
    return hello;
}

HelloPacket encode_hello_packet(const wire::Hello& hello) noexcept {
    HelloPacket packet{};
    wire::encode_unchecked(wire::make_control_header(wire::ControlCode::hello, wire::hello_size),
                           packet.data());
    wire::encode_unchecked(hello, packet.data() + wire::message_header_size);
    return packet;
}

HandshakeDecision decide(const wire::Hello& hello, const ServerHandshakeConfig& config,
                         std::uint32_t server_packet_size, std::uint64_t session_id) noexcept {
    if (config.refuse_peer) {
        return reject(TransportStatus::auth_failed);
    }
    const std::uint32_t intersection = hello.supported_profiles & config.supported_profiles;
    if (intersection == 0) {
        return reject(TransportStatus::unsupported);
    }
    if (hello.auth_token != config.auth_token) {
        return reject(TransportStatus::auth_failed);
    }
    if (hello.max_request_payload_bytes > config.max_request_payload_bytes) {
        return reject(TransportStatus::limit_exceeded);
    }
    const std::uint32_t packet_size = std::min(hello.packet_size, server_packet_size);
    if (packet_size <= wire::message_header_size) {
        return reject(TransportStatus::incompatible);
    }
    const std::uint32_t preferred =
        intersection & hello.preferred_profiles & config.preferred_profiles;

    HandshakeDecision decision;
    decision.status = TransportStatus::ok;
    auto& ack = decision.ack;
    ack.server_supported_profiles = config.supported_profiles;
    ack.intersection_profiles = intersection;
    ack.selected_profile = highest_bit(preferred != 0 ? preferred : intersection);
    // Request ceilings are the client's proposal, echoed; the response
    // payload ceiling is the server's; batch limits are symmetric.
    ack.agreed_max_request_payload_bytes = hello.max_request_payload_bytes;
    ack.agreed_max_request_batch_items = hello.max_request_batch_items;
    ack.agreed_max_response_payload_bytes = config.max_response_payload_bytes;
    ack.agreed_max_response_batch_items = hello.max_request_batch_items;
    ack.agreed_packet_size = packet_size;
    ack.session_id = session_id;

    auto& parameters = decision.parameters;
    parameters.selected_profile = ack.selected_profile;
    parameters.requests = {ack.agreed_max_request_payload_bytes,
                           ack.agreed_max_request_batch_items};
    parameters.responses = {ack.agreed_max_response_payload_bytes,
                            ack.agreed_max_response_batch_items};
    parameters.packet_size = packet_size;
    parameters.session_id = session_id;
    return decision;
}

Result<HandshakeDecision> answer_hello_packet(wire::Bytes packet,
                                              const ServerHandshakeConfig& config,
                                              std::uint32_t server_packet_size,
                                              std::uint64_t session_id) noexcept {
    auto header = wire::decode_message_header(packet);
    if (!header) {
        if (header.error().code == Errc::bad_version && is_hello_of_other_version(packet)) {
            return reject(TransportStatus::incompatible);
        }
        return std::unexpected(header.error());
    }
    if (header->kind != wire::MessageKind::control
        || header->code != static_cast<std::uint16_t>(wire::ControlCode::hello)) {
        return fail(Errc::protocol_violation, "first message of a session is not a HELLO");
    }
    // Like the reference server, read the HELLO from the packet itself and
    // do not hold payload_len against it: a longer (future) HELLO still
    // carries the 44 bytes we understand.
    auto hello = wire::decode_hello(packet.subspan(wire::message_header_size));
    if (!hello) {
        if (hello.error().code == Errc::truncated) {
            return std::unexpected(hello.error());
        }
        return reject(wire::handshake_status_for(hello.error().code));
    }
    return decide(*hello, config, server_packet_size, session_id);
}

HelloAckPacket encode_hello_ack_packet(const HandshakeDecision& decision) noexcept {
    HelloAckPacket packet{};
    wire::encode_unchecked(wire::make_control_header(wire::ControlCode::hello_ack,
                                                     wire::hello_ack_size, decision.status),
                           packet.data());
    const wire::HelloAck rejection{};
    wire::encode_unchecked(decision.accepted() ? decision.ack : rejection,
                           packet.data() + wire::message_header_size);
    return packet;
}

Result<SessionParameters> read_hello_ack_packet(wire::Bytes packet,
                                                const wire::Hello& sent) noexcept {
    auto header = wire::decode_message_header(packet);
    if (!header) {
        // A server speaking another envelope version is incompatible, not
        // a peer sending garbage: the reference client reports it so.
        if (header.error().code == Errc::bad_version) {
            return fail(Errc::incompatible, "server answered in another envelope version");
        }
        return std::unexpected(header.error());
    }
    if (header->kind != wire::MessageKind::control
        || header->code != static_cast<std::uint16_t>(wire::ControlCode::hello_ack)) {
        return fail(Errc::protocol_violation, "server answered HELLO with something else");
    }
    if (header->transport_status != TransportStatus::ok) {
        return fail(errc_for_rejection(header->transport_status), "server rejected the handshake");
    }
    auto ack = wire::decode_hello_ack(packet.subspan(wire::message_header_size));
    if (!ack) {
        if (ack.error().code == Errc::bad_layout) {
            return fail(Errc::incompatible, "server answered with another HELLO_ACK layout");
        }
        return std::unexpected(ack.error());
    }
    // The server may lower what the client proposed for its requests, never
    // raise it: the client sized its request buffer from the proposal.
    if (ack->agreed_max_request_payload_bytes > sent.max_request_payload_bytes
        || ack->agreed_max_request_batch_items > sent.max_request_batch_items) {
        return fail(Errc::incompatible, "server agreed request limits above the proposal");
    }
    const std::uint32_t selected = ack->selected_profile;
    if (selected == 0 || !std::has_single_bit(selected)
        || (selected & sent.supported_profiles) == 0) {
        return fail(Errc::incompatible, "server selected a profile the client does not support");
    }
    if (ack->agreed_packet_size <= wire::message_header_size
        || ack->agreed_packet_size > sent.packet_size) {
        return fail(Errc::incompatible, "server agreed an unusable packet size");
    }
    if (ack->agreed_max_response_batch_items != ack->agreed_max_request_batch_items) {
        return fail(Errc::incompatible, "server agreed asymmetric batch limits");
    }
    SessionParameters parameters;
    parameters.selected_profile = selected;
    parameters.requests = {ack->agreed_max_request_payload_bytes,
                           ack->agreed_max_request_batch_items};
    parameters.responses = {ack->agreed_max_response_payload_bytes,
                            ack->agreed_max_response_batch_items};
    parameters.packet_size = ack->agreed_packet_size;
    parameters.session_id = ack->session_id;
    return parameters;
}

} // namespace netipc::framing
