// Conformance, transport layer: the rules of netipc/concepts/transport.h and
// docs/adding-a-transport.md that hold for every transport, checked on the
// raw Connection and Listener (no framing). Each function is the body of one
// test case for fixture F (fixture.h); suite.h registers them.
//
// Over a transport with a negotiated data plane these run on the connection
// alone (no handshake took place); session_suite.h covers the data plane.
#pragma once

#include <algorithm>
#include <future>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "netipc/abort_signal.h"
#include "tests/conformance/fixture.h"
#include "tests/support/blocked_thread.h"

namespace netipc::conformance {

// A listener at a fresh address, and one connection made through its
// address() and accepted.
template <Fixture F>
struct Endpoints {
    typename F::Transport::Listener listener;
    typename F::Transport::Connection client;
    typename F::Transport::Connection server;
};

template <Fixture F>
Endpoints<F> connected(F& fixture) {
    using T = typename F::Transport;
    auto listener = T::listen(fixture.address());
    REQUIRE_OK(listener);
    auto client = T::connect(listener->address(), soon());
    REQUIRE_OK(client);
    auto server = listener->accept(soon(), nullptr);
    REQUIRE_OK(server);
    return {std::move(*listener), std::move(*client), std::move(*server)};
}

// Sends one packet made of `pieces`.
template <class Connection>
Result<void> send_pieces(Connection& connection, std::initializer_list<std::string_view> pieces,
                         Deadline deadline = soon()) {
    std::vector<wire::Bytes> views;
    views.reserve(pieces.size());
    for (const std::string_view piece : pieces) {
        views.push_back(bytes_of(piece));
    }
    return connection.send_packet(views, deadline);
}

// Receives one packet, which must arrive, into `room` bytes.
template <class Connection>
std::string receive_text(Connection& connection, std::size_t room = 1024) {
    std::vector<std::byte> buffer(room);
    auto got = connection.receive_packet(buffer, soon(), nullptr);
    REQUIRE_OK(got);
    return std::string(text_of(wire::Bytes(buffer).first(*got)));
}

inline AbortSignal make_abort() {
    auto abort = AbortSignal::create();
    REQUIRE_OK(abort);
    return std::move(*abort);
}

// Runs `action` on another thread once the calling thread is blocked (see
// blocked_thread.h), while the calling thread makes its call.
template <class Action>
std::future<void> when_blocked(Action action) {
    const testing::ThreadId caller = testing::this_thread_id();
    return std::async(std::launch::async, [caller, action = std::move(action)]() mutable {
        testing::wait_until_blocked(caller);
        action();
    });
}

// --- the rules ------------------------------------------------------------------------

// One send_packet() is one receive_packet(), whole, in both directions;
// gathered pieces (an empty one among them) arrive as their concatenation.
template <Fixture F>
void round_trip() {
    F fixture;
    auto ends = connected(fixture);
    REQUIRE_OK(send_pieces(ends.client, {"hello"}));
    CHECK(receive_text(ends.server) == "hello");
    REQUIRE_OK(send_pieces(ends.server, {"head:", "", "body", ":tail"}));
    CHECK(receive_text(ends.client) == "head:body:tail");
}

// A packet as large as the sender's max_packet_size() (capped at 1 MiB for a
// transport without a real limit) arrives whole. The sender runs beside the
// receiver: that much may not fit the transport's buffers at once.
template <Fixture F>
void largest_packet() {
    F fixture;
    auto ends = connected(fixture);
    const std::size_t size = std::min<std::size_t>(ends.client.max_packet_size(), std::size_t{mib});
    const std::string big = alphabet(size);
    auto sent = std::async(std::launch::async,
                           [&client = ends.client, &big] { return send_pieces(client, {big}); });
    std::vector<std::byte> buffer(size);
    auto got = ends.server.receive_packet(buffer, soon(), nullptr);
    REQUIRE_OK(sent.get());
    REQUIRE_OK(got);
    CHECK(*got == size);
    CHECK(text_of(wire::Bytes(buffer).first(*got)) == big);
}

// Packets sent back to back are received one at a time, each with its own
// length: boundaries are kept, nothing is merged or split.
template <Fixture F>
void packet_boundaries() {
    F fixture;
    auto ends = connected(fixture);
    const std::string middle = alphabet(300);
    REQUIRE_OK(send_pieces(ends.client, {"a"}));
    REQUIRE_OK(send_pieces(ends.client, {middle}));
    REQUIRE_OK(send_pieces(ends.client, {"x", "yz"}));
    CHECK(receive_text(ends.server) == "a");
    CHECK(receive_text(ends.server) == middle);
    CHECK(receive_text(ends.server) == "xyz");
}

// A packet larger than the receive buffer is Errc::protocol_violation.
template <Fixture F>
void oversized_packet() {
    F fixture;
    auto ends = connected(fixture);
    REQUIRE_OK(send_pieces(ends.client, {alphabet(100)}));
    std::array<std::byte, 10> small{};
    REQUIRE_ERRC(ends.server.receive_packet(small, soon(), nullptr), Errc::protocol_violation);
}

// With nothing to receive or accept, a wait ends with Errc::timeout at its
// deadline, whether or not it also watches an abort signal, and at once
// for a deadline already past.
template <Fixture F>
void timeouts() {
    F fixture;
    auto ends = connected(fixture);
    std::array<std::byte, 64> buffer{};
    const AbortSignal abort = make_abort();
    SECTION("receive") {
        REQUIRE_ERRC(ends.client.receive_packet(buffer, Deadline::after(short_wait), nullptr),
                     Errc::timeout);
    }
    SECTION("receive watching an abort signal that stays down") {
        REQUIRE_ERRC(ends.client.receive_packet(buffer, Deadline::after(short_wait), &abort),
                     Errc::timeout);
    }
    SECTION("receive with a deadline already past") {
        REQUIRE_ERRC(ends.client.receive_packet(buffer, Deadline::after(0ms), nullptr),
                     Errc::timeout);
    }
    SECTION("accept") {
        REQUIRE_ERRC(ends.listener.accept(Deadline::after(short_wait), nullptr), Errc::timeout);
    }
    SECTION("accept watching an abort signal that stays down") {
        REQUIRE_ERRC(ends.listener.accept(Deadline::after(short_wait), &abort), Errc::timeout);
    }
}

// An abort signal raised before the call is seen before any wait: receive
// and accept fail with Errc::aborted, even when a packet is already waiting
// (the signal is sticky), and the packet is still there once it is cleared.
template <Fixture F>
void abort_before_wait() {
    F fixture;
    auto ends = connected(fixture);
    AbortSignal abort = make_abort();
    abort.raise();
    std::array<std::byte, 64> buffer{};
    REQUIRE_ERRC(ends.client.receive_packet(buffer, soon(), &abort), Errc::aborted);
    REQUIRE_ERRC(ends.listener.accept(soon(), &abort), Errc::aborted);

    REQUIRE_OK(send_pieces(ends.client, {"queued"}));
    REQUIRE_ERRC(ends.server.receive_packet(buffer, soon(), &abort), Errc::aborted);
    abort.clear();
    auto got = ends.server.receive_packet(buffer, soon(), &abort);
    REQUIRE_OK(got);
    CHECK(text_of(wire::Bytes(buffer).first(*got)) == "queued");
}

// An abort signal raised from another thread ends a receive or an accept
// that is waiting, with Errc::aborted.
template <Fixture F>
void abort_during_wait() {
    F fixture;
    auto ends = connected(fixture);
    AbortSignal abort = make_abort();
    std::array<std::byte, 64> buffer{};
    SECTION("receive") {
        auto raiser = when_blocked([&abort] { abort.raise(); });
        auto got = ends.client.receive_packet(buffer, soon(), &abort);
        raiser.get();
        REQUIRE_ERRC(got, Errc::aborted);
    }
    SECTION("accept") {
        auto raiser = when_blocked([&abort] { abort.raise(); });
        auto got = ends.listener.accept(soon(), &abort);
        raiser.get();
        REQUIRE_ERRC(got, Errc::aborted);
    }
}

// A peer that closes its end is seen by a receive as Errc::disconnected,
// whether it closed before the receive or while it waited.
template <Fixture F>
void peer_close_on_receive() {
    F fixture;
    auto ends = connected(fixture);
    std::array<std::byte, 64> buffer{};
    SECTION("closed before the receive") {
        ends.server.close();
        REQUIRE_ERRC(ends.client.receive_packet(buffer, soon(), nullptr), Errc::disconnected);
    }
    SECTION("closed while the receive waits") {
        auto closer = when_blocked([&server = ends.server] { server.close(); });
        auto got = ends.client.receive_packet(buffer, soon(), nullptr);
        closer.get();
        REQUIRE_ERRC(got, Errc::disconnected);
    }
    SECTION("closed while a receive watching an abort signal waits") {
        const AbortSignal abort = make_abort();
        auto closer = when_blocked([&server = ends.server] { server.close(); });
        auto got = ends.client.receive_packet(buffer, soon(), &abort);
        closer.get();
        REQUIRE_ERRC(got, Errc::disconnected);
    }
}

// Sending to a peer that closed fails with Errc::disconnected. A stream may
// accept a send or two before it learns of the close (TCP learns from the
// peer's reset), so sends go on until one fails; the deadline only bounds a
// transport that never notices.
template <Fixture F>
void peer_close_on_send() {
    F fixture;
    auto ends = connected(fixture);
    ends.server.close();
    const Deadline give_up = soon();
    Result<void> sent;
    do {
        sent = send_pieces(ends.client, {"anyone there?"}, give_up);
    } while (sent && !give_up.expired());
    REQUIRE_ERRC(sent, Errc::disconnected);
}

// interrupt() from another thread wakes a receive blocked on the connection
// with Errc::disconnected; every later call on it fails the same way, and
// the peer sees the session end.
template <Fixture F>
void interrupt_wakes_receive() {
    F fixture;
    auto ends = connected(fixture);
    std::array<std::byte, 64> buffer{};
    const AbortSignal abort = make_abort();
    SECTION("a receive without an abort signal") {
        auto interrupter = when_blocked([&client = ends.client] { client.interrupt(); });
        auto got = ends.client.receive_packet(buffer, soon(), nullptr);
        interrupter.get();
        REQUIRE_ERRC(got, Errc::disconnected);
    }
    SECTION("a receive watching an abort signal") {
        auto interrupter = when_blocked([&client = ends.client] { client.interrupt(); });
        auto got = ends.client.receive_packet(buffer, soon(), &abort);
        interrupter.get();
        REQUIRE_ERRC(got, Errc::disconnected);
    }
    REQUIRE_ERRC(ends.client.receive_packet(buffer, soon(), nullptr), Errc::disconnected);
    REQUIRE_ERRC(send_pieces(ends.client, {"after"}), Errc::disconnected);
    REQUIRE_ERRC(ends.server.receive_packet(buffer, soon(), nullptr), Errc::disconnected);
    ends.client.close(); // still needed, on the owning thread
}

// Closing the listener makes later connects fail and accept fail;
// connections it accepted before carry on. close() is idempotent. Once those
// connections have ended too, connect() is Errc::not_found. (While they live,
// a transport whose accepted sessions share the listener's name may report
// the name busy rather than gone: a Windows named pipe exists as long as any
// instance of it does, so a connect then waits and ends with Errc::timeout.)
template <Fixture F>
void listener_close() {
    using T = typename F::Transport;
    F fixture;
    auto ends = connected(fixture);
    const typename T::Address address = ends.listener.address();
    ends.listener.close();
    auto refused = T::connect(address, Deadline::after(short_wait));
    REQUIRE_FALSE(refused.has_value());
    CHECK((refused.error().code == Errc::not_found || refused.error().code == Errc::timeout));
    auto accepted = ends.listener.accept(Deadline::after(short_wait), nullptr);
    CHECK_FALSE(accepted.has_value());
    ends.listener.close();

    REQUIRE_OK(send_pieces(ends.client, {"still here"}));
    CHECK(receive_text(ends.server) == "still here");

    ends.client.close();
    ends.server.close();
    REQUIRE_ERRC(T::connect(address, soon()), Errc::not_found);
}

// address() is where clients connect (connected() goes through it), and a
// live listener keeps it: listening there again is Errc::address_in_use,
// and the live listener goes on serving.
template <Fixture F>
void listener_address() {
    using T = typename F::Transport;
    F fixture;
    auto ends = connected(fixture);
    REQUIRE_ERRC(T::listen(ends.listener.address()), Errc::address_in_use);

    auto again = T::connect(ends.listener.address(), soon());
    REQUIRE_OK(again);
    REQUIRE_OK(send_pieces(*again, {"second"}));
    // A transport may judge whether an address is live by connecting to it
    // (UDS probes its socket file that way), so the refused listen may have
    // left a connection queued ahead of ours, closed already: skip those.
    std::string received;
    for (int attempt = 0; attempt < 4 && received.empty(); ++attempt) {
        auto accepted = ends.listener.accept(soon(), nullptr);
        REQUIRE_OK(accepted);
        std::array<std::byte, 64> buffer{};
        auto got = accepted->receive_packet(buffer, soon(), nullptr);
        if (got) {
            received = text_of(wire::Bytes(buffer).first(*got));
        } else {
            REQUIRE_ERRC(got, Errc::disconnected);
        }
    }
    CHECK(received == "second");
}

} // namespace netipc::conformance
