// netipc::Session<Transport, Framing, Codec>: one connected, handshaken
// Level 1 session, composed at compile time.
//
//   using IncrementSession = Session<transports::UdsSeqpacket, framing::Nipc, codecs::Increment>;
//   auto session = IncrementSession::connect(address, config, Deadline::after(1s));
//   auto answer = session->call(41, Deadline::after(1s));   // answer->value == 42
//
// Two APIs share the session:
//   - typed: call() / call_batch() on the client, serve_one() on the server;
//   - raw Level 1: send() / receive() of whole messages, for callers that
//     run their own event loop (native_handle() is what to wait on).
//
// Buffers are sized once from the negotiated limits and reused: a call does
// not allocate. Views returned by call()/receive() borrow those buffers and
// are valid until the next call on the same session.
//
// Not thread-safe: one thread uses a session at a time, except interrupt(),
// which any thread may call. Any error other than a local one
// (invalid_argument, message_too_large before sending, overflow in a builder)
// leaves the session broken: close it and connect again.
//
// What Session needs from its policies is exactly what their concepts name
// (netipc/concepts/): Transport, Framing, Codec, and the optional
// capabilities NegotiatedDataPlane (connection), ReportsFailedHeader
// (receiver) and CarriesBatchView (received message), each used when
// modelled.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "netipc/concepts/codec.h"
#include "netipc/concepts/data_plane.h"
#include "netipc/concepts/framing.h"
#include "netipc/concepts/peer_credentials.h"
#include "netipc/concepts/receiver_capabilities.h"
#include "netipc/concepts/transport.h"
#include "netipc/force_inline.h"
#include "netipc/negotiation.h"
#include "netipc/session_parameters.h"
#include "netipc/wire/batch.h"
#include "netipc/wire/message_header.h"

namespace netipc {

template <Transport T, class F, Codec C>
    requires Framing<F, typename T::Connection>
class Session {
public:
    using TransportType = T;
    using FramingType = F;
    using CodecType = C;
    using Connection = typename T::Connection;
    using Parameters = SessionParameters;
    using Received = typename F::Received;
    using native_handle_type = typename Connection::native_handle_type;

    // The profiles a transport claims are the baseline and those of its data
    // plane: anything else could be selected and then not carried.
    static_assert((T::profile_bits
                   & ~(wire::profile::baseline | data_plane_profiles_of<Connection>))
                      == 0,
                  "Transport::profile_bits names a profile its connection cannot carry");

    // --- establishing ---------------------------------------------------

    // Connects and handshakes. When the server selected the transport's
    // data plane (shared memory) but this client cannot attach it, that
    // session is closed and a new one is made without offering the data
    // plane (never a same-session fallback); dropped_data_plane() then says
    // so, so a long-lived client can stop offering it.
    static Result<Session> connect(const typename T::Address& address,
                                   const ClientHandshakeConfig& config, Deadline deadline,
                                   const AbortSignal* abort = nullptr) {
        auto connection = T::connect(address, deadline);
        if (!connection) {
            return std::unexpected(connection.error());
        }
        auto session = client_over(std::move(*connection), config, deadline, abort);
        if (session || session.error().code != Errc::shm_unavailable) {
            return session;
        }
        auto without_data_plane = config;
        restrict_profiles(without_data_plane, ~data_plane_profiles_of<Connection>);
        auto retry = T::connect(address, deadline);
        if (!retry) {
            return std::unexpected(retry.error());
        }
        auto fallback = client_over(std::move(*retry), without_data_plane, deadline, abort);
        if (fallback) {
            fallback->dropped_data_plane_ = true;
        }
        return fallback;
    }

    static Result<Session> accept(typename T::Listener& listener,
                                  const ServerHandshakeConfig& config, std::uint64_t session_id,
                                  Deadline deadline, const AbortSignal* abort = nullptr) {
        auto connection = listener.accept(deadline, abort);
        if (!connection) {
            return std::unexpected(connection.error());
        }
        return server_over(std::move(*connection), config, session_id, deadline, abort);
    }

    // Handshakes over an already connected endpoint (custom accept loops).
    // The profiles offered are the configured ones narrowed to what the
    // transport type can carry: configuration never widens them.
    static Result<Session> client_over(Connection connection, ClientHandshakeConfig config,
                                       Deadline deadline, const AbortSignal* abort = nullptr) {
        restrict_profiles(config, T::profile_bits);
        auto parameters = F::client_handshake(connection, config, deadline, abort);
        if (!parameters) {
            connection.close();
            return std::unexpected(parameters.error());
        }
        return Session(std::move(connection), *parameters, Role::client);
    }

    static Result<Session> server_over(Connection connection, ServerHandshakeConfig config,
                                       std::uint64_t session_id, Deadline deadline,
                                       const AbortSignal* abort = nullptr) {
        restrict_profiles(config, T::profile_bits);
        auto parameters = F::server_handshake(connection, config, session_id, deadline, abort);
        if (!parameters) {
            connection.close();
            return std::unexpected(parameters.error());
        }
        return Session(std::move(connection), *parameters, Role::server);
    }

    // --- typed client API -------------------------------------------------

    // One request, one response. The view borrows the session's buffer.
    Result<typename C::ResponseView> call(const typename C::Request& request, Deadline deadline,
                                          const AbortSignal* abort = nullptr) {
        const wire::MutableBytes message = outgoing_message();
        auto length = encode_request(request, message.subspan(F::header_room));
        if (!length) {
            return std::unexpected(length.error());
        }
        const std::uint64_t message_id = next_message_id_++;
        auto header =
            wire::make_request_header(C::method, message_id, static_cast<std::uint32_t>(*length));
        auto response = exchange(header, message.first(F::header_room + *length), deadline, abort);
        if (!response) {
            return std::unexpected(response.error());
        }
        if (response->header.is_batch() || response->header.item_count != 1) {
            return fail(Errc::protocol_violation, "single request answered with a batch");
        }
        return C::decode_response(response->payload);
    }

    // Many requests in one batch message; `on_item(index, view)` sees each
    // response item in request order (views valid during the callback).
    template <class OnItem>
        requires C::batchable
    // NOLINTNEXTLINE(cppcoreguidelines-missing-std-forward): invoked once per item
    Result<void> call_batch(std::span<const typename C::Request> requests, OnItem&& on_item,
                            Deadline deadline, const AbortSignal* abort = nullptr) {
        const auto count = static_cast<std::uint32_t>(requests.size());
        if (count > parameters_.requests.max_batch_items) {
            return fail(Errc::message_too_large, "more batch items than the session allows");
        }
        // The envelope has a directory only when a batch holds more than one
        // item; reference peers disagree on a BATCH of one, so never send it.
        if (count == 0) {
            return {};
        }
        if (count == 1) {
            auto view = call(requests.front(), deadline, abort);
            if (!view) {
                return std::unexpected(view.error());
            }
            on_item(0U, *view);
            return {};
        }
        const wire::MutableBytes message = outgoing_message();
        auto length = encode_request_batch(requests, message.subspan(F::header_room));
        if (!length) {
            return std::unexpected(length.error());
        }
        const std::uint64_t message_id = next_message_id_++;
        auto header =
            wire::make_request_header(C::method, message_id, static_cast<std::uint32_t>(*length));
        header.flags = wire::flags::batch;
        header.item_count = count;
        auto response = exchange(header, message.first(F::header_room + *length), deadline, abort);
        if (!response) {
            return std::unexpected(response.error());
        }
        if (!response->header.is_batch() || response->header.item_count != count) {
            return fail(Errc::protocol_violation, "batch answered with a different item count");
        }
        auto items = batch_items(*response);
        if (!items) {
            return std::unexpected(items.error());
        }
        if constexpr (FixedSizePayloads<C>) {
            if (auto uniform = items->template uniform<C::fixed_response_size>()) {
                return visit_responses(*uniform, on_item);
            }
        }
        return visit_responses(*items, on_item);
    }

    // --- typed server API -------------------------------------------------

    // Receives one request and answers it with `handler(view, builder)`,
    // which returns Result<void>. A batch request is dispatched item by item
    // and answered in order. A request that cannot be served is answered
    // with a terminal status and an empty payload, and its error returned
    // (the caller then closes the session): over the negotiated limits
    // LIMIT_EXCEEDED, malformed (once its header decoded) BAD_ENVELOPE, a
    // handler failure INTERNAL_ERROR.
    template <class Handler>
    // NOLINTNEXTLINE(cppcoreguidelines-missing-std-forward): invoked once per item
    Result<void> serve_one(Handler&& handler, Deadline deadline,
                           const AbortSignal* abort = nullptr) {
        auto request = receive(deadline, abort);
        if (!request) {
            answer_unreceived(request.error(), deadline);
            return std::unexpected(request.error());
        }
        const wire::MessageHeader& header = request->header;
        if (!is_request_for_this_method(header)) {
            return refuse_foreign(header, deadline);
        }
        const bool batch = header.is_batch() && header.item_count > 1;
        const wire::MutableBytes message = outgoing_message();
        const wire::MutableBytes room = message.subspan(F::header_room);
        auto answered = batch ? answer_batch(*request, handler, room)
                              : answer_single(request->payload, handler, room);
        if (!answered) {
            send_terminal_status(header.message_id, answered.error().status, deadline);
            return std::unexpected(answered.error().error);
        }
        auto response = wire::make_response_header(C::method, header.message_id,
                                                   static_cast<std::uint32_t>(*answered));
        if (batch) {
            response.flags = wire::flags::batch;
            response.item_count = header.item_count;
        }
        return F::send_in_place(connection_, response, message.first(F::header_room + *answered),
                                send_packet_size_, deadline);
    }

    // --- raw Level 1 API --------------------------------------------------

    // A message over the negotiated limits is refused before anything is
    // sent (Errc::message_too_large): the session stays usable.
    Result<void> send(const wire::MessageHeader& header, wire::Bytes payload, Deadline deadline) {
        if (auto within = within_outgoing_limits(header); !within) {
            return within;
        }
        return F::send(connection_, header, payload, send_packet_size_, deadline);
    }

    NETIPC_FORCE_INLINE Result<Received> receive(Deadline deadline,
                                                 const AbortSignal* abort = nullptr) {
        return receiver_.receive(connection_, deadline, abort);
    }

    [[nodiscard]] const Parameters& parameters() const noexcept { return parameters_; }
    // Whether messages travel on the transport's data plane (shared memory)
    // rather than on the connection itself; false for a transport without
    // one.
    [[nodiscard]] bool data_plane_active() const noexcept {
        if constexpr (NegotiatedDataPlane<Connection>) {
            return connection_.data_plane_active();
        } else {
            return false;
        }
    }
    // The peer's user, group and process as the OS recorded them, for
    // transports that can tell (concepts/peer_credentials.h).
    [[nodiscard]] Result<PeerIdentity> peer_identity() const
        requires PeerCredentials<Connection>
    {
        return connection_.peer_identity();
    }
    // True when connect() made this session after the peer's data plane
    // could not be attached: it runs without one.
    [[nodiscard]] bool dropped_data_plane() const noexcept { return dropped_data_plane_; }
    [[nodiscard]] native_handle_type native_handle() const noexcept {
        return connection_.native_handle();
    }
    [[nodiscard]] Connection& connection() noexcept { return connection_; }
    // From any thread: the call blocked on this session (and every later
    // one) fails with Errc::disconnected. close() still runs on the owner.
    void interrupt() noexcept { connection_.interrupt(); }
    void close() { connection_.close(); }

private:
    enum class Role : bool { client, server };

    Session(Connection connection, const Parameters& parameters, Role role)
        : connection_(std::move(connection)),
          parameters_(parameters),
          role_(role),
          send_packet_size_(
              packet_size_for(connection_, parameters, outgoing_limits(parameters, role))),
          receiver_(incoming_limits(parameters, role),
                    packet_size_for(connection_, parameters, incoming_limits(parameters, role))),
          outgoing_(F::header_room + outgoing_limits(parameters, role).max_payload_bytes) {}

    // Where the next outgoing message is built: F::header_room bytes for the
    // framing's headers, then the payload (at most the negotiated ceiling).
    // A data plane that lends its outgoing area (InPlaceSend) is used
    // directly, so the message is built where the peer reads it and never
    // copied; otherwise the session's own buffer.
    wire::MutableBytes outgoing_message() noexcept {
        if constexpr (InPlaceSend<Connection>) {
            if (const wire::MutableBytes area = connection_.send_area();
                area.size() >= outgoing_.size()) {
                return area.first(outgoing_.size());
            }
        }
        return wire::MutableBytes(outgoing_);
    }

    static const wire::DirectionalLimits& outgoing_limits(const Parameters& parameters, Role role) {
        return role == Role::client ? parameters.requests : parameters.responses;
    }
    static const wire::DirectionalLimits& incoming_limits(const Parameters& parameters, Role role) {
        return role == Role::client ? parameters.responses : parameters.requests;
    }

    // The agreed packet size, unless the connection carries whole messages
    // (a transport without a packet limit, or an active data plane): then
    // one "packet" holds the largest message the limits allow, so nothing
    // is chunked and no buffer is sized from a packet size that means
    // nothing.
    static std::uint32_t packet_size_for(const Connection& connection, const Parameters& parameters,
                                         const wire::DirectionalLimits& limits) {
        if (carries_whole_messages(connection)) {
            const std::uint64_t whole =
                std::uint64_t{wire::message_header_size} + limits.max_payload_bytes;
            return static_cast<std::uint32_t>(
                std::min<std::uint64_t>(whole, std::numeric_limits<std::uint32_t>::max()));
        }
        return parameters.packet_size;
    }

    static bool carries_whole_messages([[maybe_unused]] const Connection& connection) {
        if constexpr (!T::packet_limited) {
            return true;
        } else if constexpr (NegotiatedDataPlane<Connection>) {
            return connection.data_plane_active();
        } else {
            return false;
        }
    }

    // Why a request could not be answered, and the terminal status that
    // says so on the wire: decided by where it failed, not by the error code
    // (a handler may fail with any code and is still INTERNAL_ERROR).
    struct Failure {
        Error error;
        wire::TransportStatus status = wire::TransportStatus::internal_error;
    };
    using Answer = std::expected<std::size_t, Failure>;

    static std::unexpected<Failure> malformed(const Error& error) {
        return std::unexpected(Failure{error, wire::TransportStatus::bad_envelope});
    }
    static std::unexpected<Failure> handler_failed(const Error& error) {
        return std::unexpected(Failure{error, wire::TransportStatus::internal_error});
    }
    static bool is_request_for_this_method(const wire::MessageHeader& header) noexcept {
        return header.kind == wire::MessageKind::request
               && header.code == static_cast<std::uint16_t>(C::method)
               && (!header.is_batch() || C::batchable);
    }

    // A request this session cannot serve: another method (a client of the
    // wrong service kind), or a batch of a method that never batches, is
    // answered UNSUPPORTED under its own method code, so the client learns
    // why instead of seeing a hang-up. Anything that is not a request at all
    // is a protocol violation and gets no answer. Either way the caller
    // closes the session.
    Result<void> refuse_foreign(const wire::MessageHeader& header, Deadline deadline) {
        if (header.kind != wire::MessageKind::request) {
            return fail(Errc::protocol_violation, "expected a request");
        }
        const auto refusal =
            wire::make_response_header(static_cast<wire::MethodCode>(header.code),
                                       header.message_id, 0, wire::TransportStatus::unsupported);
        (void)F::send(connection_, refusal, {}, send_packet_size_, deadline);
        return fail(Errc::unsupported, "request for a method this session does not serve");
    }

    // A terminal status with an empty payload; the caller closes the session
    // after it, so a failure to send it changes nothing.
    void send_terminal_status(std::uint64_t message_id, wire::TransportStatus status,
                              Deadline deadline) {
        const auto header = wire::make_response_header(C::method, message_id, 0, status);
        (void)F::send(connection_, header, {}, send_packet_size_, deadline);
    }

    // A request that failed to arrive whole but whose header decoded is
    // still answered by its message_id: LIMIT_EXCEEDED when it is over the
    // negotiated limits (so the client may reconnect with larger ones),
    // BAD_ENVELOPE when it is malformed. Transport failures (timeout, abort,
    // a peer gone between chunks) are not answered.
    void answer_unreceived([[maybe_unused]] const Error& error,
                           [[maybe_unused]] Deadline deadline) {
        if constexpr (ReportsFailedHeader<typename F::Receiver>) {
            const auto& header = receiver_.failed_header();
            if (!header || !is_protocol_error(error.code) || !is_request_for_this_method(*header)) {
                return;
            }
            send_terminal_status(header->message_id,
                                 error.code == Errc::limit_exceeded
                                     ? wire::TransportStatus::limit_exceeded
                                     : wire::TransportStatus::bad_envelope,
                                 deadline);
        }
    }

    // A response that does not fit the agreed ceiling is LIMIT_EXCEEDED, so a
    // client may reconnect with larger ceilings.
    static std::unexpected<Failure> not_built(const Error& error) {
        const bool too_big = error.code == Errc::overflow || error.code == Errc::limit_exceeded
                             || error.code == Errc::message_too_large;
        return std::unexpected(Failure{error, too_big ? wire::TransportStatus::limit_exceeded
                                                      : wire::TransportStatus::internal_error});
    }

    // A message over the negotiated limits of this side's sending direction
    // is refused before anything is sent: the session stays usable.
    Result<void> within_outgoing_limits(const wire::MessageHeader& header) const {
        if (auto within = wire::check_limits(header, outgoing_limits(parameters_, role_));
            !within) {
            return fail(Errc::message_too_large, within.error().detail);
        }
        return {};
    }

    // Encodes `request` at the start of `payload_room`; its length.
    static Result<std::size_t> encode_request(const typename C::Request& request,
                                              wire::MutableBytes payload_room) {
        const std::size_t size = C::request_size(request);
        if (size > payload_room.size()) {
            return fail(Errc::message_too_large, "request exceeds the negotiated payload ceiling");
        }
        return C::encode_request(request, payload_room.first(size));
    }

    // Sends a request built in place (`message`: header room + payload) and
    // waits for the response with the same message_id. Inline into the
    // call, with the receive: a round trip is one frame here, not three.
    NETIPC_FORCE_INLINE Result<Received> exchange(const wire::MessageHeader& header,
                                                  wire::MutableBytes message, Deadline deadline,
                                                  const AbortSignal* abort) {
        if (auto within = within_outgoing_limits(header); !within) {
            return std::unexpected(within.error());
        }
        if (auto sent = F::send_in_place(connection_, header, message, send_packet_size_, deadline);
            !sent) {
            return std::unexpected(sent.error());
        }
        auto response = receive(deadline, abort);
        if (!response) {
            return response;
        }
        const wire::MessageHeader& answer = response->header;
        if (answer.kind != wire::MessageKind::response
            || answer.code != static_cast<std::uint16_t>(C::method)) {
            return fail(Errc::protocol_violation, "answer is not a response to this method");
        }
        if (answer.message_id != header.message_id) {
            return fail(Errc::protocol_violation, "response to a message_id that is not in flight");
        }
        switch (answer.transport_status) {
            case wire::TransportStatus::ok:
                return response;
            case wire::TransportStatus::limit_exceeded:
                return fail(Errc::limit_exceeded, "server: request exceeds its limits");
            case wire::TransportStatus::internal_error:
                return fail(Errc::internal, "server: handler failed");
            case wire::TransportStatus::unsupported:
                return fail(Errc::unsupported, "server: method not supported");
            default:
                return fail(Errc::protocol_violation, "server: malformed request");
        }
    }

    // Also answers each item of a batch: forced inline, so the handler and
    // the codec inline into the per-item loop.
    template <class Handler>
    NETIPC_FORCE_INLINE Answer answer_single(wire::Bytes payload, Handler& handler,
                                             wire::MutableBytes room) {
        auto view = C::decode_request(payload);
        if (!view) {
            return malformed(view.error());
        }
        typename C::ResponseBuilder builder{room};
        if (auto handled = handler(*view, builder); !handled) {
            return not_built_or_failed(handled.error());
        }
        auto length = builder.finish();
        if (!length) {
            return not_built(length.error());
        }
        return *length;
    }

    // A handler that ran out of builder room reports overflow: that is the
    // response not fitting, not the handler failing.
    static std::unexpected<Failure> not_built_or_failed(const Error& error) {
        return error.code == Errc::overflow ? not_built(error) : handler_failed(error);
    }

    // The items of a received batch of more than one item. A receiver that
    // validated the directory already hands it over; another framing's is
    // parsed here.
    static Result<wire::BatchView> batch_items(const Received& message) {
        if constexpr (CarriesBatchView<Received>) {
            if (message.batch) {
                return *message.batch;
            }
        }
        return wire::BatchView::parse(message.payload, message.header.item_count);
    }

    template <class Handler>
    Answer answer_batch(const Received& request, Handler& handler, wire::MutableBytes room) {
        auto items = batch_items(request);
        if (!items) {
            return malformed(items.error());
        }
        if constexpr (FixedSizePayloads<C>) {
            if (auto uniform = items->template uniform<C::fixed_request_size>()) {
                return answer_fixed_size(*uniform, handler, room);
            }
            return answer_fixed_size(*items, handler, room);
        } else {
            auto batch = wire::BatchBuilder::sized(room, items->size());
            for (std::uint32_t i = 0; i < items->size(); ++i) {
                // Each item is built in place: the builder gets all the room
                // left in the batch, and the batch records what it wrote.
                auto item_room = batch.open_item();
                if (!item_room) {
                    return not_built(item_room.error());
                }
                auto length = answer_single((*items)[i], handler, *item_room);
                if (!length) {
                    return length;
                }
                if (auto committed = batch.commit_item(*length); !committed) {
                    return not_built(committed.error());
                }
            }
            auto length = batch.finish();
            if (!length) {
                return not_built(length.error());
            }
            return *length;
        }
    }

    // Decodes each response item of a batch (a wire::BatchView, or a
    // wire::UniformBatchView whose fixed-length items decode without a size
    // check per item) and hands it to `on_item(index, view)`.
    template <class Items, class OnItem>
    static Result<void> visit_responses(const Items& items, OnItem& on_item) {
        // The failure is kept as a plain struct and wrapped once at the end:
        // assigning a Result in the loop would add its own branches to
        // every step.
        Error failure;
        const bool all = in_groups(items.size(), [&](std::uint32_t i) {
            auto view = C::decode_response(items[i]);
            if (!view) {
                failure = view.error();
                return false;
            }
            on_item(i, *view);
            return true;
        });
        if (!all) {
            return std::unexpected(failure);
        }
        return {};
    }

    // Answers the request items of a batch (a wire::BatchView, or a
    // wire::UniformBatchView read without its directory) for a codec whose
    // responses all have one size: the whole layout up front, and each item
    // built straight into its fixed place.
    template <class Items, class Handler>
        requires FixedSizePayloads<C>
    Answer answer_fixed_size(const Items& items, Handler& handler, wire::MutableBytes room) {
        auto batch = wire::UniformBatch<C::fixed_response_size>::lay_out(room, items.size());
        if (!batch) {
            return not_built(batch.error());
        }
        Failure failure; // see visit_responses()
        const bool all = in_groups(items.size(), [&](std::uint32_t i) {
            auto length = answer_single(items[i], handler, batch->item(i));
            if (!length) {
                failure = length.error();
                return false;
            }
            if (*length != C::fixed_response_size) {
                failure = not_built(off_fixed_size().error()).error();
                return false;
            }
            return true;
        });
        if (!all) {
            return std::unexpected(failure);
        }
        return batch->payload_length();
    }

    // Calls step(i) for i = 0, 1, ... count - 1 until one returns false;
    // whether none did. The per-item loops of a batch run through here, four
    // indices at a time: a group of constant length is unrolled completely,
    // so the loop test and the index arithmetic are paid once per four items
    // and a fixed-size codec's steps, once inlined, become straight-line
    // loads and stores at constant offsets. For INCREMENT that took the
    // batch/256 round trip from about 9 700 to 8 150 user-space instructions
    // (callgrind, bench/uds_pingpong_bench). A plain loop with an exit per
    // item cannot be unrolled (g++ ignores the pragma there). The steps are
    // small lambdas, not forced inline: g++ inlines them at -O2 anyway.
    template <class Step>
    NETIPC_FORCE_INLINE static bool in_groups(std::uint32_t count, Step&& step) {
        constexpr std::size_t group = 4;
        std::size_t i = 0;
        for (; i + group <= count; i += group) {
#pragma GCC unroll 4
            for (std::size_t k = 0; k < group; ++k) {
                if (!step(static_cast<std::uint32_t>(i + k))) {
                    return false;
                }
            }
        }
        for (; i < count; ++i) {
            if (!step(static_cast<std::uint32_t>(i))) {
                return false;
            }
        }
        return true;
    }

    // Lays out the batch of `requests` in `room` (the payload part of the
    // outgoing message); the payload length.
    static Result<std::size_t> encode_request_batch(std::span<const typename C::Request> requests,
                                                    wire::MutableBytes room) {
        const auto count = static_cast<std::uint32_t>(requests.size());
        if constexpr (FixedSizePayloads<C>) {
            auto batch = wire::UniformBatch<C::fixed_request_size>::lay_out(room, count);
            if (!batch) {
                return fail(Errc::message_too_large, "batch exceeds the request payload ceiling");
            }
            Error failure; // see visit_responses()
            const bool all = in_groups(count, [&](std::uint32_t i) {
                auto encoded = C::encode_request(requests[i], batch->item(i));
                if (!encoded) {
                    failure = encoded.error();
                    return false;
                }
                if (*encoded != C::fixed_request_size) {
                    failure = off_fixed_size().error();
                    return false;
                }
                return true;
            });
            if (!all) {
                return std::unexpected(failure);
            }
            return batch->payload_length();
        } else {
            auto batch = wire::BatchBuilder::sized(room, count);
            for (const auto& request : requests) {
                auto slot = batch.reserve(C::request_size(request));
                if (!slot) {
                    return fail(Errc::message_too_large,
                                "batch exceeds the request payload ceiling");
                }
                if (auto encoded = C::encode_request(request, *slot); !encoded) {
                    return std::unexpected(encoded.error());
                }
            }
            auto length = batch.finish();
            if (!length) {
                return fail(Errc::message_too_large, "batch exceeds the request payload ceiling");
            }
            return *length;
        }
    }

    // A codec that claims FixedSizePayloads built a payload of another size:
    // its batch layout would be wrong, so nothing is sent.
    static std::unexpected<Error> off_fixed_size() {
        return fail(Errc::invalid_argument,
                    "the codec built a payload of another size than it declares fixed");
    }

    Connection connection_;
    Parameters parameters_;
    Role role_;
    std::uint32_t send_packet_size_;
    typename F::Receiver receiver_;
    // Requests (client) or responses (server), after F::header_room bytes.
    std::vector<std::byte> outgoing_;
    std::uint64_t next_message_id_ = 1; // the first request of a session is id 1
    bool dropped_data_plane_ = false;
};

} // namespace netipc
