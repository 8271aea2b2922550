// The Windows named-pipe transport's own rules, beyond the conformance suite
// (tests/conformance/named_pipe_conformance_test.cc): forbidden service
// names, a busy pipe (every instance taken), a server restarted on the same
// name, a client that left before it was accepted, and the idle check a data
// plane uses to see its peer leave.
#include "transports/windows/named_pipe.h"

#include <array>
#include <future>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/pipe_namespace.h"
#include "tests/support/result_assertions.h"

using namespace std::chrono_literals;
using netipc::Deadline;
using netipc::Errc;
using netipc::testing::unique_pipe_address;
using netipc::transports::NamedPipe;

namespace {

// Every wait that should end for another reason: a bound, not a measure.
Deadline soon() {
    return Deadline::after(30s);
}

netipc::Result<void> send_text(NamedPipe::Connection& connection, std::string_view text) {
    const std::array pieces{netipc::wire::as_bytes(text.data(), text.size())};
    return connection.send_packet(pieces, soon());
}

std::string receive_text(NamedPipe::Connection& connection) {
    std::array<std::byte, 256> buffer{};
    auto got = connection.receive_packet(buffer, soon(), nullptr);
    REQUIRE_OK(got);
    return {reinterpret_cast<const char*>(buffer.data()), *got};
}

// `client` and `server` are the two ends of one session.
void check_paired(NamedPipe::Connection& client, NamedPipe::Connection& server,
                  std::string_view tag) {
    REQUIRE_OK(send_text(client, std::string("ping ") + std::string(tag)));
    CHECK(receive_text(server) == std::string("ping ") + std::string(tag));
    REQUIRE_OK(send_text(server, std::string("pong ") + std::string(tag)));
    CHECK(receive_text(client) == std::string("pong ") + std::string(tag));
}

} // namespace

TEST_CASE("service names with forbidden characters are rejected by listen and connect",
          "[transport][named-pipe]") {
    for (const std::string service : {"a b", "a/b", R"(a\b)", "a:b", "..", ""}) {
        CAPTURE(service);
        auto address = unique_pipe_address(service);
        REQUIRE_ERRC(NamedPipe::listen(address), Errc::invalid_argument);
        REQUIRE_ERRC(NamedPipe::connect(address, soon()), Errc::invalid_argument);
    }
}

TEST_CASE("nothing listening is not_found", "[transport][named-pipe]") {
    REQUIRE_ERRC(NamedPipe::connect(unique_pipe_address(), soon()), Errc::not_found);
}

TEST_CASE("a busy pipe is waited on until the server frees an instance",
          "[transport][named-pipe]") {
    auto listener = NamedPipe::listen(unique_pipe_address());
    REQUIRE_OK(listener);
    // The first client takes the one waiting instance; nobody accepts yet.
    auto first = NamedPipe::connect(listener->address(), soon());
    REQUIRE_OK(first);
    // The second finds every instance taken and waits in the kernel until
    // accept() makes the next one, however the two threads interleave.
    auto second = std::async(std::launch::async, [address = listener->address()] {
        return NamedPipe::connect(address, soon());
    });
    auto first_server = listener->accept(soon(), nullptr);
    REQUIRE_OK(first_server);
    auto second_client = second.get();
    REQUIRE_OK(second_client);
    auto second_server = listener->accept(soon(), nullptr);
    REQUIRE_OK(second_server);

    check_paired(*first, *first_server, "first");
    check_paired(*second_client, *second_server, "second");
}

TEST_CASE("a pipe that stays busy past the deadline is a timeout", "[transport][named-pipe]") {
    auto listener = NamedPipe::listen(unique_pipe_address());
    REQUIRE_OK(listener);
    auto first = NamedPipe::connect(listener->address(), soon());
    REQUIRE_OK(first);
    // Nobody accepts, so no instance ever frees up.
    REQUIRE_ERRC(NamedPipe::connect(listener->address(), Deadline::after(100ms)), Errc::timeout);
    REQUIRE_ERRC(NamedPipe::connect(listener->address(), Deadline::after(0ms)), Errc::timeout);
}

TEST_CASE("a second live server on the same name is refused", "[transport][named-pipe]") {
    auto listener = NamedPipe::listen(unique_pipe_address());
    REQUIRE_OK(listener);
    REQUIRE_ERRC(NamedPipe::listen(listener->address()), Errc::address_in_use);
}

TEST_CASE("a server restarted on the same name serves again", "[transport][named-pipe]") {
    const auto address = unique_pipe_address();
    auto old_listener = NamedPipe::listen(address);
    REQUIRE_OK(old_listener);
    auto old_client = NamedPipe::connect(address, soon());
    REQUIRE_OK(old_client);
    auto old_server = old_listener->accept(soon(), nullptr);
    REQUIRE_OK(old_server);
    check_paired(*old_client, *old_server, "before");

    // The server goes away: its listener and its sessions close, as when
    // its process ends. Its client sees the session end.
    old_listener->close();
    old_server->close();
    std::array<std::byte, 16> buffer{};
    REQUIRE_ERRC(old_client->receive_packet(buffer, soon(), nullptr), Errc::disconnected);
    // Nothing of the old server lingers: the name is free again.
    old_client->close();
    REQUIRE_ERRC(NamedPipe::connect(address, soon()), Errc::not_found);

    auto new_listener = NamedPipe::listen(address);
    REQUIRE_OK(new_listener);
    auto new_client = NamedPipe::connect(address, soon());
    REQUIRE_OK(new_client);
    auto new_server = new_listener->accept(soon(), nullptr);
    REQUIRE_OK(new_server);
    check_paired(*new_client, *new_server, "after");
}

TEST_CASE("a client that left before it was accepted is skipped", "[transport][named-pipe]") {
    auto listener = NamedPipe::listen(unique_pipe_address());
    REQUIRE_OK(listener);
    auto gone = NamedPipe::connect(listener->address(), soon());
    REQUIRE_OK(gone);
    gone->close();
    // The next client waits until accept() has freed the instance the first
    // one left behind; accept() hands out only the live client.
    auto next = std::async(std::launch::async, [address = listener->address()] {
        return NamedPipe::connect(address, soon());
    });
    auto server = listener->accept(soon(), nullptr);
    REQUIRE_OK(server);
    auto client = next.get();
    REQUIRE_OK(client);
    check_paired(*client, *server, "live");
}

TEST_CASE("the idle check sees a waiting packet and a peer close", "[transport][named-pipe]") {
    auto listener = NamedPipe::listen(unique_pipe_address());
    REQUIRE_OK(listener);
    auto client = NamedPipe::connect(listener->address(), soon());
    REQUIRE_OK(client);
    auto server = listener->accept(soon(), nullptr);
    REQUIRE_OK(server);

    REQUIRE_OK(server->check_idle());
    REQUIRE_OK(send_text(*client, "unexpected"));
    REQUIRE_ERRC(server->check_idle(), Errc::protocol_violation);
    CHECK(receive_text(*server) == "unexpected");
    REQUIRE_OK(server->check_idle());

    client->close();
    REQUIRE_ERRC(server->check_idle(), Errc::disconnected);
}

TEST_CASE("a packet over the packet size is refused before it is sent", "[transport][named-pipe]") {
    auto listener = NamedPipe::listen(unique_pipe_address());
    REQUIRE_OK(listener);
    auto client = NamedPipe::connect(listener->address(), soon());
    REQUIRE_OK(client);
    const std::vector<std::byte> too_big(NamedPipe::packet_size + 1);
    const std::array pieces{netipc::wire::Bytes(too_big)};
    REQUIRE_ERRC(client->send_packet(pieces, soon()), Errc::invalid_argument);
    const std::array<netipc::wire::Bytes, 1> empty{};
    REQUIRE_ERRC(client->send_packet(empty, soon()), Errc::invalid_argument);
}

TEST_CASE("a closed or moved-from connection fails every call", "[transport][named-pipe]") {
    NamedPipe::Connection connection;
    std::array<std::byte, 16> buffer{};
    REQUIRE_ERRC(connection.receive_packet(buffer, soon(), nullptr), Errc::invalid_argument);
    REQUIRE_ERRC(send_text(connection, "x"), Errc::invalid_argument);
    REQUIRE_ERRC(connection.check_idle(), Errc::invalid_argument);
    CHECK(connection.native_handle() == nullptr);
    connection.interrupt(); // harmless
    connection.close();     // idempotent
}
