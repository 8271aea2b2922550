// The UDS SEQPACKET baseline transport against a real kernel: round trips,
// packet boundaries, deadlines and aborts, disconnects, connect errors.
#include "transports/posix/uds_seqpacket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <atomic>
#include <chrono>
#include <climits> // IOV_MAX
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/error.h"
#include "tests/support/blocked_thread.h"
#include "tests/support/sigpipe_probe.h"
#include "tests/transport/uds_test_support.h"
#include "transports/default_baseline.h"

using namespace std::chrono_literals;
using netipc::AbortSignal;
using netipc::Deadline;
using netipc::Errc;
using netipc::testing::raises_sigpipe;
using netipc::testing::when_blocked;
using netipc::transports::UdsSeqpacket;
using uds_test::bytes_of;
using uds_test::connect_pair;
using uds_test::Connection;
using uds_test::leave_dead_socket;
using uds_test::Listener;
using uds_test::readable;
using uds_test::receive_text;
using uds_test::send_text;
using uds_test::TempRunDir;

static_assert(std::same_as<netipc::transports::DefaultBaseline, UdsSeqpacket>);
static_assert(UdsSeqpacket::profile_bits == 0x01);
static_assert(UdsSeqpacket::packet_limited);

// --- round trips ---------------------------------------------------------------------

TEST_CASE("listen, connect, accept and exchange one packet each way", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    REQUIRE(pair.client.native_handle() >= 0);
    REQUIRE(pair.listener.path() == dir.socket_file());

    REQUIRE(send_text(pair.client, "hello").has_value());
    REQUIRE(readable(pair.server.native_handle()));
    REQUIRE(receive_text(pair.server) == "hello");
    REQUIRE(send_text(pair.server, "olleh").has_value());
    REQUIRE(receive_text(pair.client) == "olleh");
}

TEST_CASE("a packet made of several pieces arrives as one packet", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    const std::array pieces{bytes_of("head"), bytes_of(""), bytes_of("-body-"), bytes_of("tail")};
    REQUIRE(pair.client.send_packet(pieces, Deadline::never()).has_value());
    REQUIRE(send_text(pair.client, "next").has_value());
    REQUIRE(receive_text(pair.server) == "head-body-tail");
    REQUIRE(receive_text(pair.server) == "next");
}

TEST_CASE("more pieces than the inline iovec array still form one packet", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    std::vector<std::string> texts;
    texts.reserve(100);
    std::string expected;
    for (int i = 0; i < 100; ++i) {
        texts.push_back(std::to_string(i) + ",");
        expected += texts.back();
    }
    std::vector<netipc::wire::Bytes> pieces;
    pieces.reserve(texts.size());
    for (const auto& text : texts) {
        pieces.push_back(bytes_of(text));
    }
    REQUIRE(pair.client.send_packet(pieces, Deadline::never()).has_value());
    REQUIRE(receive_text(pair.server) == expected);
}

TEST_CASE("more pieces than one sendmsg() takes are refused before sending", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    const std::string one = "x";
    const std::vector<netipc::wire::Bytes> pieces(static_cast<std::size_t>(IOV_MAX) + 1,
                                                  bytes_of(one));
    const auto refused = pair.client.send_packet(pieces, Deadline::never());
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error() == Errc::invalid_argument);
    CHECK(std::string(refused.error().detail).find("sendmsg()") != std::string::npos);
    // Nothing was sent, and the connection still works.
    CHECK_FALSE(readable(pair.server.native_handle()));
    REQUIRE(send_text(pair.client, "after").has_value());
    CHECK(receive_text(pair.server) == "after");
}

TEST_CASE("packet boundaries are preserved", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    const std::array<std::size_t, 5> sizes{1, 32, 4096, 3, 70000};
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const std::string text(sizes.at(i), static_cast<char>('a' + i));
        REQUIRE(send_text(pair.client, text).has_value());
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        REQUIRE(receive_text(pair.server) == std::string(sizes.at(i), static_cast<char>('a' + i)));
    }
}

TEST_CASE("a packet of exactly max_packet_size goes through both ways", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    for (auto* direction : {&pair.client, &pair.server}) {
        Connection& sender = *direction;
        Connection& receiver = direction == &pair.client ? pair.server : pair.client;
        const std::uint32_t max = sender.max_packet_size();
        REQUIRE(max > 32);

        std::vector<std::byte> payload(max);
        for (std::size_t i = 0; i < payload.size(); ++i) {
            payload[i] = static_cast<std::byte>(i * 7);
        }
        // Split so the gather path is exercised at full size too.
        const std::array pieces{netipc::wire::Bytes(payload).first(32),
                                netipc::wire::Bytes(payload).subspan(32)};
        REQUIRE(sender.send_packet(pieces, Deadline::after(5s)).has_value());

        std::vector<std::byte> buffer(max);
        const auto received = receiver.receive_packet(buffer, Deadline::after(5s), nullptr);
        REQUIRE(received.has_value());
        REQUIRE(*received == max);
        REQUIRE(buffer == payload);

        // One byte more is refused locally, before the kernel sees it.
        std::vector<std::byte> too_big(std::size_t{max} + 1);
        const std::array oversize{netipc::wire::Bytes(too_big)};
        REQUIRE(sender.send_packet(oversize, Deadline::never()).error() == Errc::invalid_argument);
        const std::array oversize_gathered{netipc::wire::Bytes(too_big).first(32),
                                           netipc::wire::Bytes(too_big).subspan(32)};
        REQUIRE(sender.send_packet(oversize_gathered, Deadline::never()).error()
                == Errc::invalid_argument);
    }
}

TEST_CASE("an empty packet is refused (the peer would read it as EOF)", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    REQUIRE(pair.client.send_packet({}, Deadline::never()).error() == Errc::invalid_argument);
    const std::array empty_pieces{bytes_of(""), bytes_of("")};
    REQUIRE(pair.client.send_packet(empty_pieces, Deadline::never()).error()
            == Errc::invalid_argument);
    // One piece takes send(), not sendmsg(): the same rule.
    const std::array one_empty_piece{bytes_of("")};
    REQUIRE(pair.client.send_packet(one_empty_piece, Deadline::never()).error()
            == Errc::invalid_argument);
}

TEST_CASE("a packet larger than the receive buffer is a protocol violation", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    REQUIRE(send_text(pair.client, "0123456789").has_value());
    std::array<std::byte, 4> small{};
    const auto received = pair.server.receive_packet(small, Deadline::after(5s), nullptr);
    REQUIRE_FALSE(received.has_value());
    REQUIRE(received.error() == Errc::protocol_violation);
}

TEST_CASE("many concurrent clients on one listener each get their own echo", "[transport][uds]") {
    TempRunDir dir;
    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener.has_value());
    constexpr int client_count = 32;

    // Catch2 assertions are not thread-safe: threads record outcomes and the
    // main thread checks them after joining.
    std::array<bool, client_count> server_ok{};
    std::array<std::string, client_count> replies;
    {
        std::jthread acceptor([&] {
            std::vector<std::jthread> sessions;
            sessions.reserve(client_count);
            for (int i = 0; i < client_count; ++i) {
                auto connection = listener->accept(Deadline::after(30s), nullptr);
                if (!connection) {
                    return;
                }
                sessions.emplace_back([&server_ok, i, session = std::move(*connection)]() mutable {
                    std::array<std::byte, 256> buffer{};
                    auto received = session.receive_packet(buffer, Deadline::after(30s), nullptr);
                    if (!received) {
                        return;
                    }
                    const std::array pieces{netipc::wire::Bytes(buffer).first(*received)};
                    server_ok.at(static_cast<std::size_t>(i)) =
                        session.send_packet(pieces, Deadline::after(30s)).has_value();
                });
            }
        });
        std::vector<std::jthread> clients;
        clients.reserve(client_count);
        for (int i = 0; i < client_count; ++i) {
            clients.emplace_back([&replies, &dir, i] {
                auto client = UdsSeqpacket::connect(dir.address(), Deadline::after(30s));
                if (!client) {
                    return;
                }
                const std::string text = "client-" + std::to_string(i);
                const std::array pieces{bytes_of(text)};
                if (!client->send_packet(pieces, Deadline::after(30s))) {
                    return;
                }
                std::array<std::byte, 256> buffer{};
                auto received = client->receive_packet(buffer, Deadline::after(30s), nullptr);
                if (received) {
                    replies.at(static_cast<std::size_t>(i)) =
                        std::string(reinterpret_cast<const char*>(buffer.data()), *received);
                }
            });
        }
    }
    for (int i = 0; i < client_count; ++i) {
        INFO("client " << i);
        CHECK(replies.at(static_cast<std::size_t>(i)) == "client-" + std::to_string(i));
        CHECK(server_ok.at(static_cast<std::size_t>(i)));
    }
}

// --- deadlines and aborts ------------------------------------------------------------

TEST_CASE("a receive with nothing to read times out", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    std::array<std::byte, 64> buffer{};
    const auto received = pair.client.receive_packet(buffer, Deadline::after(50ms), nullptr);
    REQUIRE_FALSE(received.has_value());
    REQUIRE(received.error() == Errc::timeout);
    // An expired deadline still delivers a packet that is already there.
    REQUIRE(send_text(pair.server, "late").has_value());
    const auto late = pair.client.receive_packet(buffer, Deadline::after(0ms), nullptr);
    REQUIRE(late.has_value());
    REQUIRE(*late == 4);
}

TEST_CASE("an abort raised from another thread wakes a blocked receive", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    auto abort = AbortSignal::create();
    REQUIRE(abort.has_value());

    netipc::Result<std::size_t> outcome = 0;
    {
        auto aborter = when_blocked([&] { abort->raise(); });
        std::array<std::byte, 64> buffer{};
        outcome = pair.client.receive_packet(buffer, Deadline::never(), &*abort);
    }
    REQUIRE_FALSE(outcome.has_value());
    REQUIRE(outcome.error() == Errc::aborted);
}

TEST_CASE("an abort raised before the call wins over a queued packet", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    auto abort = AbortSignal::create();
    REQUIRE(abort.has_value());
    REQUIRE(send_text(pair.server, "queued").has_value());
    abort->raise();

    std::array<std::byte, 64> buffer{};
    REQUIRE(pair.client.receive_packet(buffer, Deadline::never(), &*abort).error()
            == Errc::aborted);
    // Still raised: the next call is aborted too.
    REQUIRE(pair.client.receive_packet(buffer, Deadline::never(), &*abort).error()
            == Errc::aborted);
    abort->clear();
    const auto received = pair.client.receive_packet(buffer, Deadline::after(5s), &*abort);
    REQUIRE(received.has_value());
    REQUIRE(*received == 6);
}

// --- blocking receives (no abort signal) -------------------------------------------

namespace {

bool is_non_blocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    REQUIRE(flags >= 0);
    return (static_cast<unsigned>(flags) & O_NONBLOCK) != 0;
}

void make_non_blocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    REQUIRE(flags >= 0);
    REQUIRE(::fcntl(fd, F_SETFL, static_cast<unsigned>(flags) | O_NONBLOCK) == 0);
}

// The receive timeout armed on `fd` (-1 us when it cannot be read). No
// REQUIRE inside: helper threads call it too.
std::chrono::microseconds armed_receive_timeout(int fd) {
    timeval armed{};
    socklen_t length = sizeof(armed);
    if (::getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &armed, &length) != 0) {
        return std::chrono::microseconds(-1);
    }
    return std::chrono::seconds(armed.tv_sec) + std::chrono::microseconds(armed.tv_usec);
}

} // namespace

TEST_CASE("connections are blocking descriptors, listeners are not", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    CHECK_FALSE(is_non_blocking(pair.client.native_handle()));
    CHECK_FALSE(is_non_blocking(pair.server.native_handle()));
    CHECK(is_non_blocking(pair.listener.native_handle()));
    // A connect with an expired deadline is made without waiting, and still
    // hands out a blocking descriptor.
    auto quick = UdsSeqpacket::connect(dir.address(), Deadline::after(0ms));
    REQUIRE(quick.has_value());
    CHECK_FALSE(is_non_blocking(quick->native_handle()));
}

TEST_CASE("a blocking receive honours its deadline", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    std::array<std::byte, 64> buffer{};
    const auto received = pair.client.receive_packet(buffer, Deadline::after(50ms), nullptr);
    REQUIRE_FALSE(received.has_value());
    CHECK(received.error() == Errc::timeout);
    // Too little time left to arm a socket timeout: the receive polls.
    CHECK(pair.client.receive_packet(buffer, Deadline::after(5ms), nullptr).error()
          == Errc::timeout);
}

TEST_CASE("a longer deadline after a short one still waits for the packet", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    std::array<std::byte, 64> buffer{};
    REQUIRE(pair.client.receive_packet(buffer, Deadline::after(50ms), nullptr).error()
            == Errc::timeout);
    const auto short_timeout = armed_receive_timeout(pair.client.native_handle());
    CHECK(short_timeout > 0us);
    CHECK(short_timeout < 50ms);

    // While the longer receive is blocked, the armed timeout is the longer
    // one, not the short call's leftover (which would end it too early).
    const int client_fd = pair.client.native_handle();
    std::atomic<std::int64_t> armed_while_blocked_us{-1};
    {
        auto sender = when_blocked([&] {
            armed_while_blocked_us = armed_receive_timeout(client_fd).count();
            (void)send_text(pair.server, "late").has_value();
        });
        const auto received = pair.client.receive_packet(buffer, Deadline::after(30s), nullptr);
        REQUIRE(received.has_value());
        CHECK(*received == 4);
    }
    CHECK(std::chrono::microseconds(armed_while_blocked_us.load()) > 1s);
    CHECK(armed_receive_timeout(client_fd) > 1s);

    // A receive without a deadline disarms it and waits as long as it takes.
    {
        auto sender = when_blocked([&] {
            armed_while_blocked_us = armed_receive_timeout(client_fd).count();
            (void)send_text(pair.server, "whenever").has_value();
        });
        const auto received = pair.client.receive_packet(buffer, Deadline::never(), nullptr);
        REQUIRE(received.has_value());
        CHECK(*received == 8);
    }
    CHECK(armed_while_blocked_us.load() == 0);
    CHECK(armed_receive_timeout(client_fd) == 0us);
}

TEST_CASE("an armed receive timeout is kept for similar deadlines, replaced for shorter ones",
          "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    const int client_fd = pair.client.native_handle();
    std::array<std::byte, 64> buffer{};
    std::atomic<std::int64_t> armed_while_blocked_us{-1};
    const auto receive_while_sent = [&](Deadline deadline, const AbortSignal* abort) {
        auto sender = when_blocked([&] {
            armed_while_blocked_us = armed_receive_timeout(client_fd).count();
            (void)send_text(pair.server, "ping").has_value();
        });
        const auto received = pair.client.receive_packet(buffer, deadline, abort);
        REQUIRE(received.has_value());
        CHECK(*received == 4);
        return std::chrono::microseconds(armed_while_blocked_us.load());
    };

    // A 30 s deadline arms about three quarters of it.
    const auto first = receive_while_sent(Deadline::after(30s), nullptr);
    CHECK(first > 20s);
    CHECK(first < 30s);
    // A similar deadline keeps it: no setsockopt(), the very same value.
    CHECK(receive_while_sent(Deadline::after(29s), nullptr) == first);
    // A much shorter one cannot: the armed timeout would outlast it. The
    // silent peer is still a timeout, and what is armed now fits it.
    REQUIRE(pair.client.receive_packet(buffer, Deadline::after(200ms), nullptr).error()
            == Errc::timeout);
    const auto shorter = armed_receive_timeout(client_fd);
    CHECK(shorter > 0us);
    CHECK(shorter < 200ms);
    // With an abort signal to watch the first attempt is capped at a short
    // slice (10 ms, which the kernel reports rounded up to its ticks), and
    // the next call of the same shape keeps it.
    auto abort = AbortSignal::create();
    REQUIRE(abort.has_value());
    const auto sliced = receive_while_sent(Deadline::after(30s), &*abort);
    CHECK(sliced > 0us);
    CHECK(sliced < shorter);
    CHECK(receive_while_sent(Deadline::after(20s), &*abort) == sliced);
}

TEST_CASE("a socket the caller made non-blocking still waits until the deadline",
          "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    make_non_blocking(pair.client.native_handle());
    std::array<std::byte, 64> buffer{};
    CHECK(pair.client.receive_packet(buffer, Deadline::after(50ms), nullptr).error()
          == Errc::timeout);
    {
        auto sender = when_blocked([&] { (void)send_text(pair.server, "waited").has_value(); });
        const auto received = pair.client.receive_packet(buffer, Deadline::after(30s), nullptr);
        REQUIRE(received.has_value());
        CHECK(*received == 6);
    }
    {
        auto sender = when_blocked([&] { (void)send_text(pair.server, "forever").has_value(); });
        const auto received = pair.client.receive_packet(buffer, Deadline::never(), nullptr);
        REQUIRE(received.has_value());
        CHECK(*received == 7);
    }
    // The flag is the caller's: netipc left it as it was.
    CHECK(is_non_blocking(pair.client.native_handle()));
}

TEST_CASE("a peer that closes ends a blocked receive with disconnected", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    std::array<std::byte, 64> buffer{};
    netipc::Result<std::size_t> outcome = 0;
    {
        auto closer = when_blocked([&] { pair.server.close(); });
        outcome = pair.client.receive_packet(buffer, Deadline::after(30s), nullptr);
    }
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error() == Errc::disconnected);
}

TEST_CASE("an abort signal still ends a receive on a non-blocking socket", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    make_non_blocking(pair.client.native_handle());
    auto abort = AbortSignal::create();
    REQUIRE(abort.has_value());
    netipc::Result<std::size_t> outcome = 0;
    {
        auto aborter = when_blocked([&] { abort->raise(); });
        std::array<std::byte, 64> buffer{};
        outcome = pair.client.receive_packet(buffer, Deadline::after(30s), &*abort);
    }
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error() == Errc::aborted);
}

TEST_CASE("accept honours its deadline and the abort signal", "[transport][uds]") {
    TempRunDir dir;
    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener.has_value());
    REQUIRE(listener->accept(Deadline::after(50ms), nullptr).error() == Errc::timeout);

    auto abort = AbortSignal::create();
    REQUIRE(abort.has_value());
    abort->raise();
    REQUIRE(listener->accept(Deadline::never(), &*abort).error() == Errc::aborted);
    abort->clear();

    netipc::Result<Connection> outcome = Connection();
    {
        auto aborter = when_blocked([&] { abort->raise(); });
        outcome = listener->accept(Deadline::never(), &*abort);
    }
    REQUIRE(outcome.error() == Errc::aborted);
}

TEST_CASE("a send into a full peer queue waits for room until its deadline", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    // Fill the peer's queue without reading; an expired deadline never waits.
    const std::string chunk(1024, 'x');
    int sent = 0;
    for (;;) {
        const auto result = send_text(pair.client, chunk, Deadline::after(0ms));
        if (!result) {
            REQUIRE(result.error() == Errc::timeout);
            break;
        }
        ++sent;
        REQUIRE(sent < 1'000'000);
    }
    REQUIRE(send_text(pair.client, chunk, Deadline::after(50ms)).error() == Errc::timeout);

    // Once the peer drains, a waiting send completes.
    int drained = 0;
    {
        auto reader = when_blocked([&] {
            std::array<std::byte, 2048> buffer{};
            while (drained < sent + 1) {
                if (!pair.server.receive_packet(buffer, Deadline::after(30s), nullptr)) {
                    return;
                }
                ++drained;
            }
        });
        REQUIRE(send_text(pair.client, chunk, Deadline::after(30s)).has_value());
    }
    REQUIRE(drained == sent + 1);
}

// --- disconnects ---------------------------------------------------------------------

TEST_CASE("a peer that closes is seen as disconnected on receive and on send", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    REQUIRE(send_text(pair.server, "last words").has_value());
    pair.server.close();
    pair.server.close(); // idempotent

    // Packets sent before the close are still delivered.
    REQUIRE(receive_text(pair.client) == "last words");
    std::array<std::byte, 64> buffer{};
    REQUIRE(pair.client.receive_packet(buffer, Deadline::after(5s), nullptr).error()
            == Errc::disconnected);
    REQUIRE(send_text(pair.client, "anyone?").error() == Errc::disconnected);
}

TEST_CASE("a send to a closed peer is disconnected, never a SIGPIPE", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    pair.server.close();
    netipc::Result<void> sent;
    const bool raised = raises_sigpipe([&] { sent = send_text(pair.client, "anyone?"); });
    CHECK_FALSE(raised);
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error() == Errc::disconnected);
}

TEST_CASE("a closed or moved-from connection refuses calls", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    Connection moved = std::move(pair.client);
    REQUIRE(send_text(moved, "ok").has_value());
    REQUIRE(receive_text(pair.server) == "ok");

    std::array<std::byte, 8> buffer{};
    moved.close();
    REQUIRE(moved.native_handle() == -1);
    REQUIRE(send_text(moved, "x").error() == Errc::invalid_argument);
    REQUIRE(moved.receive_packet(buffer, Deadline::never(), nullptr).error()
            == Errc::invalid_argument);
    Connection empty;
    REQUIRE(send_text(empty, "x").error() == Errc::invalid_argument);
}

TEST_CASE("a closed connection refuses the peer and idle checks", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    pair.client.close();
    const auto identity = pair.client.peer_identity();
    REQUIRE_FALSE(identity.has_value());
    CHECK(identity.error() == Errc::invalid_argument);
    const auto idle = pair.client.check_idle();
    REQUIRE_FALSE(idle.has_value());
    CHECK(idle.error() == Errc::invalid_argument);
}

TEST_CASE("a packet over a send buffer shrunk after connecting is refused, not sent",
          "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    // max_packet_size() was read from SO_SNDBUF when the connection was made;
    // the kernel now allows much less (SO_SNDBUF minus its 32-byte reserve).
    const int small = 4096;
    REQUIRE(::setsockopt(pair.client.native_handle(), SOL_SOCKET, SO_SNDBUF, &small, sizeof(small))
            == 0);
    int now = 0;
    socklen_t length = sizeof(now);
    REQUIRE(::getsockopt(pair.client.native_handle(), SOL_SOCKET, SO_SNDBUF, &now, &length) == 0);
    REQUIRE(static_cast<std::size_t>(now) < pair.client.max_packet_size());
    const std::string big(pair.client.max_packet_size(), 'b');
    const auto refused = send_text(pair.client, big, Deadline::after(30s));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error() == Errc::invalid_argument);
    CHECK(refused.error().sys_errno == EMSGSIZE);
    CHECK(std::string(refused.error().detail) == "packet larger than the socket allows");
    // The session is not broken: a packet the socket takes still goes through.
    REQUIRE(send_text(pair.client, "small").has_value());
    CHECK(receive_text(pair.server) == "small");
}

TEST_CASE("socket calls that fail are OS errors naming the call", "[transport][uds]") {
    TempRunDir dir;
    auto pair = connect_pair(dir);
    uds_test::replace_with_non_socket(pair.client.native_handle());
    auto detail_of = [](const netipc::Error& error) { return std::string(error.detail); };

    const auto sent = send_text(pair.client, "x", Deadline::after(30s));
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error() == Errc::os_error);
    CHECK(sent.error().sys_errno == ENOTSOCK);
    CHECK(detail_of(sent.error()) == "send() failed");

    std::array<std::byte, 64> buffer{};
    // Without a deadline the receive goes straight to recv().
    const auto received = pair.client.receive_packet(buffer, Deadline::never(), nullptr);
    REQUIRE_FALSE(received.has_value());
    CHECK(received.error() == Errc::os_error);
    CHECK(received.error().sys_errno == ENOTSOCK);
    CHECK(detail_of(received.error()) == "recv() failed");

    // With one it first arms the socket's receive timeout.
    const auto timed = pair.client.receive_packet(buffer, Deadline::after(30s), nullptr);
    REQUIRE_FALSE(timed.has_value());
    CHECK(timed.error() == Errc::os_error);
    CHECK(timed.error().sys_errno == ENOTSOCK);
    CHECK(detail_of(timed.error()).find("SO_RCVTIMEO") != std::string::npos);

    const auto identity = pair.client.peer_identity();
    REQUIRE_FALSE(identity.has_value());
    CHECK(identity.error() == Errc::os_error);
    CHECK(identity.error().sys_errno == ENOTSOCK);
    CHECK(detail_of(identity.error()).find("SO_PEERCRED") != std::string::npos);

    // The peer sees the socket gone.
    const auto ended = pair.server.receive_packet(buffer, Deadline::after(30s), nullptr);
    REQUIRE_FALSE(ended.has_value());
    CHECK(ended.error() == Errc::disconnected);
}

// --- connect -------------------------------------------------------------------------

TEST_CASE("connecting where no service runs is not_found", "[transport][uds]") {
    TempRunDir dir;
    const auto nothing = UdsSeqpacket::connect(dir.address(), Deadline::after(5s));
    REQUIRE_FALSE(nothing.has_value());
    REQUIRE(nothing.error() == Errc::not_found);

    leave_dead_socket(dir.socket_file());
    REQUIRE(UdsSeqpacket::connect(dir.address(), Deadline::after(5s)).error() == Errc::not_found);
}

TEST_CASE("bad addresses are refused before touching the file system", "[transport][uds]") {
    TempRunDir dir;
    REQUIRE(UdsSeqpacket::listen(dir.address("../escape")).error() == Errc::invalid_argument);
    REQUIRE(UdsSeqpacket::listen(dir.address("")).error() == Errc::invalid_argument);
    REQUIRE(UdsSeqpacket::connect(dir.address("a/b"), Deadline::never()).error()
            == Errc::invalid_argument);
    const std::string too_long(200, 'n');
    REQUIRE(UdsSeqpacket::listen(dir.address(too_long)).error() == Errc::invalid_argument);
    REQUIRE(UdsSeqpacket::connect(dir.address(too_long), Deadline::never()).error()
            == Errc::invalid_argument);
}
