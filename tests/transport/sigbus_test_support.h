// A shared file mapping that a test can truncate under itself, for the
// SIGBUS guard tests.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <string>

#include "netipc/posix/unique_fd.h"

namespace sigbus_test {

inline constexpr std::size_t mapping_size = std::size_t{4} * 4096;

// A file of `mapping_size` bytes mapped shared and read-write; unmapped on
// destruction. truncate() shrinks the file under the mapping.
class SharedFileMapping {
public:
    explicit SharedFileMapping(const std::string& path)
        : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) {
        if (!fd_ || ::ftruncate(fd_.get(), mapping_size) != 0) {
            return;
        }
        void* address =
            ::mmap(nullptr, mapping_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
        if (address != MAP_FAILED) {
            address_ = address;
            bytes_ = static_cast<volatile unsigned char*>(address);
        }
    }
    SharedFileMapping(const SharedFileMapping&) = delete;
    SharedFileMapping& operator=(const SharedFileMapping&) = delete;
    SharedFileMapping(SharedFileMapping&&) = delete;
    SharedFileMapping& operator=(SharedFileMapping&&) = delete;
    ~SharedFileMapping() {
        if (bytes_ != nullptr) {
            (void)::munmap(address_, mapping_size);
        }
    }

    [[nodiscard]] bool ok() const noexcept { return bytes_ != nullptr; }
    [[nodiscard]] void* address() const noexcept { return address_; }
    [[nodiscard]] volatile unsigned char* bytes() const noexcept { return bytes_; }
    [[nodiscard]] bool truncate(off_t size) const noexcept {
        return ::ftruncate(fd_.get(), size) == 0;
    }

private:
    netipc::posix::UniqueFd fd_;
    void* address_ = nullptr;
    // Volatile: every access in a test really touches the mapping.
    volatile unsigned char* bytes_ = nullptr;
};

} // namespace sigbus_test
