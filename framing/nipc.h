// framing::Nipc: the Netdata NetIPC framing policy. It turns messages into
// packets and back (32-byte envelope, batches, chunking) and runs the
// HELLO / HELLO_ACK handshake over any PacketConnection. When the connection
// has a negotiated data plane (concepts/data_plane.h), the handshake is also
// where the session moves onto it.
//
// Stateless: every member is static, so a Session stores it for free.
#pragma once

#include <array>

#include "framing/handshake.h"
#include "framing/message_receiver.h"
#include "framing/send_message.h"
#include "netipc/concepts/data_plane.h"
#include "netipc/concepts/transport.h"
#include "netipc/force_inline.h"
#include "netipc/negotiation.h"

namespace netipc::framing {

struct Nipc {
    using Receiver = MessageReceiver;
    using Received = ReceivedMessage;

    // Client side: sends HELLO, reads HELLO_ACK, returns the agreed values.
    // A rejection comes back as its Errc (auth_failed, unsupported, ...).
    // When the server selected a profile of the connection's data plane,
    // the connection attaches to it; failing that is Errc::shm_unavailable
    // and the session is over. A connection without a data plane never
    // offers one.
    template <PacketConnection Connection>
    static Result<SessionParameters> client_handshake(Connection& connection,
                                                      ClientHandshakeConfig config,
                                                      Deadline deadline,
                                                      const AbortSignal* abort = nullptr) {
        restrict_profiles(config, carried_profiles<Connection>);
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
        auto parameters = read_hello_ack_packet(wire::Bytes(answer.data(), *received), hello);
        if constexpr (NegotiatedDataPlane<Connection>) {
            if (parameters && selects_data_plane<Connection>(*parameters)) {
                auto attached =
                    connection.attach_data_plane(data_plane_terms(*parameters, config.auth_token));
                if (!attached) {
                    return std::unexpected(attached.error());
                }
            }
        }
        return parameters;
    }

    // Server side: reads HELLO, decides, answers. When a data-plane profile
    // is selected the connection prepares the session's data plane before
    // the answer goes out; if it cannot, the data plane is dropped from this
    // session's negotiation and the session runs on the connection itself.
    // On a rejection the HELLO_ACK is sent and the matching Errc returned:
    // the caller closes.
    template <PacketConnection Connection>
    static Result<SessionParameters> server_handshake(Connection& connection,
                                                      ServerHandshakeConfig config,
                                                      std::uint64_t session_id, Deadline deadline,
                                                      const AbortSignal* abort = nullptr) {
        restrict_profiles(config, carried_profiles<Connection>);
        // The reference server reads a HELLO into 128 bytes: a longer first
        // packet is a protocol violation (the transport reports truncation).
        std::array<std::byte, 128> request{};
        auto received = connection.receive_packet(request, deadline, abort);
        if (!received) {
            return std::unexpected(received.error());
        }
        const wire::Bytes hello_packet(request.data(), *received);
        const std::uint32_t packet_size =
            effective_packet_size(config.packet_size, connection.max_packet_size());
        auto decision = answer_hello_packet(hello_packet, config, packet_size, session_id);
        if (!decision) {
            return std::unexpected(decision.error());
        }
        if constexpr (NegotiatedDataPlane<Connection>) {
            const auto& agreed = decision->parameters;
            if (decision->accepted() && selects_data_plane<Connection>(agreed)
                && !connection.prepare_data_plane(data_plane_terms(agreed, config.auth_token))) {
                restrict_profiles(config, ~data_plane_profiles_of<Connection>);
                decision = answer_hello_packet(hello_packet, config, packet_size, session_id);
            }
        }
        const auto answer = encode_hello_ack_packet(*decision);
        const std::array<wire::Bytes, 1> pieces{wire::Bytes(answer)};
        if (auto sent = connection.send_packet(pieces, deadline); !sent) {
            return std::unexpected(sent.error());
        }
        if (!decision->accepted()) {
            return fail(errc_for_rejection(decision->status), "handshake rejected by this server");
        }
        if constexpr (NegotiatedDataPlane<Connection>) {
            if (selects_data_plane<Connection>(decision->parameters)) {
                connection.activate_data_plane();
            }
        }
        return decision->parameters;
    }

    template <PacketConnection Connection>
    static Result<void> send(Connection& connection, const wire::MessageHeader& header,
                             wire::Bytes payload, std::uint32_t packet_size, Deadline deadline) {
        return send_message(connection, header, payload, packet_size, deadline);
    }

    // Bytes in front of a payload that send_in_place() writes headers into.
    static constexpr std::size_t header_room = wire::message_header_size;

    // Always inline, as send_message_in_place() is: every message a session
    // builds goes this way.
    template <PacketConnection Connection>
    NETIPC_FORCE_INLINE static Result<void> send_in_place(Connection& connection,
                                                          const wire::MessageHeader& header,
                                                          wire::MutableBytes message,
                                                          std::uint32_t packet_size,
                                                          Deadline deadline) {
        return send_message_in_place(connection, header, message, packet_size, deadline);
    }

private:
    // Every packet connection carries the baseline profile itself; a data
    // plane adds its own.
    template <class Connection>
    static constexpr std::uint32_t carried_profiles =
        wire::profile::baseline | data_plane_profiles_of<Connection>;

    static DataPlaneTerms data_plane_terms(const SessionParameters& agreed,
                                           std::uint64_t auth_token) noexcept {
        return DataPlaneTerms{
            .profile = agreed.selected_profile,
            .request_payload_ceiling = agreed.requests.max_payload_bytes,
            .response_payload_ceiling = agreed.responses.max_payload_bytes,
            .session_id = agreed.session_id,
            .auth_token = auth_token,
        };
    }

    template <class Connection>
    static bool selects_data_plane(const SessionParameters& parameters) noexcept {
        return (parameters.selected_profile & data_plane_profiles_of<Connection>) != 0;
    }
};

} // namespace netipc::framing
