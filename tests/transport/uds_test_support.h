// Helpers shared by the UDS SEQPACKET tests: a private run directory, text
// packets, a connected client/server pair, and raw file-system probes.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "netipc/deadline.h"
#include "netipc/error.h"
#include "transports/posix/uds_seqpacket.h"

namespace uds_test {

using namespace std::chrono_literals;
using netipc::Deadline;
using netipc::transports::ServiceAddress;
using netipc::transports::UdsSeqpacket;
using Connection = UdsSeqpacket::Connection;
using Listener = UdsSeqpacket::Listener;

// A private run directory per test, removed with everything in it.
class TempRunDir {
public:
    TempRunDir() {
        // Socket paths must fit sun_path (108 bytes); Bazel's TEST_TMPDIR can
        // be too deep for that, so fall back to /tmp.
        std::string base = "/tmp";
        // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any test thread starts
        if (const char* tmp = std::getenv("TEST_TMPDIR"); tmp != nullptr && std::strlen(tmp) < 48) {
            base = tmp;
        }
        std::string pattern = base + "/netipc-uds-XXXXXX";
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    TempRunDir(const TempRunDir&) = delete;
    TempRunDir& operator=(const TempRunDir&) = delete;
    ~TempRunDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] ServiceAddress address(std::string service = "svc") const {
        return {path_, std::move(service)};
    }
    [[nodiscard]] std::string socket_file(std::string_view service = "svc") const {
        return path_ + "/" + std::string(service) + ".sock";
    }

private:
    std::string path_;
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

inline bool readable(int fd) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, 0) == 1 && (entry.revents & POLLIN) != 0;
}

} // namespace uds_test
