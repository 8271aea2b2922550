// The TCP example transport end to end: what is particular to a stream
// (frames, oversized frames dropped whole, a frame cut short, port 0), then
// Session, Client and ManagedServer over it, including a message far larger
// than any socket buffer, which must travel as one frame.
//
// The rules every transport keeps are checked by the conformance suite
// (tests/conformance/tcp_conformance_test.cc).
#include "examples/tcp/tcp_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <future>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "codecs/increment.h"
#include "codecs/string_reverse.h"
#include "framing/nipc.h"
#include "services/client.h"
#include "services/increment_service.h"
#include "services/managed_server.h"
#include "services/string_reverse_service.h"
#include "sessions/session.h"
#include "tests/support/sigpipe_probe.h"

namespace {

using namespace std::chrono_literals;
using netipc::Deadline;
using netipc::Errc;
using netipc::Result;
using netipc::codecs::Increment;
using netipc::codecs::IncrementView;
using netipc::codecs::StringReverse;
using netipc::codecs::StringReverseBuilder;
using netipc::codecs::StringReverseView;
using netipc::examples::TcpAddress;
using netipc::examples::TcpConnection;
using netipc::examples::TcpTransport;
using netipc::services::Client;
using netipc::services::ClientConfig;
using netipc::services::IncrementService;
using netipc::services::ManagedServer;
using netipc::services::ServerConfig;
using netipc::services::StringReverseService;

template <class Codec>
using TcpSession = netipc::Session<TcpTransport, netipc::framing::Nipc, Codec>;

constexpr std::uint32_t mib = 1U << 20U;
// Far larger than any TCP socket buffer on loopback.
constexpr std::size_t big_text = std::size_t{4} * mib;
// Ceilings that let the big text (plus its 9 bytes of layout) through.
constexpr std::uint32_t big_ceiling = 8 * mib;

Deadline soon() {
    return Deadline::after(30s);
}

netipc::wire::Bytes bytes_of(std::string_view text) {
    return netipc::wire::as_bytes(text.data(), text.size());
}

std::string reversed(std::string_view text) {
    return {text.rbegin(), text.rend()};
}

std::string alphabet(std::size_t length) {
    std::string text(length, ' ');
    for (std::size_t i = 0; i < length; ++i) {
        text[i] = static_cast<char>('a' + i % 26);
    }
    return text;
}

Result<void> reverse(const StringReverseView& request, StringReverseBuilder& out) {
    auto room = out.text_buffer(request.text.size());
    if (!room) {
        return std::unexpected(room.error());
    }
    std::ranges::reverse_copy(request.text, room->begin());
    return {};
}

std::uint64_t plus_one(const IncrementView& request) {
    return request.value + 1;
}

netipc::ClientHandshakeConfig client_config(std::uint32_t ceiling = 64 * 1024) {
    netipc::ClientHandshakeConfig config;
    config.max_request_payload_bytes = ceiling;
    config.max_response_payload_bytes = ceiling;
    config.max_request_batch_items = 16;
    config.max_response_batch_items = 16;
    return config;
}

netipc::ServerHandshakeConfig server_config(std::uint32_t ceiling = 64 * 1024) {
    netipc::ServerHandshakeConfig config;
    config.max_request_payload_bytes = ceiling;
    config.max_response_payload_bytes = ceiling;
    return config;
}

// A connected pair through a fresh listener on a free port.
struct Pair {
    TcpConnection client;
    TcpConnection server;
};

Pair connected_pair() {
    auto listener = TcpTransport::listen({});
    REQUIRE(listener);
    auto client = TcpTransport::connect(listener->address(), soon());
    REQUIRE(client);
    auto server = listener->accept(soon(), nullptr);
    REQUIRE(server);
    return {std::move(*client), std::move(*server)};
}

Result<void> send_text(TcpConnection& connection, std::string_view text) {
    const std::array<netipc::wire::Bytes, 1> pieces{bytes_of(text)};
    return connection.send_packet(pieces, soon());
}

} // namespace

namespace Catch {
template <>
struct StringMaker<netipc::Errc> {
    static std::string convert(netipc::Errc code) { return netipc::to_string(code); }
};
} // namespace Catch

// --- what is particular to a stream ---------------------------------------------------

TEST_CASE("a TCP listener on port 0 reports the port the kernel picked",
          "[examples][tcp][transport]") {
    auto listener = TcpTransport::listen({});
    REQUIRE(listener);
    CHECK(listener->address().host == "127.0.0.1");
    CHECK(listener->address().port != 0);
    auto client = TcpTransport::connect(listener->address(), soon());
    REQUIRE(client);
    auto server = listener->accept(soon(), nullptr);
    REQUIRE(server);
    REQUIRE(send_text(*client, "ping"));
    std::array<std::byte, 16> buffer{};
    auto got = server->receive_packet(buffer, soon(), nullptr);
    REQUIRE(got);
    CHECK(*got == 4);
}

TEST_CASE("a TCP listener binds loopback addresses only; connect needs a concrete port",
          "[examples][tcp][transport]") {
    CHECK(TcpTransport::listen({"0.0.0.0", 0}).error().code == Errc::invalid_argument);
    CHECK(TcpTransport::listen({"localhost", 0}).error().code == Errc::invalid_argument);
    CHECK(TcpTransport::listen({"127.0.0.2", 0}).has_value()); // all of 127/8 is loopback
    CHECK(TcpTransport::connect({"127.0.0.1", 0}, soon()).error().code == Errc::invalid_argument);
}

TEST_CASE("an empty frame is a packet of zero bytes, not the end of the stream",
          "[examples][tcp][transport]") {
    auto [client, server] = connected_pair();
    REQUIRE(client.send_packet({}, soon()));
    REQUIRE(send_text(client, "after"));
    std::array<std::byte, 16> buffer{};
    CHECK(server.receive_packet(buffer, soon(), nullptr) == 0U);
    CHECK(server.receive_packet(buffer, soon(), nullptr) == 5U);
}

TEST_CASE("a frame longer than the receive buffer is dropped whole: the next one still arrives",
          "[examples][tcp][transport]") {
    auto [client, server] = connected_pair();
    const std::string big = alphabet(100000);
    // The sender runs beside the receiver: 100 kB may not fit the socket
    // buffers of both ends at once.
    auto sent = std::async(std::launch::async, [&client = client, &big] {
        auto first = send_text(client, big);
        return first ? send_text(client, "next") : first;
    });
    std::array<std::byte, 16> small{};
    auto dropped = server.receive_packet(small, soon(), nullptr);
    REQUIRE_FALSE(dropped);
    CHECK(dropped.error().code == Errc::protocol_violation);
    auto next = server.receive_packet(small, soon(), nullptr);
    REQUIRE(next);
    CHECK(std::string_view(reinterpret_cast<const char*>(small.data()), *next) == "next");
    CHECK(sent.get().has_value());
}

TEST_CASE("the end of the stream in the middle of a frame is a disconnect",
          "[examples][tcp][transport]") {
    auto listener = TcpTransport::listen({});
    REQUIRE(listener);
    // A raw peer that announces 100 bytes, sends 10 and closes.
    const int raw = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(raw >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(listener->address().port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(raw, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
    auto server = listener->accept(soon(), nullptr);
    REQUIRE(server);

    std::array<std::byte, 14> partial{};
    const std::uint32_t announced = 100;
    std::memcpy(partial.data(), &announced, sizeof(announced));
    REQUIRE(::send(raw, partial.data(), partial.size(), MSG_NOSIGNAL) == 14);
    ::close(raw);

    std::array<std::byte, 128> buffer{};
    auto got = server->receive_packet(buffer, soon(), nullptr);
    REQUIRE_FALSE(got);
    CHECK(got.error().code == Errc::disconnected);
}

TEST_CASE("a send to a closed peer is disconnected, never a SIGPIPE",
          "[examples][tcp][transport]") {
    auto pair = connected_pair();
    pair.server.close();
    // The first sends may still be taken by the kernel; once the peer's
    // reset is back, a send fails (EPIPE), which without MSG_NOSIGNAL would
    // raise SIGPIPE.
    Result<void> sent;
    bool raised = false;
    while (sent.has_value() && !raised) {
        raised = netipc::testing::raises_sigpipe([&] { sent = send_text(pair.client, "x"); });
    }
    CHECK_FALSE(raised);
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error().code == Errc::disconnected);
}

// --- Session over TCP -----------------------------------------------------------------

TEST_CASE("Session over TCP: typed INCREMENT and STRING_REVERSE calls and batches",
          "[examples][tcp][session]") {
    auto listener = TcpTransport::listen({});
    REQUIRE(listener);

    SECTION("INCREMENT") {
        auto served = std::async(std::launch::async, [&listener] {
            auto session = TcpSession<Increment>::accept(*listener, server_config(), 1, soon());
            if (!session) {
                return Result<void>(std::unexpected(session.error()));
            }
            auto handler = [](const IncrementView& request, netipc::codecs::IncrementBuilder& out) {
                out.set(request.value + 1);
                return Result<void>{};
            };
            for (int i = 0; i < 2; ++i) {
                if (auto one = session->serve_one(handler, soon()); !one) {
                    return one;
                }
            }
            return Result<void>{};
        });
        auto session = TcpSession<Increment>::connect(listener->address(), client_config(), soon());
        REQUIRE(session);
        CHECK(session->parameters().selected_profile == netipc::wire::profile::baseline);
        // Nothing is chunked over a stream: the packet size agreed is what a
        // frame can describe.
        CHECK(session->parameters().packet_size == TcpConnection::max_frame_size);
        CHECK(session->call(41, soon())->value == 42);

        const std::vector<std::uint64_t> values{1, 2, 3, 4, 5};
        std::vector<std::uint64_t> answers;
        REQUIRE(session->call_batch(
            std::span<const std::uint64_t>(values),
            [&](std::uint32_t, const IncrementView& view) { answers.push_back(view.value); },
            soon()));
        CHECK(answers == std::vector<std::uint64_t>{2, 3, 4, 5, 6});
        CHECK(served.get().has_value());
    }
    SECTION("STRING_REVERSE") {
        auto served = std::async(std::launch::async, [&listener] {
            auto session = TcpSession<StringReverse>::accept(*listener, server_config(), 1, soon());
            if (!session) {
                return Result<void>(std::unexpected(session.error()));
            }
            for (int i = 0; i < 2; ++i) {
                if (auto one = session->serve_one(reverse, soon()); !one) {
                    return one;
                }
            }
            return Result<void>{};
        });
        auto session =
            TcpSession<StringReverse>::connect(listener->address(), client_config(), soon());
        REQUIRE(session);
        CHECK(session->call("hello", soon())->text == "olleh");

        const std::vector<std::string_view> texts{"a", "hello world", ""};
        std::vector<std::string> answers;
        REQUIRE(session->call_batch(
            std::span<const std::string_view>(texts),
            [&](std::uint32_t, const StringReverseView& view) { answers.emplace_back(view.text); },
            soon()));
        CHECK(answers == std::vector<std::string>{"a", "dlrow olleh", ""});
        CHECK(served.get().has_value());
    }
}

TEST_CASE("Session over TCP: a 4 MiB message travels as one frame, never chunked",
          "[examples][tcp][session][large]") {
    auto listener = TcpTransport::listen({});
    REQUIRE(listener);
    const std::string text = alphabet(big_text);

    // The server reads the first request as one raw frame (proof that it was
    // not chunked), answers it through the raw Level 1 API, then serves a
    // typed call of the same size.
    struct Seen {
        std::size_t frame_length = 0;
        std::size_t payload_length = 0;
    };
    auto served = std::async(std::launch::async, [&listener]() -> Result<Seen> {
        auto session =
            TcpSession<StringReverse>::accept(*listener, server_config(big_ceiling), 1, soon());
        if (!session) {
            return std::unexpected(session.error());
        }
        std::vector<std::byte> frame(netipc::wire::message_header_size + big_ceiling);
        auto length = session->connection().receive_packet(frame, soon(), nullptr);
        if (!length) {
            return std::unexpected(length.error());
        }
        auto header = netipc::wire::decode_message_header(netipc::wire::Bytes(frame));
        if (!header) {
            return std::unexpected(header.error());
        }
        const auto payload = netipc::wire::Bytes(frame).subspan(
            netipc::wire::message_header_size, *length - netipc::wire::message_header_size);
        auto request = StringReverse::decode_request(payload);
        if (!request) {
            return std::unexpected(request.error());
        }
        std::vector<std::byte> answer(big_ceiling);
        auto answer_length = StringReverse::encode_response(reversed(request->text), answer);
        if (!answer_length) {
            return std::unexpected(answer_length.error());
        }
        const auto response = netipc::wire::make_response_header(
            StringReverse::method, header->message_id, static_cast<std::uint32_t>(*answer_length));
        if (auto sent =
                session->send(response, netipc::wire::Bytes(answer).first(*answer_length), soon());
            !sent) {
            return std::unexpected(sent.error());
        }
        if (auto typed = session->serve_one(reverse, soon()); !typed) {
            return std::unexpected(typed.error());
        }
        return Seen{*length, header->payload_len};
    });

    auto session =
        TcpSession<StringReverse>::connect(listener->address(), client_config(big_ceiling), soon());
    REQUIRE(session);
    std::vector<std::byte> request(StringReverse::request_size(text));
    auto request_length = StringReverse::encode_request(text, request);
    REQUIRE(request_length);
    REQUIRE(
        session->send(netipc::wire::make_request_header(
                          StringReverse::method, 7, static_cast<std::uint32_t>(*request_length)),
                      netipc::wire::Bytes(request).first(*request_length), soon()));
    auto raw_answer = session->receive(soon());
    REQUIRE(raw_answer);
    CHECK(raw_answer->header.message_id == 7);
    auto raw_view = StringReverse::decode_response(raw_answer->payload);
    REQUIRE(raw_view);
    CHECK(raw_view->text == reversed(text));

    auto typed = session->call(text, soon());
    REQUIRE(typed);
    CHECK(typed->text == reversed(text));

    auto seen = served.get();
    REQUIRE(seen);
    CHECK(seen->payload_length == *request_length);
    CHECK(seen->frame_length == netipc::wire::message_header_size + *request_length);
}

// --- Level 2 over TCP -----------------------------------------------------------------

TEST_CASE("ManagedServer on port 0 and Client over TCP", "[examples][tcp][level2]") {
    auto server = ManagedServer<IncrementService, TcpTransport>::start(TcpAddress{}, {}, plus_one);
    REQUIRE(server);
    const TcpAddress where = (*server)->address();
    CHECK(where.host == "127.0.0.1");
    CHECK(where.port != 0);

    auto client =
        Client<IncrementService, TcpTransport>::create(where, ClientConfig{.batch_items = 8});
    REQUIRE(client);
    REQUIRE(client->refresh());
    CHECK(client->call(41)->value == 42);
    const std::vector<std::uint64_t> values{10, 20, 30};
    auto answers = client->call_batch(values);
    REQUIRE(answers);
    REQUIRE(answers->size() == 3);
    CHECK((*answers)[2].value == 31);
}

TEST_CASE("Client and ManagedServer over TCP: a 4 MiB STRING_REVERSE with matching ceilings",
          "[examples][tcp][level2][large]") {
    auto server = ManagedServer<StringReverseService, TcpTransport>::start(
        TcpAddress{},
        ServerConfig{.request_payload_bytes = big_ceiling, .response_payload_bytes = big_ceiling},
        reverse);
    REQUIRE(server);
    auto client = Client<StringReverseService, TcpTransport>::create(
        (*server)->address(), ClientConfig{.request_payload_bytes = big_ceiling,
                                           .response_payload_bytes = big_ceiling,
                                           .payload_growth_cap = big_ceiling});
    REQUIRE(client);
    REQUIRE(client->refresh());
    const std::string text = alphabet(big_text);
    auto answer = client->call(text);
    REQUIRE(answer);
    CHECK(answer->text == reversed(text));
    CHECK(client->status().counters.resizes == 0); // the ceilings were enough from the start
}

TEST_CASE("ManagedServer over TCP: stop() returns with clients connected; their next call fails",
          "[examples][tcp][level2][shutdown]") {
    auto server = ManagedServer<IncrementService, TcpTransport>::start(TcpAddress{}, {}, plus_one);
    REQUIRE(server);
    std::vector<Client<IncrementService, TcpTransport>> clients;
    for (std::uint64_t i = 0; i < 4; ++i) {
        auto client = Client<IncrementService, TcpTransport>::create((*server)->address());
        REQUIRE(client);
        REQUIRE(client->refresh());
        REQUIRE(client->call(i)->value == i + 1);
        clients.push_back(std::move(*client));
    }
    (*server)->stop(); // every worker is blocked waiting for its idle client
    CHECK((*server)->stats().sessions_active == 0);
    for (auto& client : clients) {
        auto after = client.call(1, 20s);
        REQUIRE_FALSE(after);
        CHECK(after.error().code != Errc::timeout); // it failed; it did not hang
    }
}

TEST_CASE(
    "ManagedServer over TCP: stop() wakes a worker blocked sending to a client that never "
    "reads",
    "[examples][tcp][level2][shutdown]") {
    // A 16 MiB answer does not fit the socket buffers of both ends (a
    // receive buffer only grows as its reader reads), so once the worker
    // starts sending it, it blocks until this client reads, which it never
    // does.
    constexpr std::uint32_t huge = 16 * mib;
    constexpr std::uint32_t ceiling = 32 * mib;
    auto server = ManagedServer<StringReverseService, TcpTransport>::start(
        TcpAddress{},
        ServerConfig{.request_payload_bytes = ceiling, .response_payload_bytes = ceiling}, reverse);
    REQUIRE(server);
    auto session =
        TcpSession<StringReverse>::connect((*server)->address(), client_config(ceiling), soon());
    REQUIRE(session);
    const std::string text = alphabet(huge);
    std::vector<std::byte> request(StringReverse::request_size(text));
    auto length = StringReverse::encode_request(text, request);
    REQUIRE(length);
    REQUIRE(session->send(netipc::wire::make_request_header(StringReverse::method, 1,
                                                            static_cast<std::uint32_t>(*length)),
                          netipc::wire::Bytes(request).first(*length), soon()));
    // The first bytes of the answer arriving mean the worker is sending it.
    pollfd readable{session->native_handle(), POLLIN, 0};
    REQUIRE(::poll(&readable, 1, 30000) == 1);

    (*server)->stop(); // must return
    CHECK((*server)->stats().sessions_active == 0);
}
