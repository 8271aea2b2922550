// framing::Nipc: the Netdata NetIPC framing policy. It turns messages into
// packets and back (32-byte envelope, batches, chunking) and runs the
// HELLO / HELLO_ACK handshake over any PacketConnection.
//
// Stateless: every member is static, so a Session stores it for free.
#pragma once

#include <array>

#include "framing/handshake.h"
#include "framing/message_receiver.h"
#include "framing/send_message.h"
#include "netipc/concepts/transport.h"

namespace netipc::framing {

struct Nipc {
    using Receiver = MessageReceiver;
    using Received = ReceivedMessage;
    using ClientConfig = ClientHandshakeConfig;
    using ServerConfig = ServerHandshakeConfig;
    using Parameters = SessionParameters;

    // Client side: sends HELLO, reads HELLO_ACK, returns the agreed values.
    // A rejection comes back as its Errc (auth_failed, unsupported, ...).
    template <PacketConnection Connection>
    static Result<SessionParameters> client_handshake(Connection& connection,
                                                      const ClientHandshakeConfig& config,
                                                      Deadline deadline,
                                                      const AbortSignal* abort = nullptr) {
        const wire::Hello hello = make_hello(
            config, effective_packet_size(config.packet_size, connection.max_packet_size()));
        const auto packet = encode_hello_packet(hello);
        const std::array<wire::Bytes, 1> pieces{wire::Bytes(packet)};
        if (auto sent = connection.send_packet(pieces, deadline); !sent) {
            return std::unexpected(sent.error());
        }
        HelloAckPacket answer{};
        auto received = connection.receive_packet(answer, deadline, abort);
        if (!received) {
            return std::unexpected(received.error());
        }
        return read_hello_ack_packet(wire::Bytes(answer.data(), *received), hello);
    }

    // Server side: reads HELLO, decides, answers. On a rejection the
    // HELLO_ACK is sent and the matching Errc returned: the caller closes.
    template <PacketConnection Connection>
    static Result<SessionParameters> server_handshake(Connection& connection,
                                                      const ServerHandshakeConfig& config,
                                                      std::uint64_t session_id, Deadline deadline,
                                                      const AbortSignal* abort = nullptr) {
        // Room for one byte more than a HELLO, so an oversized first packet
        // is seen as such instead of being silently cut.
        std::array<std::byte, hello_packet_size + 1> request{};
        auto received = connection.receive_packet(request, deadline, abort);
        if (!received) {
            return std::unexpected(received.error());
        }
        auto decision = answer_hello_packet(
            wire::Bytes(request.data(), *received), config,
            effective_packet_size(config.packet_size, connection.max_packet_size()), session_id);
        if (!decision) {
            return std::unexpected(decision.error());
        }
        const auto answer = encode_hello_ack_packet(*decision);
        const std::array<wire::Bytes, 1> pieces{wire::Bytes(answer)};
        if (auto sent = connection.send_packet(pieces, deadline); !sent) {
            return std::unexpected(sent.error());
        }
        if (!decision->accepted()) {
            return fail(errc_for_rejection(decision->status), "handshake rejected by this server");
        }
        return decision->parameters;
    }

    template <PacketConnection Connection>
    static Result<void> send(Connection& connection, const wire::MessageHeader& header,
                             wire::Bytes payload, std::uint32_t packet_size, Deadline deadline) {
        return send_message(connection, header, payload, packet_size, deadline);
    }
};

} // namespace netipc::framing
