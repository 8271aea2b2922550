// Session<Transport, Framing, Codec> end to end over the loopback transport:
// typed single and batch calls for every codec, chunked messages, handler
// failure, limits, and handshake rejection.
#include "sessions/session.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "codecs/cgroups_snapshot.h"
#include "codecs/increment.h"
#include "codecs/simple_hash.h"
#include "codecs/string_reverse.h"
#include "framing/nipc.h"
#include "tests/support/loopback_transport.h"
#include "tests/support/server_thread.h"

using namespace netipc;
using namespace std::chrono_literals;
using testing::LoopbackConnection;
using testing::LoopbackTransport;

template <class Codec>
using LoopbackSession = Session<LoopbackTransport, framing::Nipc, Codec>;

static_assert(Framing<framing::Nipc, LoopbackConnection>);

namespace {

struct NotAFraming {
    using ClientConfig = ClientHandshakeConfig;
    using ServerConfig = ServerHandshakeConfig;
    using Parameters = SessionParameters;
    using Receiver = framing::MessageReceiver;
    using Received = framing::ReceivedMessage;
    // No handshake and no send: must not model the concept.
};
static_assert(!Framing<NotAFraming, LoopbackConnection>);

// Near misses of the transport concepts: each lacks one required member.
struct ConnectionWithoutReceive {
    Result<void> send_packet(std::span<const wire::Bytes>, Deadline);
    [[nodiscard]] std::uint32_t max_packet_size() const;
    [[nodiscard]] int native_handle() const;
    void close();
};
static_assert(!PacketConnection<ConnectionWithoutReceive>);
static_assert(PacketConnection<LoopbackConnection>);

struct TransportWithoutListen {
    static constexpr std::uint32_t profile_bits = 1;
    static constexpr bool packet_limited = true;
    using Address = LoopbackTransport::Address;
    using Connection = LoopbackConnection;
    using Listener = LoopbackTransport::Listener;
    static Result<Connection> connect(const Address&, Deadline);
};
static_assert(!Transport<TransportWithoutListen>);
static_assert(Transport<LoopbackTransport>);

constexpr std::uint64_t token = 0x1234;

Deadline soon() {
    return Deadline::after(10s);
}

ClientHandshakeConfig client_config(std::uint32_t batch_items = 64) {
    ClientHandshakeConfig config;
    config.auth_token = token;
    config.max_request_payload_bytes = 65536;
    config.max_request_batch_items = batch_items;
    config.max_response_batch_items = batch_items;
    return config;
}

ServerHandshakeConfig server_config(std::uint32_t response_bytes = 65536) {
    ServerHandshakeConfig config;
    config.auth_token = token;
    config.max_response_payload_bytes = response_bytes;
    return config;
}

// Runs a server session for `requests` requests on its own thread.
template <class Codec, class Handler>
struct ServerThread : testing::ServerThread<LoopbackSession<Codec>, Handler> {
    ServerThread(const std::string& name, std::uint32_t packet_size, ServerHandshakeConfig config,
                 int requests, Handler handler)
        : testing::ServerThread<LoopbackSession<Codec>, Handler>(
              LoopbackTransport::listen({name, packet_size}).value(), config, requests, handler) {}
};

auto increment_handler() {
    return [](const codecs::IncrementView& request, codecs::IncrementBuilder& response) {
        response.set(request.value + 1);
        return Result<void>{};
    };
}

// Accepts one STRING_REVERSE session on `listener` and serves one request
// with an echo handler, on its own thread; `server_error` records how the
// accept or the serve failed (Catch2 assertions are not thread-safe).
std::thread serve_one_echo(LoopbackTransport::Listener& listener,
                           std::optional<Errc>& server_error) {
    return std::thread([&listener, &server_error] {
        auto session =
            LoopbackSession<codecs::StringReverse>::accept(listener, server_config(), 1, soon());
        if (!session) {
            server_error = session.error().code;
            return;
        }
        auto echo = [](const codecs::StringReverseView& in, codecs::StringReverseBuilder& out) {
            return out.set(in.text);
        };
        auto served = session->serve_one(echo, soon());
        server_error = served ? std::nullopt : std::optional(served.error().code);
    });
}

// Calls a batch of the INCREMENT values 1, 2, 3; `answered` counts the
// items handed out.
template <class SessionType>
Result<void> call_batch_of_three(SessionType& session, int& answered) {
    const std::array<std::uint64_t, 3> requests{1, 2, 3};
    return session.call_batch(
        std::span<const std::uint64_t>(requests), [&](std::uint32_t, auto) { ++answered; }, soon());
}

} // namespace

TEST_CASE("INCREMENT single and batch calls over a session", "[session]") {
    ServerThread<codecs::Increment, decltype(increment_handler())> server(
        "increment", 65536, server_config(), 3, increment_handler());
    auto session =
        LoopbackSession<codecs::Increment>::connect({"increment", 65536}, client_config(), soon());
    REQUIRE(session.has_value());
    CHECK(session->parameters().session_id == 1);
    CHECK(session->parameters().requests.max_batch_items == 64);

    CHECK(session->call(41, soon())->value == 42);
    CHECK(session->call(0xffffffffffffffffULL, soon())->value == 0);

    const std::vector<std::uint64_t> values{1, 2, 3, 100};
    std::vector<std::uint64_t> answers;
    REQUIRE(session
                ->call_batch(
                    std::span<const std::uint64_t>(values),
                    [&](std::uint32_t, const codecs::IncrementView& view) {
                        answers.push_back(view.value);
                    },
                    soon())
                .has_value());
    CHECK(answers == std::vector<std::uint64_t>{2, 3, 4, 101});
    CHECK_FALSE(server.join().has_value());
}

TEST_CASE("STRING_REVERSE calls chunk over small packets", "[session][chunking]") {
    auto reverse = [](const codecs::StringReverseView& request,
                      codecs::StringReverseBuilder& response) {
        auto room = response.text_buffer(request.text.size());
        if (!room) {
            return Result<void>(std::unexpected(room.error()));
        }
        std::ranges::reverse_copy(request.text, room->begin());
        return Result<void>{};
    };
    ServerThread<codecs::StringReverse, decltype(reverse)> server("reverse", 65536, server_config(),
                                                                  3, reverse);
    auto config = client_config();
    config.packet_size = 64; // narrow the transport's packets to force chunking
    auto session =
        LoopbackSession<codecs::StringReverse>::connect({"reverse", 65536}, config, soon());
    REQUIRE(session.has_value());
    REQUIRE(session->parameters().packet_size == 64);

    std::string long_text(5000, 'x');
    for (std::size_t i = 0; i < long_text.size(); ++i) {
        long_text[i] = static_cast<char>('a' + i % 26);
    }
    std::string expected(long_text.rbegin(), long_text.rend());
    CHECK(session->call(long_text, soon())->text == expected);
    CHECK(session->call("", soon())->text.empty());

    const std::vector<std::string_view> texts{"a", "hello world", ""};
    std::vector<std::string> answers;
    REQUIRE(session
                ->call_batch(
                    std::span<const std::string_view>(texts),
                    [&](std::uint32_t, const codecs::StringReverseView& view) {
                        answers.emplace_back(view.text);
                    },
                    soon())
                .has_value());
    CHECK(answers == std::vector<std::string>{"a", "dlrow olleh", ""});
    CHECK_FALSE(server.join().has_value());
}

TEST_CASE("a CGROUPS_SNAPSHOT call returns every item", "[session][snapshot]") {
    auto snapshot = [](const codecs::CgroupsSnapshotRequestView&,
                       codecs::CgroupsSnapshotBuilder& out) {
        out.set_systemd_enabled(1);
        out.set_generation(7);
        for (const char* name : {"system.slice_docker.service", "k8s_pod_1234", ""}) {
            const std::string path = std::string("/sys/fs/cgroup/") + name;
            if (auto added =
                    out.add(codecs::CgroupsItemView{codecs::simple_hash(name), 0, 1, name, path});
                !added) {
                return added;
            }
        }
        return Result<void>{};
    };
    auto narrow_server = server_config();
    narrow_server.packet_size = 128; // the server narrows packets this time
    ServerThread<codecs::CgroupsSnapshot, decltype(snapshot)> server("snapshot", 65536,
                                                                     narrow_server, 1, snapshot);
    auto session = LoopbackSession<codecs::CgroupsSnapshot>::connect({"snapshot", 65536},
                                                                     client_config(1), soon());
    REQUIRE(session.has_value());
    CHECK(session->parameters().packet_size == 128);
    auto view = session->call({}, soon());
    REQUIRE(view.has_value());
    CHECK(view->generation() == 7);
    REQUIRE(view->size() == 3);
    CHECK((*view)[0].name == "system.slice_docker.service");
    CHECK((*view)[1].hash == codecs::simple_hash("k8s_pod_1234"));
    CHECK((*view)[2].path == "/sys/fs/cgroup/");
    CHECK_FALSE(server.join().has_value());
}

TEST_CASE("a handler failure is answered INTERNAL_ERROR and ends the session", "[session]") {
    auto failing = [](const codecs::IncrementView&, codecs::IncrementBuilder&) {
        return Result<void>(fail(Errc::internal, "handler refused"));
    };
    ServerThread<codecs::Increment, decltype(failing)> server("failing", 4096, server_config(), 1,
                                                              failing);
    auto session =
        LoopbackSession<codecs::Increment>::connect({"failing", 4096}, client_config(), soon());
    REQUIRE(session.has_value());
    CHECK(session->call(1, soon()).error().code == Errc::internal);
    CHECK(server.join() == Errc::internal);
}

TEST_CASE("a response over the negotiated ceiling is answered LIMIT_EXCEEDED", "[session]") {
    auto too_big = [](const codecs::StringReverseView&, codecs::StringReverseBuilder& response) {
        return response.set(std::string(200, 'z'));
    };
    ServerThread<codecs::StringReverse, decltype(too_big)> server("too-big", 4096,
                                                                  server_config(64), 1, too_big);
    auto session =
        LoopbackSession<codecs::StringReverse>::connect({"too-big", 4096}, client_config(), soon());
    REQUIRE(session.has_value());
    CHECK(session->parameters().responses.max_payload_bytes == 64);
    CHECK(session->call("x", soon()).error().code == Errc::limit_exceeded);
    CHECK(server.join() == Errc::overflow);
}

TEST_CASE("requests over the negotiated ceilings fail before anything is sent", "[session]") {
    auto listener = LoopbackTransport::listen({"limits", 4096}).value();
    auto config = client_config(2);
    config.max_request_payload_bytes = 32;
    // Catch2 assertions are not thread-safe: threads record, the test checks.
    bool server_accepted = false;
    std::thread server([&] {
        server_accepted =
            LoopbackSession<codecs::StringReverse>::accept(listener, server_config(), 1, soon())
                .has_value();
    });
    auto session =
        LoopbackSession<codecs::StringReverse>::connect({"limits", 4096}, config, soon());
    server.join();
    REQUIRE(server_accepted);
    REQUIRE(session.has_value());
    const std::size_t sent_after_handshake = session->connection().packets_sent();

    CHECK(session->call(std::string(40, 'a'), soon()).error().code == Errc::message_too_large);
    const std::vector<std::string_view> three{"a", "b", "c"};
    CHECK(session
              ->call_batch(
                  std::span<const std::string_view>(three),
                  [](std::uint32_t, const codecs::StringReverseView&) {}, soon())
              .error()
              .code
          == Errc::message_too_large);
    CHECK(session->connection().packets_sent() == sent_after_handshake);
}

TEST_CASE("a wrong auth token fails the handshake on both sides", "[session][handshake]") {
    auto listener = LoopbackTransport::listen({"auth", 4096}).value();
    std::optional<Errc> server_error;
    std::thread server([&] {
        auto session =
            LoopbackSession<codecs::Increment>::accept(listener, server_config(), 1, soon());
        server_error = session ? std::nullopt : std::optional(session.error().code);
    });
    auto config = client_config();
    config.auth_token = token + 1;
    auto session = LoopbackSession<codecs::Increment>::connect({"auth", 4096}, config, soon());
    server.join();
    REQUIRE_FALSE(session.has_value());
    CHECK(session.error().code == Errc::auth_failed);
    CHECK(server_error == Errc::auth_failed);
}

TEST_CASE("connecting to nothing is not_found", "[session]") {
    auto session =
        LoopbackSession<codecs::Increment>::connect({"nobody-home", 4096}, client_config(), soon());
    REQUIRE_FALSE(session.has_value());
    CHECK(session.error().code == Errc::not_found);
}

TEST_CASE("a batch request for a non-batchable method is answered UNSUPPORTED", "[session]") {
    auto listener = LoopbackTransport::listen({"no-batch", 4096}).value();
    std::optional<Errc> server_error;
    std::thread server([&] {
        auto session =
            LoopbackSession<codecs::CgroupsSnapshot>::accept(listener, server_config(), 1, soon());
        if (!session) {
            server_error = session.error().code;
            return;
        }
        auto handler = [](const codecs::CgroupsSnapshotRequestView&,
                          codecs::CgroupsSnapshotBuilder&) { return Result<void>{}; };
        auto served = session->serve_one(handler, soon());
        server_error = served ? std::nullopt : std::optional(served.error().code);
    });
    auto session = LoopbackSession<codecs::CgroupsSnapshot>::connect({"no-batch", 4096},
                                                                     client_config(4), soon());
    REQUIRE(session.has_value());
    std::array<std::byte, 64> payload{};
    wire::BatchBuilder batch(payload);
    std::array<std::byte, 4> request{};
    REQUIRE(codecs::CgroupsSnapshot::encode_request({}, request).has_value());
    REQUIRE(batch.add(request).has_value());
    REQUIRE(batch.add(request).has_value());
    const auto length = batch.finish().value();
    auto header = wire::make_request_header(wire::MethodCode::cgroups_snapshot, 1,
                                            static_cast<std::uint32_t>(length));
    header.flags = wire::flags::batch;
    header.item_count = 2;
    REQUIRE(session->send(header, wire::Bytes(payload.data(), length), soon()).has_value());
    auto answer = session->receive(soon());
    server.join();
    CHECK(server_error == Errc::unsupported);
    REQUIRE(answer.has_value());
    CHECK(answer->header.transport_status == wire::TransportStatus::unsupported);
    CHECK(answer->header.message_id == 1);
    CHECK(answer->header.payload_len == 0);
}

TEST_CASE("the failure status says where a request failed, not what the error was", "[session]") {
    SECTION("a handler failing with a decode-like error is still INTERNAL_ERROR") {
        auto failing = [](const codecs::IncrementView&, codecs::IncrementBuilder&) {
            return Result<void>(fail(Errc::bad_layout, "the handler's own data was bad"));
        };
        ServerThread<codecs::Increment, decltype(failing)> server("stage-handler", 4096,
                                                                  server_config(), 1, failing);
        auto session = LoopbackSession<codecs::Increment>::connect({"stage-handler", 4096},
                                                                   client_config(), soon());
        REQUIRE(session.has_value());
        CHECK(session->call(1, soon()).error().code == Errc::internal);
        CHECK(server.join() == Errc::bad_layout);
    }
    SECTION("a malformed request is BAD_ENVELOPE, with an empty payload and item_count 1") {
        auto listener = LoopbackTransport::listen({"stage-malformed", 4096}).value();
        std::optional<Errc> server_error;
        std::thread server = serve_one_echo(listener, server_error);
        auto session = LoopbackSession<codecs::StringReverse>::connect({"stage-malformed", 4096},
                                                                       client_config(), soon());
        REQUIRE(session.has_value());
        std::array<std::byte, 16> bad{}; // str_offset 0: not a STRING_REVERSE payload
        REQUIRE(session
                    ->send(wire::make_request_header(wire::MethodCode::string_reverse, 1, 16), bad,
                           soon())
                    .has_value());
        auto answer = session->receive(soon());
        server.join();
        REQUIRE(answer.has_value());
        CHECK(answer->header.transport_status == wire::TransportStatus::bad_envelope);
        CHECK(answer->header.payload_len == 0);
        CHECK(answer->header.item_count == 1);
        CHECK(answer->header.message_id == 1);
        CHECK(server_error == Errc::bad_layout);
    }
}

TEST_CASE("batches of zero and one item never go out as BATCH messages", "[session][batch]") {
    auto listener = LoopbackTransport::listen({"small-batches", 4096}).value();
    std::vector<wire::MessageHeader> seen;
    bool answered = false;
    std::thread server([&] {
        auto session =
            LoopbackSession<codecs::Increment>::accept(listener, server_config(), 1, soon());
        if (!session) {
            return;
        }
        auto request = session->receive(soon());
        if (!request) {
            return;
        }
        seen.push_back(request->header);
        std::array<std::byte, 8> payload{};
        if (codecs::Increment::encode_response(
                codecs::Increment::decode_request(request->payload)->value + 1, payload)) {
            answered = session
                           ->send(wire::make_response_header(wire::MethodCode::increment,
                                                             request->header.message_id, 8),
                                  payload, soon())
                           .has_value();
        }
    });
    auto session = LoopbackSession<codecs::Increment>::connect({"small-batches", 4096},
                                                               client_config(), soon());
    REQUIRE(session.has_value());
    const std::size_t sent_after_handshake = session->connection().packets_sent();
    int calls = 0;
    REQUIRE(session
                ->call_batch(
                    std::span<const std::uint64_t>(), [&](std::uint32_t, auto) { ++calls; }, soon())
                .has_value());
    CHECK(calls == 0);
    CHECK(session->connection().packets_sent() == sent_after_handshake);

    const std::array<std::uint64_t, 1> one{41};
    std::uint64_t answer = 0;
    REQUIRE(session
                ->call_batch(
                    std::span<const std::uint64_t>(one),
                    [&](std::uint32_t, const codecs::IncrementView& view) { answer = view.value; },
                    soon())
                .has_value());
    server.join();
    CHECK(answered);
    CHECK(answer == 42);
    REQUIRE(seen.size() == 1);
    CHECK_FALSE(seen[0].is_batch());
    CHECK(seen[0].item_count == 1);
}

TEST_CASE("a response to a message_id that is not in flight is a protocol violation",
          "[session][pipeline]") {
    auto listener = LoopbackTransport::listen({"wrong-id", 4096}).value();
    bool answered = false;
    std::thread server([&] {
        auto session =
            LoopbackSession<codecs::Increment>::accept(listener, server_config(), 1, soon());
        if (!session) {
            return;
        }
        auto request = session->receive(soon());
        if (!request) {
            return;
        }
        std::array<std::byte, 8> payload{};
        answered = codecs::Increment::encode_response(1, payload)
                   && session
                          ->send(wire::make_response_header(wire::MethodCode::increment,
                                                            request->header.message_id + 5, 8),
                                 payload, soon())
                          .has_value();
    });
    auto session =
        LoopbackSession<codecs::Increment>::connect({"wrong-id", 4096}, client_config(), soon());
    REQUIRE(session.has_value());
    auto answer = session->call(1, soon());
    server.join();
    CHECK(answered);
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().code == Errc::protocol_violation);
}

TEST_CASE("a request exactly at the negotiated ceiling goes through, one byte more does not",
          "[session][limits]") {
    auto reverse = [](const codecs::StringReverseView& request,
                      codecs::StringReverseBuilder& response) {
        return response.set(request.text);
    };
    ServerThread<codecs::StringReverse, decltype(reverse)> server("at-limit", 4096, server_config(),
                                                                  1, reverse);
    auto config = client_config();
    config.max_request_payload_bytes = 64; // 8-byte header + 55 characters + NUL
    auto session =
        LoopbackSession<codecs::StringReverse>::connect({"at-limit", 4096}, config, soon());
    REQUIRE(session.has_value());
    CHECK(session->call(std::string(56, 'x'), soon()).error().code == Errc::message_too_large);
    CHECK(session->call(std::string(55, 'x'), soon())->text == std::string(55, 'x'));
    CHECK_FALSE(server.join().has_value());
}

namespace {

// Sends `header` and `payload` as one message straight through the framing,
// bypassing Session::send's own limit check, as a broken or hostile client
// would.
template <class SessionType>
void send_unchecked(SessionType& session, const wire::MessageHeader& header, wire::Bytes payload) {
    REQUIRE(framing::Nipc::send(session.connection(), header, payload,
                                session.parameters().packet_size, soon())
                .has_value());
}

// The status the server answered with, after checking the answer is a
// terminal one for `message_id`: empty payload, item_count 1.
template <class SessionType>
wire::TransportStatus terminal_status(SessionType& session, std::uint64_t message_id) {
    auto answer = session.receive(soon());
    REQUIRE(answer.has_value());
    CHECK(answer->header.kind == wire::MessageKind::response);
    CHECK(answer->header.message_id == message_id);
    CHECK(answer->header.payload_len == 0);
    CHECK(answer->header.item_count == 1);
    CHECK_FALSE(answer->header.is_batch());
    return answer->header.transport_status;
}

// A batch payload of `count` INCREMENT items into `buffer`.
wire::Bytes increment_batch(std::vector<std::byte>& buffer, std::uint32_t count) {
    buffer.assign(std::size_t{count} * 16 + 16, std::byte{0});
    wire::BatchBuilder batch(buffer);
    for (std::uint32_t i = 0; i < count; ++i) {
        std::array<std::byte, 8> item{};
        REQUIRE(codecs::Increment::encode_request(i, item).has_value());
        REQUIRE(batch.add(item).has_value());
    }
    return {buffer.data(), batch.finish().value()};
}

} // namespace

TEST_CASE("a request the server cannot receive whole is answered by its message_id",
          "[session][limits]") {
    constexpr std::uint64_t id = 77;
    const auto handler = increment_handler();
    auto config = client_config(2);
    config.max_request_payload_bytes = 64;

    SECTION("payload_len over the request ceiling: LIMIT_EXCEEDED") {
        ServerThread<codecs::Increment, decltype(handler)> server("over-payload", 4096,
                                                                  server_config(), 1, handler);
        auto session =
            LoopbackSession<codecs::Increment>::connect({"over-payload", 4096}, config, soon());
        REQUIRE(session.has_value());
        const std::vector<std::byte> payload(100);
        send_unchecked(*session, wire::make_request_header(wire::MethodCode::increment, id, 100),
                       payload);
        CHECK(terminal_status(*session, id) == wire::TransportStatus::limit_exceeded);
        CHECK(server.join() == Errc::limit_exceeded);
    }
    SECTION("item_count over the batch-item ceiling: LIMIT_EXCEEDED") {
        ServerThread<codecs::Increment, decltype(handler)> server("over-items", 4096,
                                                                  server_config(), 1, handler);
        auto session =
            LoopbackSession<codecs::Increment>::connect({"over-items", 4096}, config, soon());
        REQUIRE(session.has_value());
        std::vector<std::byte> buffer;
        const wire::Bytes payload = increment_batch(buffer, 3);
        auto header = wire::make_request_header(wire::MethodCode::increment, id,
                                                static_cast<std::uint32_t>(payload.size()));
        header.flags = wire::flags::batch;
        header.item_count = 3;
        send_unchecked(*session, header, payload);
        CHECK(terminal_status(*session, id) == wire::TransportStatus::limit_exceeded);
        CHECK(server.join() == Errc::limit_exceeded);
    }
    SECTION("a batch directory pointing at a misaligned item: BAD_ENVELOPE") {
        ServerThread<codecs::Increment, decltype(handler)> server("bad-directory", 4096,
                                                                  server_config(), 1, handler);
        auto session =
            LoopbackSession<codecs::Increment>::connect({"bad-directory", 4096}, config, soon());
        REQUIRE(session.has_value());
        std::vector<std::byte> buffer;
        const wire::Bytes good = increment_batch(buffer, 2);
        std::vector<std::byte> payload(good.begin(), good.end());
        payload[0] = std::byte{4}; // item 0 now starts 4 bytes into the packed area
        auto header = wire::make_request_header(wire::MethodCode::increment, id,
                                                static_cast<std::uint32_t>(payload.size()));
        header.flags = wire::flags::batch;
        header.item_count = 2;
        send_unchecked(*session, header, payload);
        CHECK(terminal_status(*session, id) == wire::TransportStatus::bad_envelope);
        CHECK(server.join() == Errc::bad_alignment);
    }
    SECTION("a packet shorter than its payload_len: BAD_ENVELOPE") {
        ServerThread<codecs::Increment, decltype(handler)> server("short-packet", 4096,
                                                                  server_config(), 1, handler);
        auto session =
            LoopbackSession<codecs::Increment>::connect({"short-packet", 4096}, config, soon());
        REQUIRE(session.has_value());
        std::array<std::byte, wire::message_header_size + 4> packet{};
        REQUIRE(wire::encode(wire::make_request_header(wire::MethodCode::increment, id, 8), packet)
                    .has_value());
        const std::array pieces{wire::Bytes(packet)};
        REQUIRE(session->connection().send_packet(pieces, soon()).has_value());
        CHECK(terminal_status(*session, id) == wire::TransportStatus::bad_envelope);
        CHECK(server.join() == Errc::protocol_violation);
    }
}

namespace {

// The NetIPC framing with its optional receiver capabilities hidden: what
// Session must cope with when a user's framing offers only what the Framing
// concept names.
struct PlainMessage {
    wire::MessageHeader header;
    wire::Bytes payload;
};

class PlainReceiver {
public:
    PlainReceiver(wire::DirectionalLimits limits, std::uint32_t packet_size)
        : inner_(limits, packet_size) {}

    template <class Connection>
    Result<PlainMessage> receive(Connection& connection, Deadline deadline,
                                 const AbortSignal* abort) {
        auto message = inner_.receive(connection, deadline, abort);
        if (!message) {
            return std::unexpected(message.error());
        }
        return PlainMessage{message->header, message->payload};
    }

private:
    framing::MessageReceiver inner_;
};

struct PlainFraming {
    using Receiver = PlainReceiver;
    using Received = PlainMessage;

    template <class Connection>
    static Result<SessionParameters> client_handshake(Connection& connection,
                                                      const ClientHandshakeConfig& config,
                                                      Deadline deadline, const AbortSignal* abort) {
        return framing::Nipc::client_handshake(connection, config, deadline, abort);
    }
    template <class Connection>
    static Result<SessionParameters> server_handshake(Connection& connection,
                                                      const ServerHandshakeConfig& config,
                                                      std::uint64_t session_id, Deadline deadline,
                                                      const AbortSignal* abort) {
        return framing::Nipc::server_handshake(connection, config, session_id, deadline, abort);
    }
    template <class Connection>
    static Result<void> send(Connection& connection, const wire::MessageHeader& header,
                             wire::Bytes payload, std::uint32_t packet_size, Deadline deadline) {
        return framing::Nipc::send(connection, header, payload, packet_size, deadline);
    }
    // The least a framing can do for messages built in place: ask for no
    // room and send the payload the usual way.
    static constexpr std::size_t header_room = 0;
    template <class Connection>
    static Result<void> send_in_place(Connection& connection, const wire::MessageHeader& header,
                                      wire::MutableBytes message, std::uint32_t packet_size,
                                      Deadline deadline) {
        return send(connection, header, message, packet_size, deadline);
    }
};

static_assert(Framing<PlainFraming, LoopbackConnection>);
static_assert(!ReportsFailedHeader<PlainReceiver>);
static_assert(!CarriesBatchView<PlainMessage>);
static_assert(ReportsFailedHeader<framing::MessageReceiver>);
static_assert(CarriesBatchView<framing::ReceivedMessage>);

using PlainIncrementSession = Session<LoopbackTransport, PlainFraming, codecs::Increment>;

} // namespace

TEST_CASE("a framing without the optional receiver capabilities still serves batches",
          "[session][framing]") {
    const auto handler = increment_handler();
    auto listener = LoopbackTransport::listen({"plain", 4096});
    REQUIRE(listener.has_value());
    testing::ServerThread<PlainIncrementSession, decltype(handler)> server(
        std::move(*listener), server_config(), 2, handler);
    auto session = PlainIncrementSession::connect({"plain", 4096}, client_config(), soon());
    REQUIRE(session.has_value());

    CHECK(session->call(1, soon())->value == 2);
    // Session parses the batch directory itself when the message carries no
    // validated view.
    const std::vector<std::uint64_t> values{10, 20, 30};
    std::vector<std::uint64_t> answers;
    REQUIRE(session
                ->call_batch(
                    std::span<const std::uint64_t>(values),
                    [&](std::uint32_t, const codecs::IncrementView& view) {
                        answers.push_back(view.value);
                    },
                    soon())
                .has_value());
    CHECK(answers == std::vector<std::uint64_t>{11, 21, 31});
    CHECK_FALSE(server.join().has_value());
}

TEST_CASE("without a failed-header report, a request over the limits ends the session unanswered",
          "[session][framing][limits]") {
    const auto handler = increment_handler();
    auto listener = LoopbackTransport::listen({"plain-limits", 4096});
    REQUIRE(listener.has_value());
    testing::ServerThread<PlainIncrementSession, decltype(handler)> server(
        std::move(*listener), server_config(), 1, handler);
    auto config = client_config(2);
    config.max_request_payload_bytes = 64;
    auto session = PlainIncrementSession::connect({"plain-limits", 4096}, config, soon());
    REQUIRE(session.has_value());
    const std::vector<std::byte> payload(100);
    send_unchecked(*session, wire::make_request_header(wire::MethodCode::increment, 5, 100),
                   payload);
    CHECK(server.join() == Errc::limit_exceeded);
    auto answer = session->receive(soon());
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().code == Errc::disconnected);
}

TEST_CASE("a handler failing on one item of a batch fails the whole batch as INTERNAL_ERROR",
          "[session][batch]") {
    auto fails_on_two = [](const codecs::IncrementView& request, codecs::IncrementBuilder& out) {
        if (request.value == 2) {
            return Result<void>(fail(Errc::not_found, "the handler has no answer for 2"));
        }
        out.set(request.value + 1);
        return Result<void>{};
    };
    ServerThread<codecs::Increment, decltype(fails_on_two)> server(
        "batch-handler", 4096, server_config(), 1, fails_on_two);
    auto session = LoopbackSession<codecs::Increment>::connect({"batch-handler", 4096},
                                                               client_config(), soon());
    REQUIRE(session.has_value());
    int answered = 0;
    const auto batch = call_batch_of_three(*session, answered);
    REQUIRE_FALSE(batch.has_value());
    CHECK(batch.error().code == Errc::internal);
    CHECK(answered == 0); // no item of a failed batch is handed out
    CHECK(server.join() == Errc::not_found);
}

// Batch items are handled four at a time (Session's in_groups): a batch of
// nine has two whole groups and one item left over, and a failure inside a
// group must stop the batch at that item.
TEST_CASE("a batch of whole groups and a rest is answered in order, and stops at a failing item",
          "[session][batch]") {
    std::vector<std::uint64_t> handled; // what the server's handler was given
    auto fails_on_six = [&handled](const codecs::IncrementView& request,
                                   codecs::IncrementBuilder& out) {
        handled.push_back(request.value);
        if (request.value == 6) {
            return Result<void>(fail(Errc::not_found, "the handler has no answer for 6"));
        }
        out.set(request.value + 1);
        return Result<void>{};
    };
    ServerThread<codecs::Increment, decltype(fails_on_six)> server(
        "batch-groups", 4096, server_config(), 2, fails_on_six);
    auto session = LoopbackSession<codecs::Increment>::connect({"batch-groups", 4096},
                                                               client_config(), soon());
    REQUIRE(session.has_value());

    const std::vector<std::uint64_t> whole{10, 11, 12, 13, 14, 15, 16, 17, 18};
    std::vector<std::pair<std::uint32_t, std::uint64_t>> answers;
    REQUIRE(session
                ->call_batch(
                    std::span<const std::uint64_t>(whole),
                    [&](std::uint32_t index, const codecs::IncrementView& view) {
                        answers.emplace_back(index, view.value);
                    },
                    soon())
                .has_value());
    const std::vector<std::pair<std::uint32_t, std::uint64_t>> expected{
        {0, 11}, {1, 12}, {2, 13}, {3, 14}, {4, 15}, {5, 16}, {6, 17}, {7, 18}, {8, 19}};
    CHECK(answers == expected);

    handled.clear();
    answers.clear();
    const std::vector<std::uint64_t> failing{1, 2, 3, 4, 5, 6, 7, 8, 9};
    const auto batch = session->call_batch(
        std::span<const std::uint64_t>(failing),
        [&](std::uint32_t index, const codecs::IncrementView& view) {
            answers.emplace_back(index, view.value);
        },
        soon());
    REQUIRE_FALSE(batch.has_value());
    CHECK(batch.error().code == Errc::internal);
    CHECK(answers.empty());
    CHECK(server.join() == Errc::not_found);
    // The items behind the failing one, in its group and after, never ran.
    CHECK(handled == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6});
}

namespace {
// INCREMENT declaring the wrong FixedSizePayloads sizes: its payloads are
// 8 bytes, it claims 16. A batch laid out for 16-byte items would carry a
// directory that does not describe its items, so Session must refuse it.
struct IncrementClaimingSixteen : codecs::Increment {
    static constexpr std::size_t fixed_request_size = 16;
    static constexpr std::size_t fixed_response_size = 16;
};
static_assert(FixedSizePayloads<IncrementClaimingSixteen>);
} // namespace

TEST_CASE("a request batch off its codec's fixed size is refused before anything is sent",
          "[session][batch]") {
    ServerThread<codecs::Increment, decltype(increment_handler())> server(
        "batch-off-size", 4096, server_config(), 1, increment_handler());
    auto session = LoopbackSession<IncrementClaimingSixteen>::connect({"batch-off-size", 4096},
                                                                      client_config(), soon());
    REQUIRE(session.has_value());
    const std::size_t sent_after_handshake = session->connection().packets_sent();
    int answered = 0;
    const auto batch = call_batch_of_three(*session, answered);
    REQUIRE_FALSE(batch.has_value());
    CHECK(batch.error().code == Errc::invalid_argument);
    CHECK(answered == 0);
    CHECK(session->connection().packets_sent() == sent_after_handshake);
    // A local error: the session is still usable.
    CHECK(session->call(41, soon())->value == 42);
    CHECK_FALSE(server.join().has_value());
}

TEST_CASE("a response batch off its codec's fixed size is answered INTERNAL_ERROR",
          "[session][batch]") {
    ServerThread<IncrementClaimingSixteen, decltype(increment_handler())> server(
        "batch-off-size-response", 4096, server_config(), 1, increment_handler());
    auto session = LoopbackSession<codecs::Increment>::connect({"batch-off-size-response", 4096},
                                                               client_config(), soon());
    REQUIRE(session.has_value());
    int answered = 0;
    const auto batch = call_batch_of_three(*session, answered);
    REQUIRE_FALSE(batch.has_value());
    CHECK(batch.error().code == Errc::internal);
    CHECK(answered == 0);
    CHECK(server.join() == Errc::invalid_argument);
}

TEST_CASE("a batch with one malformed item is answered BAD_ENVELOPE by its message_id",
          "[session][batch]") {
    auto listener = LoopbackTransport::listen({"batch-malformed", 4096}).value();
    std::optional<Errc> server_error;
    std::thread server = serve_one_echo(listener, server_error);
    auto session = LoopbackSession<codecs::StringReverse>::connect({"batch-malformed", 4096},
                                                                   client_config(), soon());
    REQUIRE(session.has_value());
    std::array<std::byte, 256> payload{};
    wire::BatchBuilder batch(payload);
    std::array<std::byte, 16> good{};
    const auto good_length = codecs::StringReverse::encode_request("ok", good);
    REQUIRE(good_length.has_value());
    REQUIRE(batch.add(wire::Bytes(good.data(), *good_length)).has_value());
    const std::array<std::byte, 16> bad{}; // str_offset 0: not a STRING_REVERSE payload
    REQUIRE(batch.add(bad).has_value());
    const auto length = batch.finish().value();
    auto header = wire::make_request_header(wire::MethodCode::string_reverse, 7,
                                            static_cast<std::uint32_t>(length));
    header.flags = wire::flags::batch;
    header.item_count = 2;
    REQUIRE(session->send(header, wire::Bytes(payload.data(), length), soon()).has_value());
    auto answer = session->receive(soon());
    server.join();
    REQUIRE(answer.has_value());
    CHECK(answer->header.transport_status == wire::TransportStatus::bad_envelope);
    CHECK(answer->header.message_id == 7);
    CHECK(answer->header.payload_len == 0);
    CHECK(server_error == Errc::bad_layout);
}

TEST_CASE("a raw send over the negotiated limits is refused and the session stays usable",
          "[session]") {
    ServerThread<codecs::Increment, decltype(increment_handler())> server(
        "raw-limits", 4096, server_config(), 1, increment_handler());
    auto config = client_config(2);
    auto session =
        LoopbackSession<codecs::Increment>::connect({"raw-limits", 4096}, config, soon());
    REQUIRE(session.has_value());
    const std::size_t sent_after_handshake = session->connection().packets_sent();
    auto header = wire::make_request_header(wire::MethodCode::increment, 1, 8);
    header.flags = wire::flags::batch;
    header.item_count = 3; // the session allows 2
    std::array<std::byte, 8> payload{};
    const auto refused = session->send(header, payload, soon());
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == Errc::message_too_large);
    CHECK(session->connection().packets_sent() == sent_after_handshake);
    auto answer = session->call(41, soon());
    REQUIRE(answer.has_value());
    CHECK(answer->value == 42);
    CHECK_FALSE(server.join().has_value());
}

TEST_CASE("an accept with nobody connecting ends at its deadline", "[session]") {
    auto listener = LoopbackTransport::listen({"nobody-calls", 4096}).value();
    auto session = LoopbackSession<codecs::Increment>::accept(listener, server_config(), 1,
                                                              Deadline::after(0ms));
    REQUIRE_FALSE(session.has_value());
    CHECK(session.error().code == Errc::timeout);
}

TEST_CASE("answers of the wrong shape are protocol violations", "[session][batch]") {
    // The server answers each request with the item count of the other form:
    // a single request gets a BATCH of two, a batch of three gets two items.
    auto listener = LoopbackTransport::listen({"wrong-shape", 4096}).value();
    int answered = 0;
    std::thread server([&] {
        auto session =
            LoopbackSession<codecs::Increment>::accept(listener, server_config(), 1, soon());
        if (!session) {
            return;
        }
        for (int i = 0; i < 2; ++i) {
            auto request = session->receive(soon());
            if (!request) {
                return;
            }
            std::array<std::byte, 64> payload{};
            wire::BatchBuilder batch(payload);
            std::array<std::byte, 8> item{};
            if (!codecs::Increment::encode_response(1, item) || !batch.add(item)
                || !batch.add(item)) {
                return;
            }
            const auto length = batch.finish();
            if (!length) {
                return;
            }
            auto header =
                wire::make_response_header(wire::MethodCode::increment, request->header.message_id,
                                           static_cast<std::uint32_t>(*length));
            header.flags = wire::flags::batch;
            header.item_count = 2;
            if (session->send(header, wire::Bytes(payload.data(), *length), soon())) {
                ++answered;
            }
        }
    });
    auto session =
        LoopbackSession<codecs::Increment>::connect({"wrong-shape", 4096}, client_config(), soon());
    REQUIRE(session.has_value());
    auto single = session->call(1, soon());
    REQUIRE_FALSE(single.has_value());
    CHECK(single.error().code == Errc::protocol_violation);
    CHECK(std::string(single.error().detail) == "single request answered with a batch");
    const std::array<std::uint64_t, 3> three{1, 2, 3};
    auto batch = session->call_batch(
        std::span<const std::uint64_t>(three), [](std::uint32_t, auto) {}, soon());
    REQUIRE_FALSE(batch.has_value());
    CHECK(batch.error().code == Errc::protocol_violation);
    CHECK(std::string(batch.error().detail) == "batch answered with a different item count");
    server.join();
    CHECK(answered == 2);
}

namespace {

// An INCREMENT batch of `values` whose items are 16 bytes long (the value,
// then 8 zero bytes): valid, as decoders take any item of at least 8 bytes,
// but not the one-pass layout of 8-byte items, so a receiver must read it
// through its directory. The payload length.
std::size_t wide_increment_batch(std::span<const std::uint64_t> values, wire::MutableBytes out) {
    wire::BatchBuilder batch(out);
    for (const std::uint64_t value : values) {
        std::array<std::byte, 16> item{};
        REQUIRE(codecs::Increment::encode_request(value, item).has_value());
        REQUIRE(batch.add(item).has_value());
    }
    return batch.finish().value();
}

} // namespace

TEST_CASE("a fixed-size method's batch laid out another way is read item by item",
          "[session][batch]") {
    const std::array<std::uint64_t, 5> values{10, 20, 30, 40, 50};
    SECTION("requests with wider items are answered") {
        ServerThread<codecs::Increment, decltype(increment_handler())> server(
            "wide-requests", 4096, server_config(), 1, increment_handler());
        auto session = LoopbackSession<codecs::Increment>::connect({"wide-requests", 4096},
                                                                   client_config(), soon());
        REQUIRE(session.has_value());
        std::array<std::byte, 256> payload{};
        const std::size_t length = wide_increment_batch(values, payload);
        auto header = wire::make_request_header(wire::MethodCode::increment, 1,
                                                static_cast<std::uint32_t>(length));
        header.flags = wire::flags::batch;
        header.item_count = values.size();
        REQUIRE(session->send(header, wire::Bytes(payload.data(), length), soon()).has_value());
        auto answer = session->receive(soon());
        REQUIRE(answer.has_value());
        REQUIRE(answer->header.transport_status == wire::TransportStatus::ok);
        auto items = wire::BatchView::parse(answer->payload, answer->header.item_count);
        REQUIRE(items.has_value());
        REQUIRE(items->size() == values.size());
        for (std::uint32_t i = 0; i < items->size(); ++i) {
            CHECK(codecs::Increment::decode_response((*items)[i])->value == values.at(i) + 1);
        }
        CHECK_FALSE(server.join().has_value());
    }
    SECTION("responses with wider items reach the caller") {
        auto listener = LoopbackTransport::listen({"wide-responses", 4096}).value();
        std::optional<Errc> server_error;
        std::thread server([&] {
            auto session =
                LoopbackSession<codecs::Increment>::accept(listener, server_config(), 1, soon());
            if (!session) {
                server_error = session.error().code;
                return;
            }
            auto request = session->receive(soon());
            if (!request) {
                server_error = request.error().code;
                return;
            }
            const std::array<std::uint64_t, 5> answers{11, 21, 31, 41, 51};
            std::array<std::byte, 256> payload{};
            const std::size_t length = wide_increment_batch(answers, payload);
            auto header =
                wire::make_response_header(wire::MethodCode::increment, request->header.message_id,
                                           static_cast<std::uint32_t>(length));
            header.flags = wire::flags::batch;
            header.item_count = answers.size();
            if (auto sent = session->send(header, wire::Bytes(payload.data(), length), soon());
                !sent) {
                server_error = sent.error().code;
            }
        });
        auto session = LoopbackSession<codecs::Increment>::connect({"wide-responses", 4096},
                                                                   client_config(), soon());
        REQUIRE(session.has_value());
        std::vector<std::uint64_t> seen;
        auto called = session->call_batch(
            std::span<const std::uint64_t>(values),
            [&](std::uint32_t, const codecs::IncrementView& view) { seen.push_back(view.value); },
            soon());
        server.join();
        REQUIRE(called.has_value());
        CHECK(seen == std::vector<std::uint64_t>{11, 21, 31, 41, 51});
        CHECK_FALSE(server_error.has_value());
    }
}
