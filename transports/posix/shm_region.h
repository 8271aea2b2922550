// A POSIX shared-memory region: one file in the run directory, mapped by the
// server that created it and by the one client of its session.
//
// The region carries one in-flight message per direction. The publisher
// writes the whole message (envelope header included) into its direction's
// area, stores its length, advances the direction's sequence number and
// bumps the direction's futex word; the consumer spins briefly on the
// sequence number, then sleeps on the futex word.
//
// Lifetime: ShmRegion owns the mapping. A region made by create() also owns
// its file and unlinks it on unlink() or destruction, but only while the path
// still names the file it created (same device and inode), so it never
// removes a successor's file. An attached region never unlinks.
//
// Thread-safety: publish() and wait() only touch the shared mapping through
// atomics and never modify the ShmRegion object, so one thread may publish
// in one direction while another waits in the same or the other direction.
// At most one publisher per direction at a time (the protocol's single
// in-flight rule). Moving, unlink() and destruction need exclusive access.
// A moved-from ShmRegion may only be destroyed or assigned to.
//
// Truncation: every mapping is registered with the process-wide SIGBUS
// guard (netipc/posix/sigbus_guard.h). If the file shrinks under a live
// mapping (`truncate -s 0` by anyone who can write the run directory), the
// access that faults completes on zero pages instead of killing the process,
// and poisoned() turns true for good: whatever the region showed since is
// meaningless, and the session using it must end (ShmHybrid does, with
// Errc::disconnected).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <boost/interprocess/mapped_region.hpp>

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/posix/sigbus_guard.h"
#include "netipc/wire/bytes.h"
#include "transports/adaptive_spin.h"
#include "transports/posix/shm_region_header.h"

namespace netipc::transports {

enum class ShmDirection {
    request,  // client -> server
    response, // server -> client
};

// One message received by ShmRegion::wait().
//
// `message` borrows the direction's area in the mapping: it stays valid
// while the region is alive and until the peer publishes the next message in
// that direction, which under the single in-flight rule happens only after
// this side has answered. Copy it out to keep it longer.
struct ShmMessageView {
    std::uint64_t seq = 0; // the sequence number that published it; pass it to the next wait()
    wire::Bytes message;
};

// Tuning of ShmRegion::wait().
struct ShmWaitOptions {
    // Sequence checks (with a CPU pause hint) before sleeping on the futex.
    std::uint32_t spin_tries = shm_default_spin_tries;
    // A futex cannot watch the abort descriptor, so a wait given an abort
    // signal sleeps at most this long at a time and re-checks it in between.
    std::chrono::milliseconds check_interval{10};
    // Nor can it notice that the region's owner died, so a wait on an
    // attached region sleeps at most this long at a time (or check_interval
    // when it also watches an abort) and checks the owner whenever a sleep
    // ran out: a dead owner is noticed within one such slice. The check is a
    // syscall, so it never runs while messages keep arriving. Waits with
    // neither an abort nor an owner to watch sleep until the deadline.
    std::chrono::milliseconds owner_check_interval{100};
};

class ShmRegion {
public:
    // Server side. Creates `path` (which must not exist) with mode 0600,
    // reserves its whole size with fallocate() (never a sparse file, so a
    // full disk fails here rather than as SIGBUS later), maps it, zeroes it
    // and writes the header for the given payload ceilings with this process
    // as owner.
    // Errors: Errc::address_in_use when the path exists (EEXIST; run stale
    // recovery first), Errc::limit_exceeded when the geometry does not fit,
    // Errc::os_error with errno otherwise; an fallocate() failure (the
    // allocation stage) removes the new file again.
    static Result<ShmRegion> create(const std::string& path, std::uint32_t request_payload_ceiling,
                                    std::uint32_t response_payload_ceiling,
                                    ShmWaitOptions options = {}) noexcept;

    // Client side. Opens and maps an existing region and checks its header
    // against the geometry both peers derive from the negotiated ceilings.
    // Errors:
    //   Errc::not_found: no file yet, or the file exists but is not ready
    //       (shorter than the header, or its header not yet written: magic
    //       still zero). Both are transient while a server prepares the
    //       region, so callers may retry within their deadline;
    //   Errc::bad_layout: not a regular file, or offsets/capacities differ
    //       from the negotiated geometry, or the file is larger than it;
    //   Errc::bad_magic, Errc::bad_version, Errc::bad_header_len: header
    //       fields with the wrong constant;
    //   Errc::truncated: the file is shorter than the geometry says;
    //   Errc::limit_exceeded: the ceilings give no valid geometry;
    //   Errc::os_error with errno: open, fstat or mmap failed.
    static Result<ShmRegion> attach(const std::string& path, std::uint32_t request_payload_ceiling,
                                    std::uint32_t response_payload_ceiling,
                                    ShmWaitOptions options = {}) noexcept;

    ShmRegion(ShmRegion&& other) noexcept;
    ShmRegion& operator=(ShmRegion&& other) noexcept;
    ShmRegion(const ShmRegion&) = delete;
    ShmRegion& operator=(const ShmRegion&) = delete;
    ~ShmRegion();

    // Copies `message` (a whole message, header included) into the
    // direction's area (unless it already lies there, see area()) and
    // publishes it: length (release), sequence
    // (release), futex word (release), then FUTEX_WAKE. Returns the new
    // sequence number. Errc::limit_exceeded when it exceeds the area's
    // capacity, Errc::invalid_argument when empty. Never blocks.
    Result<std::uint64_t> publish(ShmDirection direction, wire::Bytes message) noexcept;
    // The same, for a message given as consecutive pieces (a header and a
    // payload slice): each piece is copied straight into the area.
    Result<std::uint64_t> publish(ShmDirection direction,
                                  std::span<const wire::Bytes> pieces) noexcept;

    // Waits until the direction's sequence number differs from
    // `last_seen_seq` and returns the message it published. Spins first,
    // then sleeps on the futex word (see ShmWaitOptions). With `pacing`, a
    // busy session spins longer before it sleeps, and every arrival is
    // recorded in it (transports/adaptive_spin.h); the caller owns it, one
    // per waiting thread and direction.
    // Errors, all distinct: Errc::aborted (checked first, so a raised abort
    // wins even over a ready message), Errc::timeout (deadline passed),
    // Errc::disconnected (attached side only: the owning server process no
    // longer exists; noticed within a slice, see ShmWaitOptions),
    // Errc::protocol_violation (the published length exceeds
    // the area, or is zero), Errc::os_error (unexpected futex failure).
    Result<ShmMessageView> wait(ShmDirection direction, std::uint64_t last_seen_seq,
                                Deadline deadline, const AbortSignal* abort = nullptr,
                                AdaptiveSpin* pacing = nullptr) const noexcept;

    // The direction's message area, all of its capacity. A publisher may
    // build its next message here and publish it from here: publish() does
    // not copy a piece that already lies where it belongs.
    [[nodiscard]] wire::MutableBytes area(ShmDirection direction) const noexcept;

    // The direction's current sequence number (acquire). A client reads it
    // at attach time as its first `last_seen_seq`.
    [[nodiscard]] std::uint64_t sequence(ShmDirection direction) const noexcept;

    // Removes the file if this region created it and the path still names
    // that file. Idempotent; the mapping stays usable.
    void unlink() noexcept;

    [[nodiscard]] const ShmGeometry& geometry() const noexcept { return geometry_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] pid_t owner_pid() const noexcept { return owner_pid_; }
    [[nodiscard]] std::uint32_t owner_generation() const noexcept { return owner_generation_; }
    // True for the server side (create()), false for the client (attach()).
    [[nodiscard]] bool is_owner() const noexcept { return created_; }
    // True once the file was found truncated under the mapping (a SIGBUS
    // replaced the mapping with zeros): what publish() and wait() did since
    // then is void. Ask it after them.
    [[nodiscard]] bool poisoned() const noexcept { return guard_.poisoned(); }

private:
    ShmRegion() noexcept = default;

    [[nodiscard]] std::byte* base() const noexcept {
        return static_cast<std::byte*>(mapping_.get_address());
    }

    boost::interprocess::mapped_region mapping_;
    // After mapping_: released before the range is unmapped.
    posix::SigbusGuardedRange guard_;
    ShmGeometry geometry_{};
    ShmWaitOptions options_{};
    std::string path_;
    pid_t owner_pid_ = 0;
    std::uint32_t owner_generation_ = 0;
    // Identity of the created file, so unlink() never removes a successor.
    dev_t device_ = 0;
    ino_t inode_ = 0;
    bool created_ = false;
    bool owns_file_ = false;
};

} // namespace netipc::transports
