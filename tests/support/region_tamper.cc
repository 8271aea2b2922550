#include "tests/support/region_tamper.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <thread>
#include <utility>

#include "netipc/posix/unique_fd.h"
#include "transports/posix/shm_region_header.h"

namespace netipc::testing {

namespace {

struct LiveFields {
    std::size_t seq;
    std::size_t signal;
};

LiveFields fields_of(transports::ShmDirection direction) noexcept {
    using transports::ShmDirection;
    namespace at = transports::shm_offsets;
    return direction == ShmDirection::request ? LiveFields{at::req_seq, at::req_signal}
                                              : LiveFields{at::resp_seq, at::resp_signal};
}

template <class T>
std::atomic_ref<T> live(std::byte* base, std::size_t offset) noexcept {
    return std::atomic_ref<T>(*reinterpret_cast<T*>(base + offset));
}

} // namespace

Result<RegionTamper> RegionTamper::open(const std::string& path) {
    const posix::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd) {
        return fail(Errc::os_error, "cannot open the region file", errno);
    }
    struct stat info{};
    if (::fstat(fd.get(), &info) != 0 || info.st_size < transports::shm_region_header_len) {
        return fail(Errc::truncated, "the region file is shorter than a header");
    }
    const auto size = static_cast<std::size_t>(info.st_size);
    void* mapped = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
    if (mapped == MAP_FAILED) {
        return fail(Errc::os_error, "cannot map the region file", errno);
    }
    return RegionTamper(static_cast<std::byte*>(mapped), size);
}

RegionTamper::RegionTamper(RegionTamper&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)), size_(std::exchange(other.size_, 0)) {}

RegionTamper& RegionTamper::operator=(RegionTamper&& other) noexcept {
    if (this != &other) {
        if (base_ != nullptr) {
            ::munmap(base_, size_);
        }
        base_ = std::exchange(other.base_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

RegionTamper::~RegionTamper() {
    if (base_ != nullptr) {
        ::munmap(base_, size_);
    }
}

Result<void> RegionTamper::write(std::size_t offset, wire::Bytes bytes) noexcept {
    if (offset > size_ || bytes.size() > size_ - offset) {
        return fail(Errc::out_of_bounds, "write past the end of the region");
    }
    std::memcpy(base_ + offset, bytes.data(), bytes.size());
    std::atomic_thread_fence(std::memory_order_release);
    return {};
}

std::uint64_t RegionTamper::sequence(transports::ShmDirection direction) const noexcept {
    return live<std::uint64_t>(base_, fields_of(direction).seq).load(std::memory_order_acquire);
}

void RegionTamper::publish(transports::ShmDirection direction) noexcept {
    const LiveFields fields = fields_of(direction);
    const auto seq = live<std::uint64_t>(base_, fields.seq);
    seq.store(seq.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    const auto signal = live<std::uint32_t>(base_, fields.signal);
    signal.store(signal.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    // A shared (not private) futex: the victim may be another process.
    (void)::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(base_ + fields.signal), FUTEX_WAKE,
                    INT_MAX, nullptr, nullptr, 0);
}

Result<std::uint64_t> RegionTamper::await_publication(transports::ShmDirection direction,
                                                      std::uint64_t seen,
                                                      Deadline deadline) const noexcept {
    for (;;) {
        if (const std::uint64_t now = sequence(direction); now != seen) {
            return now;
        }
        if (deadline.expired()) {
            return fail(Errc::timeout, "the victim published nothing");
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200)); // then look again
    }
}

} // namespace netipc::testing
