// Helpers shared by the UDS SEQPACKET tests: a private run directory, text
// packets, a connected client/server pair, and raw file-system probes.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "netipc/deadline.h"
#include "netipc/error.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/uds_seqpacket.h"

namespace uds_test {

using namespace std::chrono_literals;
using netipc::Deadline;
using netipc::transports::ServiceAddress;
using netipc::transports::UdsSeqpacket;
using Connection = UdsSeqpacket::Connection;
using Listener = UdsSeqpacket::Listener;

// A private run directory per test (the shared helper, removed with
// everything in it) with this suite's defaults: service "svc", and its socket
// file name spelled out here rather than taken from the transport, so the
// tests check the transport's naming.
class TempRunDir : public netipc::testing::TempRunDir {
public:
    TempRunDir() : netipc::testing::TempRunDir("netipc-uds") {}

    [[nodiscard]] ServiceAddress address(const std::string& service = "svc") const {
        return netipc::testing::TempRunDir::address(service);
    }
    [[nodiscard]] std::string socket_file(std::string_view service = "svc") const {
        return file(std::string(service) + ".sock");
    }
};

inline netipc::wire::Bytes bytes_of(std::string_view text) {
    return netipc::wire::as_bytes(text.data(), text.size());
}

inline netipc::Result<void> send_text(Connection& connection, std::string_view text,
                                      Deadline deadline = Deadline::never()) {
    const std::array pieces{bytes_of(text)};
    return connection.send_packet(pieces, deadline);
}

inline std::string receive_text(Connection& connection, Deadline deadline = Deadline::never()) {
    std::vector<std::byte> buffer(connection.max_packet_size() + 64);
    const auto received = connection.receive_packet(buffer, deadline, nullptr);
    REQUIRE(received.has_value());
    return {reinterpret_cast<const char*>(buffer.data()), *received};
}

struct ConnectedPair {
    Listener listener;
    Connection client;
    Connection server;
};

inline ConnectedPair connect_pair(const TempRunDir& dir) {
    auto listener = UdsSeqpacket::listen(dir.address());
    REQUIRE(listener.has_value());
    auto client = UdsSeqpacket::connect(dir.address(), Deadline::after(5s));
    REQUIRE(client.has_value());
    auto server = listener->accept(Deadline::after(5s), nullptr);
    REQUIRE(server.has_value());
    return {std::move(*listener), std::move(*client), std::move(*server)};
}

inline struct stat stat_of(const std::string& path) {
    struct stat status{};
    REQUIRE(::lstat(path.c_str(), &status) == 0);
    return status;
}

inline bool exists(const std::string& path) {
    struct stat status{};
    return ::lstat(path.c_str(), &status) == 0;
}

// Leaves a socket file with no listener behind, as a crashed server does.
inline void leave_dead_socket(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET, 0);
    REQUIRE(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof(address.sun_path));
    std::memcpy(static_cast<char*>(address.sun_path), path.c_str(), path.size() + 1);
    REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    ::close(fd);
    REQUIRE(exists(path));
}

// Puts /dev/null under descriptor number `fd` (dup2): the socket is gone,
// and every socket call its owner makes on that number fails with ENOTSOCK,
// as a system call the transport cannot do anything about would.
inline void replace_with_non_socket(int fd) {
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    REQUIRE(null >= 0);
    REQUIRE(::dup2(null, fd) == fd);
    ::close(null);
}

inline bool readable(int fd) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, 0) == 1 && (entry.revents & POLLIN) != 0;
}

} // namespace uds_test
