// A hostile peer's own view of a session's SHM region file: it maps the file
// itself (MAP_SHARED) and writes whatever it likes at any offset, header or
// area, bypassing ShmRegion's checks. It can also publish the way a peer
// does (sequence + 1, futex word + 1, FUTEX_WAKE) after writing a message and
// a length of its choosing, and wait for the victim to publish.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "transports/posix/shm_region.h"

namespace netipc::testing {

class RegionTamper {
public:
    // Maps the whole file at `path` (which must exist).
    static Result<RegionTamper> open(const std::string& path);

    RegionTamper(RegionTamper&& other) noexcept;
    RegionTamper& operator=(RegionTamper&& other) noexcept;
    RegionTamper(const RegionTamper&) = delete;
    RegionTamper& operator=(const RegionTamper&) = delete;
    ~RegionTamper();

    // Copies `bytes` to `offset` from the start of the file. Errc::out_of_bounds
    // past the end of the mapping.
    Result<void> write(std::size_t offset, wire::Bytes bytes) noexcept;

    // The direction's current sequence number.
    [[nodiscard]] std::uint64_t sequence(transports::ShmDirection direction) const noexcept;

    // Publishes whatever the direction's area and length field hold now:
    // sequence + 1 (release), futex word + 1, FUTEX_WAKE.
    void publish(transports::ShmDirection direction) noexcept;

    // Waits until the direction's sequence differs from `seen` (polling: a
    // state, not a time, ends the wait). Errc::timeout at the deadline.
    Result<std::uint64_t> await_publication(transports::ShmDirection direction, std::uint64_t seen,
                                            Deadline deadline) const noexcept;

private:
    RegionTamper(std::byte* base, std::size_t size) noexcept : base_(base), size_(size) {}

    std::byte* base_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace netipc::testing
