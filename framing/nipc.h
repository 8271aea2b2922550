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

// The SHM profile bits: a connection that can carry them offers the
// handshake hooks below (see transports/posix/shm_hybrid.h).
inline constexpr std::uint32_t shm_profiles = wire::profile::shm_hybrid | wire::profile::shm_futex;

template <class Connection>
concept HasShmHooks = requires(Connection& connection, std::uint32_t ceiling, std::uint64_t id) {
    { connection.prepare_server_shm(ceiling, ceiling, id) } -> std::same_as<Result<void>>;
    { connection.attach_client_shm(ceiling, ceiling, id) } -> std::same_as<Result<void>>;
    connection.activate_server_shm();
};

struct Nipc {
    template <class Connection>
    static constexpr bool has_shm_hooks = HasShmHooks<Connection>;

    using Receiver = MessageReceiver;
    using Received = ReceivedMessage;
    using ClientConfig = ClientHandshakeConfig;
    using ServerConfig = ServerHandshakeConfig;
    using Parameters = SessionParameters;

    // Client side: sends HELLO, reads HELLO_ACK, returns the agreed values.
    // A rejection comes back as its Errc (auth_failed, unsupported, ...).
    // When the server selected SHM, the connection attaches to the session's
    // region; failing that is Errc::shm_unavailable and the session is over.
    template <PacketConnection Connection>
    static Result<SessionParameters> client_handshake(Connection& connection,
                                                      ClientHandshakeConfig config,
                                                      Deadline deadline,
                                                      const AbortSignal* abort = nullptr) {
        if constexpr (!has_shm_hooks<Connection>) {
            config.supported_profiles &= ~shm_profiles;
            config.preferred_profiles &= ~shm_profiles;
        }
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
        if constexpr (has_shm_hooks<Connection>) {
            if (parameters && (parameters->selected_profile & shm_profiles) != 0) {
                auto attached = connection.attach_client_shm(
                    parameters->requests.max_payload_bytes, parameters->responses.max_payload_bytes,
                    parameters->session_id);
                if (!attached) {
                    return std::unexpected(attached.error());
                }
            }
        }
        return parameters;
    }

    // Server side: reads HELLO, decides, answers. When SHM is selected the
    // connection prepares the session's region before the answer goes out;
    // if it cannot, SHM is dropped from this session's negotiation and the
    // session runs on the baseline. On a rejection the HELLO_ACK is sent and
    // the matching Errc returned: the caller closes.
    template <PacketConnection Connection>
    static Result<SessionParameters> server_handshake(Connection& connection,
                                                      ServerHandshakeConfig config,
                                                      std::uint64_t session_id, Deadline deadline,
                                                      const AbortSignal* abort = nullptr) {
        if constexpr (!has_shm_hooks<Connection>) {
            config.supported_profiles &= ~shm_profiles;
            config.preferred_profiles &= ~shm_profiles;
        }
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
        if constexpr (has_shm_hooks<Connection>) {
            const auto& agreed = decision->parameters;
            if (decision->accepted() && (agreed.selected_profile & shm_profiles) != 0
                && !connection.prepare_server_shm(agreed.requests.max_payload_bytes,
                                                  agreed.responses.max_payload_bytes, session_id)) {
                config.supported_profiles &= ~shm_profiles;
                config.preferred_profiles &= ~shm_profiles;
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
        if constexpr (has_shm_hooks<Connection>) {
            if ((decision->parameters.selected_profile & shm_profiles) != 0) {
                connection.activate_server_shm();
            }
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
