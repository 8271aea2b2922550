// Conformance, session layer: Session<Transport, framing::Nipc, Codec> over
// the fixture's transport. Typed calls and batches, chunking where the
// transport is packet-limited, a message far larger than any packet or
// socket buffer, and the ways a call ends without an answer (timeout,
// abort, peer close, interrupt). Where the fixture expects a data plane,
// every session is checked to be on it.
#pragma once

#include <future>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/increment.h"
#include "codecs/string_reverse.h"
#include "framing/nipc.h"
#include "netipc/concepts/data_plane.h"
#include "sessions/session.h"
#include "tests/conformance/fixture.h"
#include "tests/conformance/transport_suite.h"
#include "tests/support/handlers.h"

namespace netipc::conformance {

template <Fixture F, class Codec>
using SessionOver = Session<typename F::Transport, framing::Nipc, Codec>;

// Both peers offer every profile the transport carries (Session narrows
// them), so a transport with a data plane selects it.
inline ClientHandshakeConfig client_handshake(std::uint32_t ceiling = 64 * kib,
                                              std::uint32_t packet_size = 0) {
    ClientHandshakeConfig config;
    config.supported_profiles = ~0U;
    config.preferred_profiles = ~0U;
    config.max_request_payload_bytes = ceiling;
    config.max_response_payload_bytes = ceiling;
    config.max_request_batch_items = 64;
    config.max_response_batch_items = 64;
    config.packet_size = packet_size;
    return config;
}

inline ServerHandshakeConfig server_handshake(std::uint32_t ceiling = 64 * kib) {
    ServerHandshakeConfig config;
    config.supported_profiles = ~0U;
    config.preferred_profiles = ~0U;
    config.max_request_payload_bytes = ceiling;
    config.max_response_payload_bytes = ceiling;
    return config;
}

// The server end of one session, on its own thread: accepts it from
// `listener`, runs `body(session)` and closes it. Catch2 assertions are not
// thread-safe, so the thread only reports what happened, as a Result.
template <class SessionType, class Body>
std::future<Result<void>> serve(typename SessionType::TransportType::Listener& listener,
                                const ServerHandshakeConfig& config, Body body) {
    return std::async(std::launch::async,
                      [&listener, config, body = std::move(body)]() mutable -> Result<void> {
                          auto session = SessionType::accept(listener, config, 1, soon());
                          if (!session) {
                              return std::unexpected(session.error());
                          }
                          auto result = body(*session);
                          session->close();
                          return result;
                      });
}

// A server body: answers `count` requests with `handler`.
template <class Handler>
auto answering(int count, Handler handler) {
    return [count, handler](auto& session) -> Result<void> {
        for (int i = 0; i < count; ++i) {
            if (auto served = session.serve_one(handler, soon()); !served) {
                return served;
            }
        }
        return {};
    };
}

// A server body that reads one request and never answers it, then waits
// for the client to leave (its result: how the wait ended).
inline auto never_answering() {
    return [](auto& session) -> Result<void> {
        if (auto request = session.receive(soon()); !request) {
            return std::unexpected(request.error());
        }
        auto next = session.receive(soon());
        if (next) {
            return fail(Errc::protocol_violation, "a second request came instead of the end");
        }
        return std::unexpected(next.error());
    };
}

// Every session of a data-plane fixture runs on its data plane; no other
// does.
template <Fixture F, class SessionType>
void check_carrier(const SessionType& session) {
    using Connection = typename F::Transport::Connection;
    INFO("selected profile " << session.parameters().selected_profile);
    CHECK(session.data_plane_active() == F::data_plane);
    CHECK(((session.parameters().selected_profile & data_plane_profiles_of<Connection>) != 0)
          == F::data_plane);
}

// The listener stays where the server thread saw it (on the heap) while
// the pair is moved around.
template <Fixture F, class Codec>
struct ClientSession {
    std::unique_ptr<typename F::Transport::Listener> listener;
    SessionOver<F, Codec> session;
};

// Listens at a fresh address, starts `body` as the server, connects a
// client session with `config`.
template <Fixture F, class Codec, class Body>
auto session_pair(F& fixture, const ClientHandshakeConfig& config,
                  const ServerHandshakeConfig& server_config, Body body) {
    using T = typename F::Transport;
    auto listening = T::listen(fixture.address());
    REQUIRE_OK(listening);
    auto listener = std::make_unique<typename T::Listener>(std::move(*listening));
    auto served = serve<SessionOver<F, Codec>>(*listener, server_config, std::move(body));
    auto session = SessionOver<F, Codec>::connect(listener->address(), config, soon());
    REQUIRE_OK(session);
    check_carrier<F>(*session);
    return std::pair{std::move(served),
                     ClientSession<F, Codec>{std::move(listener), std::move(*session)}};
}

// --- the rules ------------------------------------------------------------------------

// A typed INCREMENT call.
template <Fixture F>
void session_increment() {
    F fixture;
    auto [served, ends] = session_pair<F, codecs::Increment>(
        fixture, client_handshake(), server_handshake(), answering(2, &testing::increment));
    auto answer = ends.session.call(41, soon());
    REQUIRE_OK(answer);
    CHECK(answer->value == 42);
    answer = ends.session.call(0xFFFF'FFFF'FFFFULL, soon());
    REQUIRE_OK(answer);
    CHECK(answer->value == 0x1'0000'0000'0000ULL);
    REQUIRE_OK(served.get());
}

// A typed STRING_REVERSE call, with an empty string too.
template <Fixture F>
void session_string_reverse() {
    F fixture;
    auto [served, ends] = session_pair<F, codecs::StringReverse>(
        fixture, client_handshake(), server_handshake(), answering(2, &testing::reverse));
    auto answer = ends.session.call("hello, transport", soon());
    REQUIRE_OK(answer);
    CHECK(answer->text == "tropsnart ,olleh");
    answer = ends.session.call("", soon());
    REQUIRE_OK(answer);
    CHECK(answer->text.empty());
    REQUIRE_OK(served.get());
}

// A batch of several items is answered item by item, in order.
template <Fixture F>
void session_batch() {
    F fixture;
    SECTION("INCREMENT") {
        auto [served, ends] = session_pair<F, codecs::Increment>(
            fixture, client_handshake(), server_handshake(), answering(1, &testing::increment));
        std::vector<std::uint64_t> values(10);
        std::iota(values.begin(), values.end(), 100); // NOLINT(modernize-use-ranges): libstdc++ 12
        std::vector<std::uint64_t> answers;
        REQUIRE_OK(ends.session.call_batch(
            std::span<const std::uint64_t>(values),
            [&](std::uint32_t, const codecs::IncrementView& view) {
                answers.push_back(view.value);
            },
            soon()));
        REQUIRE(answers.size() == values.size());
        CHECK(answers.front() == 101);
        CHECK(answers.back() == 110);
        REQUIRE_OK(served.get());
    }
    SECTION("STRING_REVERSE") {
        auto [served, ends] = session_pair<F, codecs::StringReverse>(
            fixture, client_handshake(), server_handshake(), answering(1, &testing::reverse));
        const std::vector<std::string_view> texts{"one", "", "three items"};
        std::vector<std::string> answers;
        REQUIRE_OK(ends.session.call_batch(
            std::span<const std::string_view>(texts),
            [&](std::uint32_t, const codecs::StringReverseView& view) {
                answers.emplace_back(view.text);
            },
            soon()));
        CHECK(answers == std::vector<std::string>{"eno", "", "smeti eerht"});
        REQUIRE_OK(served.get());
    }
}

// Over a packet-limited transport, a message several times the agreed packet
// size (256 here) is chunked and reassembled, single and batched. (A data
// plane carries it whole instead; the answer must be the same.) A transport
// without a packet limit never chunks: session_big_message covers it.
template <Fixture F>
void session_chunked() {
    if constexpr (!F::Transport::packet_limited) {
        SUCCEED("not packet-limited: nothing is ever chunked");
    } else {
        F fixture;
        auto [served, ends] = session_pair<F, codecs::StringReverse>(
            fixture, client_handshake(64 * kib, 256), server_handshake(),
            answering(2, &testing::reverse));
        CHECK(ends.session.parameters().packet_size == 256);
        const std::string text = alphabet(5000);
        auto answer = ends.session.call(text, soon());
        REQUIRE_OK(answer);
        CHECK(answer->text == reversed(text));

        const std::string a = alphabet(900);
        const std::string b = alphabet(1300);
        const std::vector<std::string_view> texts{a, b};
        std::vector<std::string> answers;
        REQUIRE_OK(ends.session.call_batch(
            std::span<const std::string_view>(texts),
            [&](std::uint32_t, const codecs::StringReverseView& view) {
                answers.emplace_back(view.text);
            },
            soon()));
        CHECK(answers == std::vector<std::string>{reversed(a), reversed(b)});
        REQUIRE_OK(served.get());
    }
}

// A 4 MiB message, far larger than any packet or socket buffer, crosses
// with matching ceilings: chunked by a packet-limited transport, whole over
// a data plane or a transport without a packet limit (whose buffers must
// come from the ceilings, never from max_packet_size()).
template <Fixture F>
void session_big_message() {
    constexpr std::uint32_t ceiling = 8 * mib;
    F fixture;
    auto [served, ends] = session_pair<F, codecs::StringReverse>(fixture, client_handshake(ceiling),
                                                                 server_handshake(ceiling),
                                                                 answering(1, &testing::reverse));
    const std::string text = alphabet(std::size_t{4} * mib);
    auto answer = ends.session.call(text, soon());
    REQUIRE_OK(answer);
    CHECK(answer->text.size() == text.size());
    CHECK(answer->text == reversed(text));
    REQUIRE_OK(served.get());
}

// A call to a server that never answers ends with Errc::timeout at its
// deadline; the server sees the client leave.
template <Fixture F>
void session_timeout() {
    F fixture;
    auto [served, ends] = session_pair<F, codecs::Increment>(fixture, client_handshake(),
                                                             server_handshake(), never_answering());
    REQUIRE_ERRC(ends.session.call(1, Deadline::after(short_wait)), Errc::timeout);
    ends.session.close();
    REQUIRE_ERRC(served.get(), Errc::disconnected);
}

// An abort signal raised from another thread ends a call waiting for its
// answer with Errc::aborted.
template <Fixture F>
void session_abort() {
    F fixture;
    auto [served, ends] = session_pair<F, codecs::Increment>(fixture, client_handshake(),
                                                             server_handshake(), never_answering());
    AbortSignal abort = make_abort();
    auto raiser = when_blocked([&abort] { abort.raise(); });
    auto answer = ends.session.call(1, soon(), &abort);
    raiser.get();
    REQUIRE_ERRC(answer, Errc::aborted);
    ends.session.close();
    REQUIRE_ERRC(served.get(), Errc::disconnected);
}

// A server that closes the session ends the client's call with
// Errc::disconnected: while the call waits for its answer, or before it is
// made.
template <Fixture F>
void session_peer_close() {
    F fixture;
    SECTION("while the call waits") {
        auto closing = [](auto& session) -> Result<void> {
            auto request = session.receive(soon());
            return request ? Result<void>{} : std::unexpected(request.error());
        };
        auto [served, ends] = session_pair<F, codecs::Increment>(fixture, client_handshake(),
                                                                 server_handshake(), closing);
        REQUIRE_ERRC(ends.session.call(1, soon()), Errc::disconnected);
        REQUIRE_OK(served.get());
    }
    SECTION("before the call") {
        // The server closes only once the client holds its session: a data
        // plane must be attached before its owner goes away.
        std::promise<void> connected;
        auto closing = [ready = connected.get_future().share()](auto&) -> Result<void> {
            ready.wait();
            return {};
        };
        auto [served, ends] = session_pair<F, codecs::Increment>(fixture, client_handshake(),
                                                                 server_handshake(), closing);
        connected.set_value();
        REQUIRE_OK(served.get()); // the server's end is closed now
        REQUIRE_ERRC(ends.session.call(1, soon()), Errc::disconnected);
    }
}

// Session::interrupt() from another thread ends a call waiting for its
// answer with Errc::disconnected, and every later call fails the same way,
// even one the server would answer.
template <Fixture F>
void session_interrupt() {
    F fixture;
    SECTION("a call waiting for its answer") {
        auto [served, ends] = session_pair<F, codecs::Increment>(
            fixture, client_handshake(), server_handshake(), never_answering());
        auto interrupter = when_blocked([&session = ends.session] { session.interrupt(); });
        auto answer = ends.session.call(1, soon());
        interrupter.get();
        REQUIRE_ERRC(answer, Errc::disconnected);
        REQUIRE_ERRC(ends.session.call(2, soon()), Errc::disconnected);
        ends.session.close();
        REQUIRE_ERRC(served.get(), Errc::disconnected);
    }
    SECTION("a later call to a server that answers") {
        auto [served, ends] = session_pair<F, codecs::Increment>(
            fixture, client_handshake(), server_handshake(), answering(2, &testing::increment));
        auto answer = ends.session.call(1, soon());
        REQUIRE_OK(answer);
        CHECK(answer->value == 2);
        ends.session.interrupt();
        REQUIRE_ERRC(ends.session.call(2, soon()), Errc::disconnected);
        ends.session.close();
        REQUIRE_ERRC(served.get(), Errc::disconnected);
    }
}

} // namespace netipc::conformance
