// The UDS SEQPACKET listener and its socket file: the 0600 mode whatever the
// umask, stale-endpoint recovery by liveness, ownership of the file on close,
// full backlogs and descriptor exhaustion.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "netipc/deadline.h"
#include "netipc/error.h"
#include "tests/support/resource_limit.h"
#include "tests/transport/uds_test_support.h"
#include "transports/posix/uds_seqpacket.h"

using namespace std::chrono_literals;
using netipc::Deadline;
using netipc::Errc;
using netipc::testing::DescriptorLimit;
using netipc::transports::UdsSeqpacket;
using uds_test::Connection;
using uds_test::exists;
using uds_test::leave_dead_socket;
using uds_test::Listener;
using uds_test::stat_of;
using uds_test::TempRunDir;

// --- listen errors -------------------------------------------------------------------

TEST_CASE("listening in a missing run directory is an OS error", "[transport][uds]") {
    TempRunDir dir;
    const auto result = UdsSeqpacket::listen({dir.path() + "/missing", "svc"});
    REQUIRE_FALSE(result.has_value());
    REQUIRE(result.error() == Errc::os_error);
    REQUIRE(result.error().sys_errno == ENOENT);
}

// --- socket file mode ----------------------------------------------------------------

TEST_CASE("the socket file is exactly srw------- even with umask 0", "[transport][uds]") {
    TempRunDir dir;
    const mode_t saved = ::umask(0);
    auto listener = UdsSeqpacket::listen(dir.address());
    ::umask(saved);
    REQUIRE(listener.has_value());
    const auto status = stat_of(dir.socket_file());
    REQUIRE(S_ISSOCK(status.st_mode));
    REQUIRE((status.st_mode & 07777) == 0600);
}

TEST_CASE("listening leaves the process umask alone", "[transport][uds]") {
    TempRunDir dir;
    const mode_t saved = ::umask(022);
    auto listener = UdsSeqpacket::listen(dir.address());
    const mode_t after = ::umask(saved);
    REQUIRE(listener.has_value());
    REQUIRE(after == 022);
    REQUIRE((stat_of(dir.socket_file()).st_mode & 07777) == 0600);
}

// --- stale endpoints -----------------------------------------------------------------

TEST_CASE("a dead server's leftover socket is reclaimed", "[transport][uds]") {
    TempRunDir dir;
    leave_dead_socket(dir.socket_file());
    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener.has_value());
    auto client = UdsSeqpacket::connect(dir.address(), Deadline::after(5s));
    REQUIRE(client.has_value());
    REQUIRE(listener->accept(Deadline::after(5s), nullptr).has_value());
}

TEST_CASE("a regular file squatting on the socket path is replaced", "[transport][uds]") {
    TempRunDir dir;
    const int fd = ::open(dir.socket_file().c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    ::close(fd);
    REQUIRE(S_ISREG(stat_of(dir.socket_file()).st_mode));

    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener.has_value());
    REQUIRE(S_ISSOCK(stat_of(dir.socket_file()).st_mode));
}

TEST_CASE("a live listener keeps its socket: the second listen is address_in_use",
          "[transport][uds]") {
    TempRunDir dir;
    auto first = UdsSeqpacket::listen(dir.address());
    REQUIRE(first.has_value());
    const auto before = stat_of(dir.socket_file());

    const auto second = UdsSeqpacket::listen(dir.address());
    REQUIRE_FALSE(second.has_value());
    REQUIRE(second.error() == Errc::address_in_use);

    const auto after = stat_of(dir.socket_file());
    REQUIRE(after.st_ino == before.st_ino);
    REQUIRE(after.st_dev == before.st_dev);
    // The first server still works; the probe's connection is simply dropped.
    auto client = UdsSeqpacket::connect(dir.address(), Deadline::after(5s));
    REQUIRE(client.has_value());
}

TEST_CASE("a listener removes its own socket file when closed", "[transport][uds]") {
    TempRunDir dir;
    {
        auto listener = UdsSeqpacket::listen(dir.address());
        REQUIRE(listener.has_value());
        REQUIRE(exists(dir.socket_file()));
    }
    REQUIRE_FALSE(exists(dir.socket_file()));

    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener.has_value());
    listener->close();
    listener->close(); // idempotent
    REQUIRE_FALSE(exists(dir.socket_file()));
    REQUIRE(listener->accept(Deadline::never(), nullptr).error() == Errc::invalid_argument);
}

TEST_CASE("a closing listener never removes a successor's socket", "[transport][uds]") {
    TempRunDir dir;
    auto old_listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(old_listener.has_value());
    // Someone removes the old file and a new server takes the name.
    REQUIRE(::unlink(dir.socket_file().c_str()) == 0);
    auto successor = UdsSeqpacket::listen(dir.address());
    REQUIRE(successor.has_value());
    const auto successor_inode = stat_of(dir.socket_file()).st_ino;

    old_listener->close();
    REQUIRE(exists(dir.socket_file()));
    REQUIRE(stat_of(dir.socket_file()).st_ino == successor_inode);
    auto client = UdsSeqpacket::connect(dir.address(), Deadline::after(5s));
    REQUIRE(client.has_value());
    REQUIRE(successor->accept(Deadline::after(5s), nullptr).has_value());
}

TEST_CASE("moving a listener moves the ownership of its socket file", "[transport][uds]") {
    TempRunDir dir;
    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener.has_value());
    Listener moved = std::move(*listener);
    listener->close(); // the moved-from listener owns nothing
    REQUIRE(exists(dir.socket_file()));
    REQUIRE(moved.path() == dir.socket_file());

    Listener assigned;
    assigned = std::move(moved);
    REQUIRE(exists(dir.socket_file()));
    auto client = UdsSeqpacket::connect(dir.address(), Deadline::after(5s));
    REQUIRE(client.has_value());
    REQUIRE(assigned.accept(Deadline::after(5s), nullptr).has_value());
    assigned = Listener();
    REQUIRE_FALSE(exists(dir.socket_file()));
}

// --- full backlogs and descriptor exhaustion -----------------------------------------

namespace {

// Connects without accepting until the listener's backlog is full; the
// returned connections keep the queue slots taken.
std::vector<Connection> fill_backlog(const TempRunDir& dir) {
    std::vector<Connection> queued;
    for (;;) {
        auto client = UdsSeqpacket::connect(dir.address(), Deadline::after(0ms));
        if (!client) {
            REQUIRE(client.error() == Errc::timeout);
            return queued;
        }
        queued.push_back(std::move(*client));
        REQUIRE(queued.size() < 100'000);
    }
}

} // namespace

TEST_CASE("connect waits for backlog room until its deadline", "[transport][uds]") {
    TempRunDir dir;
    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener.has_value());
    auto queued = fill_backlog(dir);
    REQUIRE_FALSE(queued.empty());
    REQUIRE(UdsSeqpacket::connect(dir.address(), Deadline::after(50ms)).error() == Errc::timeout);

    // A listen() probe that meets the full backlog must still see a live
    // server: the file is kept.
    const auto inode = stat_of(dir.socket_file()).st_ino;
    REQUIRE(UdsSeqpacket::listen(dir.address()).error() == Errc::address_in_use);
    REQUIRE(stat_of(dir.socket_file()).st_ino == inode);

    // Accepting one queued client makes room for a waiting connect.
    netipc::Result<Connection> late = Connection();
    {
        std::jthread connector(
            [&] { late = UdsSeqpacket::connect(dir.address(), Deadline::after(30s)); });
        REQUIRE(listener->accept(Deadline::after(30s), nullptr).has_value());
    }
    REQUIRE(late.has_value());
}

TEST_CASE("out of descriptors while probing keeps the existing socket file", "[transport][uds]") {
    TempRunDir dir;
    leave_dead_socket(dir.socket_file());
    const auto inode = stat_of(dir.socket_file()).st_ino;

    // Allow exactly one more descriptor: listen()'s own socket gets it and
    // the liveness probe meets EMFILE.
    const auto result = [&] {
        const DescriptorLimit one_more(1);
        REQUIRE(one_more.active());
        return UdsSeqpacket::listen(dir.address());
    }();

    REQUIRE_FALSE(result.has_value());
    REQUIRE(result.error() == Errc::address_in_use);
    REQUIRE(result.error().sys_errno == EMFILE);
    REQUIRE(stat_of(dir.socket_file()).st_ino == inode);

    // With descriptors back, the stale file is reclaimed as usual.
    REQUIRE(UdsSeqpacket::listen(dir.address()).has_value());
}

TEST_CASE("accept at the descriptor limit names it, and the client stays queued",
          "[transport][uds]") {
    TempRunDir dir;
    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener);
    auto client = UdsSeqpacket::connect(dir.address(), Deadline::after(30s));
    REQUIRE(client);
    // No Catch assertion while the limit is in place (see DescriptorLimit).
    bool limited = false;
    auto refused = [&] {
        const DescriptorLimit none_left;
        limited = none_left.active();
        return listener->accept(Deadline::after(30s), nullptr);
    }();
    REQUIRE(limited);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::os_error);
    CHECK(refused.error().sys_errno == EMFILE);
    CHECK(std::strstr(refused.error().detail, "RLIMIT_NOFILE") != nullptr);
    // Descriptors are back: the same client is accepted and talks.
    auto accepted = listener->accept(Deadline::after(30s), nullptr);
    REQUIRE(accepted);
    const std::array<std::byte, 3> hello{std::byte{1}, std::byte{2}, std::byte{3}};
    const std::array<netipc::wire::Bytes, 1> pieces{netipc::wire::Bytes(hello)};
    REQUIRE(client->send_packet(pieces, Deadline::after(30s)));
    std::array<std::byte, 16> received{};
    auto got = accepted->receive_packet(received, Deadline::after(30s), nullptr);
    REQUIRE(got);
    CHECK(*got == hello.size());
}

TEST_CASE("connect at the descriptor limit names it", "[transport][uds]") {
    TempRunDir dir;
    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener);
    bool limited = false;
    auto refused = [&] {
        const DescriptorLimit none_left;
        limited = none_left.active();
        return UdsSeqpacket::connect(dir.address(), Deadline::after(30s));
    }();
    REQUIRE(limited);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::os_error);
    CHECK(refused.error().sys_errno == EMFILE);
    CHECK(std::strstr(refused.error().detail, "RLIMIT_NOFILE") != nullptr);
    CHECK(refused.error().message().find("RLIMIT_NOFILE") != std::string::npos);
    // Nothing of the failed attempt is left: the next one connects.
    CHECK(UdsSeqpacket::connect(dir.address(), Deadline::after(30s)).has_value());
}

TEST_CASE("listen at the descriptor limit names it and leaves no file", "[transport][uds]") {
    TempRunDir dir;
    // No Catch assertion while the limit is in place (see DescriptorLimit).
    bool limited = false;
    auto refused = [&] {
        const DescriptorLimit none_left;
        limited = none_left.active();
        return UdsSeqpacket::listen(dir.address());
    }();
    REQUIRE(limited);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::os_error);
    CHECK(refused.error().sys_errno == EMFILE);
    CHECK(std::strstr(refused.error().detail, "cannot listen") != nullptr);
    CHECK(std::strstr(refused.error().detail, "RLIMIT_NOFILE") != nullptr);
    CHECK_FALSE(exists(dir.socket_file()));
    // With descriptors back, the same address is served.
    CHECK(UdsSeqpacket::listen(dir.address()).has_value());
}

TEST_CASE("a directory squatting on the socket path is an error naming it, and is kept",
          "[transport][uds]") {
    TempRunDir dir;
    REQUIRE(::mkdir(dir.socket_file().c_str(), 0700) == 0);
    // Nothing listens there, so the path counts as stale, but a directory is
    // not ours to remove: unlink() refuses it.
    const auto refused = UdsSeqpacket::listen(dir.address());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::os_error);
    CHECK(refused.error().sys_errno == EISDIR);
    CHECK(std::strstr(refused.error().detail, "cannot remove the stale service socket") != nullptr);
    CHECK(S_ISDIR(stat_of(dir.socket_file()).st_mode));
    REQUIRE(::rmdir(dir.socket_file().c_str()) == 0);
}

TEST_CASE("an accept whose system call fails is an OS error naming accept4()", "[transport][uds]") {
    TempRunDir dir;
    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener);
    uds_test::replace_with_non_socket(listener->native_handle());
    const auto refused = listener->accept(Deadline::after(30s), nullptr);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::os_error);
    CHECK(refused.error().sys_errno == ENOTSOCK);
    CHECK(std::string(refused.error().detail) == "accept4() failed");
    // The listener still owns its socket file and removes it on close.
    listener->close();
    CHECK_FALSE(exists(dir.socket_file()));
}
