// The transport and framing seams in positive/negative pairs: a minimal
// archetype that models each concept, and near-misses that each break one
// clause and must not. The concepts are the documentation of the seams, so
// every member they name is pinned here.
#include <cstdint>
#include <optional>
#include <span>

#include <catch2/catch.hpp>

#include "netipc/concepts/data_plane.h"
#include "netipc/concepts/framing.h"
#include "netipc/concepts/idle_check.h"
#include "netipc/concepts/peer_credentials.h"
#include "netipc/concepts/receiver_capabilities.h"
#include "netipc/concepts/transport.h"

namespace {

using namespace netipc;

// --- PacketConnection ---------------------------------------------------------------

// What a caller's event loop waits on: any type the transport chooses.
struct OpaqueHandle {};

struct ConnectionArchetype {
    using native_handle_type = OpaqueHandle;
    Result<void> send_packet(std::span<const wire::Bytes>, Deadline);
    Result<std::size_t> receive_packet(wire::MutableBytes, Deadline, const AbortSignal*);
    [[nodiscard]] std::uint32_t max_packet_size() const;
    [[nodiscard]] native_handle_type native_handle() const;
    void interrupt() noexcept;
    void close();
};

struct ConnectionWithoutInterrupt {
    using native_handle_type = OpaqueHandle;
    Result<void> send_packet(std::span<const wire::Bytes>, Deadline);
    Result<std::size_t> receive_packet(wire::MutableBytes, Deadline, const AbortSignal*);
    [[nodiscard]] std::uint32_t max_packet_size() const;
    [[nodiscard]] native_handle_type native_handle() const;
    void close();
};

// interrupt() is called from another thread while a call blocks; one that
// may throw there could not be used by a server's stop().
struct ConnectionWithThrowingInterrupt {
    using native_handle_type = OpaqueHandle;
    Result<void> send_packet(std::span<const wire::Bytes>, Deadline);
    Result<std::size_t> receive_packet(wire::MutableBytes, Deadline, const AbortSignal*);
    [[nodiscard]] std::uint32_t max_packet_size() const;
    [[nodiscard]] native_handle_type native_handle() const;
    void interrupt();
    void close();
};

// The handle must be of the declared type, not merely something an int
// converts to: generic code never assumes a descriptor.
struct ConnectionWithUndeclaredHandle {
    Result<void> send_packet(std::span<const wire::Bytes>, Deadline);
    Result<std::size_t> receive_packet(wire::MutableBytes, Deadline, const AbortSignal*);
    [[nodiscard]] std::uint32_t max_packet_size() const;
    [[nodiscard]] int native_handle() const;
    void interrupt() noexcept;
    void close();
};

struct ConnectionWithoutReceive {
    using native_handle_type = OpaqueHandle;
    Result<void> send_packet(std::span<const wire::Bytes>, Deadline);
    [[nodiscard]] std::uint32_t max_packet_size() const;
    [[nodiscard]] native_handle_type native_handle() const;
    void interrupt() noexcept;
    void close();
};

// --- Transport and its listener -----------------------------------------------------

struct AddressArchetype {
    int where = 0;
};

struct ListenerArchetype {
    Result<ConnectionArchetype> accept(Deadline, const AbortSignal*);
    [[nodiscard]] AddressArchetype address() const;
    void close();
};

struct ListenerWithoutClose {
    Result<ConnectionArchetype> accept(Deadline, const AbortSignal*);
    [[nodiscard]] AddressArchetype address() const;
};

struct ListenerWithoutAddress {
    Result<ConnectionArchetype> accept(Deadline, const AbortSignal*);
    void close();
};

struct TransportArchetype {
    static constexpr std::uint32_t profile_bits = wire::profile::baseline;
    static constexpr bool packet_limited = false;
    using Address = AddressArchetype;
    using Connection = ConnectionArchetype;
    using Listener = ListenerArchetype;
    static Result<Connection> connect(const Address&, Deadline);
    static Result<Listener> listen(const Address&);
};

struct TransportWithListenerWithoutClose : TransportArchetype {
    using Listener = ListenerWithoutClose;
    static Result<Listener> listen(const Address&);
};

struct TransportWithListenerWithoutAddress : TransportArchetype {
    using Listener = ListenerWithoutAddress;
    static Result<Listener> listen(const Address&);
};

struct TransportWithoutPacketLimitFlag {
    static constexpr std::uint32_t profile_bits = wire::profile::baseline;
    using Address = AddressArchetype;
    using Connection = ConnectionArchetype;
    using Listener = ListenerArchetype;
    static Result<Connection> connect(const Address&, Deadline);
    static Result<Listener> listen(const Address&);
};

// --- NegotiatedDataPlane and IdleCheck ----------------------------------------------

struct DataPlaneArchetype : ConnectionArchetype {
    static constexpr std::uint32_t data_plane_profiles = wire::profile::shm_hybrid;
    Result<void> prepare_data_plane(const DataPlaneTerms&);
    void activate_data_plane() noexcept;
    Result<void> attach_data_plane(const DataPlaneTerms&);
    [[nodiscard]] bool data_plane_active() const;
};

struct DataPlaneWithoutActivate : ConnectionArchetype {
    static constexpr std::uint32_t data_plane_profiles = wire::profile::shm_hybrid;
    Result<void> prepare_data_plane(const DataPlaneTerms&);
    Result<void> attach_data_plane(const DataPlaneTerms&);
    [[nodiscard]] bool data_plane_active() const;
};

struct DataPlaneWithoutProfiles : ConnectionArchetype {
    Result<void> prepare_data_plane(const DataPlaneTerms&);
    void activate_data_plane() noexcept;
    Result<void> attach_data_plane(const DataPlaneTerms&);
    [[nodiscard]] bool data_plane_active() const;
};

struct IdleCheckArchetype : ConnectionArchetype {
    Result<void> check_idle();
};

struct IdleCheckAnsweringBool : ConnectionArchetype {
    bool check_idle();
};

// --- PeerCredentials ------------------------------------------------------------------

struct PeerCredentialsArchetype : ConnectionArchetype {
    [[nodiscard]] Result<PeerIdentity> peer_identity() const;
};

// Credentials that can change the connection are not a read.
struct PeerCredentialsNotConst : ConnectionArchetype {
    Result<PeerIdentity> peer_identity();
};

// No way to say the credentials could not be read.
struct PeerCredentialsWithoutFailure : ConnectionArchetype {
    [[nodiscard]] PeerIdentity peer_identity() const;
};

// --- Framing and its optional receiver capabilities ---------------------------------

struct ReceivedArchetype {
    wire::MessageHeader header;
    wire::Bytes payload;
};

struct ReceivedWithBatch : ReceivedArchetype {
    std::optional<wire::BatchView> batch;
};

// A view that is always there cannot say "this was no batch".
struct ReceivedWithPlainBatch : ReceivedArchetype {
    wire::BatchView batch;
};

struct ReceiverArchetype {
    ReceiverArchetype(wire::DirectionalLimits, std::uint32_t);
    Result<ReceivedArchetype> receive(ConnectionArchetype&, Deadline, const AbortSignal*);
};

struct ReceiverReportingFailures : ReceiverArchetype {
    using ReceiverArchetype::ReceiverArchetype;
    [[nodiscard]] const std::optional<wire::MessageHeader>& failed_header() const;
};

struct ReceiverReportingByValue : ReceiverArchetype {
    using ReceiverArchetype::ReceiverArchetype;
    [[nodiscard]] wire::MessageHeader failed_header() const; // not "maybe": always a header
};

struct FramingArchetype {
    using Receiver = ReceiverArchetype;
    using Received = ReceivedArchetype;
    static Result<SessionParameters> client_handshake(ConnectionArchetype&,
                                                      const ClientHandshakeConfig&, Deadline,
                                                      const AbortSignal*);
    static Result<SessionParameters> server_handshake(ConnectionArchetype&,
                                                      const ServerHandshakeConfig&, std::uint64_t,
                                                      Deadline, const AbortSignal*);
    static Result<void> send(ConnectionArchetype&, const wire::MessageHeader&, wire::Bytes,
                             std::uint32_t, Deadline);
    static constexpr std::size_t header_room = 32;
    static Result<void> send_in_place(ConnectionArchetype&, const wire::MessageHeader&,
                                      wire::MutableBytes, std::uint32_t, Deadline);
};

struct FramingWithoutServerHandshake {
    using Receiver = ReceiverArchetype;
    using Received = ReceivedArchetype;
    static Result<SessionParameters> client_handshake(ConnectionArchetype&,
                                                      const ClientHandshakeConfig&, Deadline,
                                                      const AbortSignal*);
    static Result<void> send(ConnectionArchetype&, const wire::MessageHeader&, wire::Bytes,
                             std::uint32_t, Deadline);
    static constexpr std::size_t header_room = 32;
    static Result<void> send_in_place(ConnectionArchetype&, const wire::MessageHeader&,
                                      wire::MutableBytes, std::uint32_t, Deadline);
};

// A handshake that returns its own parameter type: Level 2 reads the agreed
// ceilings from SessionParameters, so every framing must speak it.
struct OwnParameters {
    std::uint32_t packet_size = 0;
};
struct FramingWithOwnParameters {
    using Receiver = ReceiverArchetype;
    using Received = ReceivedArchetype;
    static Result<OwnParameters> client_handshake(ConnectionArchetype&,
                                                  const ClientHandshakeConfig&, Deadline,
                                                  const AbortSignal*);
    static Result<OwnParameters> server_handshake(ConnectionArchetype&,
                                                  const ServerHandshakeConfig&, std::uint64_t,
                                                  Deadline, const AbortSignal*);
    static Result<void> send(ConnectionArchetype&, const wire::MessageHeader&, wire::Bytes,
                             std::uint32_t, Deadline);
    static constexpr std::size_t header_room = 32;
    static Result<void> send_in_place(ConnectionArchetype&, const wire::MessageHeader&,
                                      wire::MutableBytes, std::uint32_t, Deadline);
};

// Sends only from a read-only payload: sessions build every message in
// place, so the seam requires the in-place form too.
struct FramingWithoutInPlaceSend {
    using Receiver = ReceiverArchetype;
    using Received = ReceivedArchetype;
    static Result<SessionParameters> client_handshake(ConnectionArchetype&,
                                                      const ClientHandshakeConfig&, Deadline,
                                                      const AbortSignal*);
    static Result<SessionParameters> server_handshake(ConnectionArchetype&,
                                                      const ServerHandshakeConfig&, std::uint64_t,
                                                      Deadline, const AbortSignal*);
    static Result<void> send(ConnectionArchetype&, const wire::MessageHeader&, wire::Bytes,
                             std::uint32_t, Deadline);
};

// A connection that lends its outgoing area (InPlaceSend), and one whose
// send_area() may throw.
struct InPlaceConnection : ConnectionArchetype {
    wire::MutableBytes send_area() noexcept;
};
struct InPlaceConnectionThatThrows : ConnectionArchetype {
    wire::MutableBytes send_area();
};

} // namespace

TEST_CASE("PacketConnection: the archetype models it, each near-miss does not",
          "[concept][transport]") {
    STATIC_REQUIRE(PacketConnection<ConnectionArchetype>);
    STATIC_REQUIRE_FALSE(PacketConnection<ConnectionWithoutInterrupt>);
    STATIC_REQUIRE_FALSE(PacketConnection<ConnectionWithThrowingInterrupt>);
    STATIC_REQUIRE_FALSE(PacketConnection<ConnectionWithUndeclaredHandle>);
    STATIC_REQUIRE_FALSE(PacketConnection<ConnectionWithoutReceive>);
}

TEST_CASE("Transport: the archetype models it; a listener must close and say where it is",
          "[concept][transport]") {
    STATIC_REQUIRE(PacketListener<ListenerArchetype, ConnectionArchetype, AddressArchetype>);
    STATIC_REQUIRE(Transport<TransportArchetype>);
    STATIC_REQUIRE_FALSE(Transport<TransportWithListenerWithoutClose>);
    STATIC_REQUIRE_FALSE(Transport<TransportWithListenerWithoutAddress>);
    STATIC_REQUIRE_FALSE(Transport<TransportWithoutPacketLimitFlag>);
}

TEST_CASE("NegotiatedDataPlane: optional, and all of it or nothing", "[concept][transport]") {
    STATIC_REQUIRE(NegotiatedDataPlane<DataPlaneArchetype>);
    STATIC_REQUIRE_FALSE(NegotiatedDataPlane<ConnectionArchetype>);
    STATIC_REQUIRE_FALSE(NegotiatedDataPlane<DataPlaneWithoutActivate>);
    STATIC_REQUIRE_FALSE(NegotiatedDataPlane<DataPlaneWithoutProfiles>);
    STATIC_REQUIRE(data_plane_profiles_of<DataPlaneArchetype> == wire::profile::shm_hybrid);
    STATIC_REQUIRE(data_plane_profiles_of<ConnectionArchetype> == 0);
    STATIC_REQUIRE(data_plane_profiles_of<DataPlaneWithoutActivate> == 0);
}

TEST_CASE("InPlaceSend: optional, and its area never throws", "[concept][transport]") {
    STATIC_REQUIRE(InPlaceSend<InPlaceConnection>);
    STATIC_REQUIRE_FALSE(InPlaceSend<ConnectionArchetype>);
    STATIC_REQUIRE_FALSE(InPlaceSend<InPlaceConnectionThatThrows>);
}

TEST_CASE("IdleCheck: a Result, not a guess", "[concept][transport]") {
    STATIC_REQUIRE(IdleCheck<IdleCheckArchetype>);
    STATIC_REQUIRE_FALSE(IdleCheck<ConnectionArchetype>);
    STATIC_REQUIRE_FALSE(IdleCheck<IdleCheckAnsweringBool>);
}

TEST_CASE("PeerCredentials: optional, a const read that can fail", "[concept][transport]") {
    STATIC_REQUIRE(PeerCredentials<PeerCredentialsArchetype>);
    STATIC_REQUIRE_FALSE(PeerCredentials<ConnectionArchetype>);
    STATIC_REQUIRE_FALSE(PeerCredentials<PeerCredentialsNotConst>);
    STATIC_REQUIRE_FALSE(PeerCredentials<PeerCredentialsWithoutFailure>);
}

TEST_CASE("Framing: the archetype models it, each near-miss does not", "[concept][framing]") {
    STATIC_REQUIRE(Framing<FramingArchetype, ConnectionArchetype>);
    STATIC_REQUIRE_FALSE(Framing<FramingWithoutServerHandshake, ConnectionArchetype>);
    STATIC_REQUIRE_FALSE(Framing<FramingWithOwnParameters, ConnectionArchetype>);
    STATIC_REQUIRE_FALSE(Framing<FramingWithoutInPlaceSend, ConnectionArchetype>);
    // Not a framing over something that is not a packet connection.
    STATIC_REQUIRE_FALSE(Framing<FramingArchetype, ConnectionWithoutInterrupt>);
}

TEST_CASE("Receiver capabilities are optional and precise", "[concept][framing]") {
    STATIC_REQUIRE(ReportsFailedHeader<ReceiverReportingFailures>);
    STATIC_REQUIRE_FALSE(ReportsFailedHeader<ReceiverArchetype>);
    STATIC_REQUIRE_FALSE(ReportsFailedHeader<ReceiverReportingByValue>);
    STATIC_REQUIRE(CarriesBatchView<ReceivedWithBatch>);
    STATIC_REQUIRE_FALSE(CarriesBatchView<ReceivedArchetype>);
    STATIC_REQUIRE_FALSE(CarriesBatchView<ReceivedWithPlainBatch>);
}
