// Helpers shared by the SHM transport tests: a private temporary directory,
// raw file access (to inspect or damage a region from outside its mapping),
// and the pid of a process that certainly no longer exists.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/temp_run_dir.h"

namespace shm_test {

// A fresh private directory, removed with its contents (the shared helper).
using TempDir = netipc::testing::TempRunDir;

inline std::vector<std::byte> read_all(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    struct stat info{};
    REQUIRE(::fstat(fd, &info) == 0);
    std::vector<std::byte> bytes(static_cast<std::size_t>(info.st_size));
    REQUIRE(::pread(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
    ::close(fd);
    return bytes;
}

inline void write_file(const std::string& path, const std::vector<std::byte>& bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    ::close(fd);
}

// `size` bytes counting up from `seed`: a message whose every byte says
// where it belongs.
inline std::vector<std::byte> message_of(std::size_t size, std::uint8_t seed) {
    std::vector<std::byte> bytes(size);
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = std::byte(static_cast<std::uint8_t>(seed + i));
    }
    return bytes;
}

// Overwrites `value` at `offset` through the file, not the mapping.
template <class T>
void patch(const std::string& path, std::size_t offset, T value) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, &value, sizeof(value), static_cast<off_t>(offset))
            == static_cast<ssize_t>(sizeof(value)));
    ::close(fd);
}

template <class T>
T load_at(const std::vector<std::byte>& bytes, std::size_t offset) {
    T value{};
    std::memcpy(&value, bytes.data() + offset, sizeof(value));
    return value;
}

// A child that exits at once and is reaped: its pid names no process (pid
// reuse within the test is practically impossible).
inline pid_t dead_pid() {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    return child;
}

} // namespace shm_test
