// A Windows shared-memory region: one pagefile-backed file mapping and, for
// SHM_HYBRID, two auto-reset events, all named per session
// (transports/windows/win_shm_names.h). The server creates them; the one
// client of the session opens them.
//
// The region carries one in-flight message per direction (requests from the
// client, responses from the server). The publisher writes the whole message
// (envelope header included) into its direction's area, stores its length,
// increments the direction's sequence number and, if the reader said it is
// waiting, sets the direction's event. The reader spins on the sequence
// number, then (SHM_HYBRID) raises its waiting flag, checks once more and
// sleeps in WaitForMultipleObjects on the direction's event together with
// whatever else ends the wait (WinShmWatch): an abort signal, an interrupt
// event, the peer's process. SHM_BUSYWAIT never sleeps: the reader spins and
// looks at the clock and at those watches every 1024 spins.
//
// Closing: close() sets this side's closed flag and sets the peer's event,
// so a peer asleep in wait() wakes and reports Errc::disconnected. A peer
// that dies without closing is noticed through its process handle.
//
// Lifetime: WinShmRegion owns its view and handles; the kernel objects go
// away when the last process closes its handles (nothing to clean up after
// a crash, unlike a file). A moved-from region may only be destroyed or
// assigned to.
//
// Thread-safety: publish() and wait() touch the mapping only through
// atomics and do not modify the object, so one thread may publish while
// another waits. One publisher and one waiter at a time. Moving, close()
// and destruction need exclusive access.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "transports/adaptive_spin.h"
#include "transports/windows/unique_handle.h"
#include "transports/windows/win_shm_names.h"
#include "transports/windows/win_shm_region_header.h"

namespace netipc::transports {

// Which end of the session this region is: the server publishes responses
// and waits for requests, the client the other way round.
enum class WinShmRole {
    server,
    client,
};

// One message received by WinShmRegion::wait(). `message` borrows the
// incoming area: valid while the region lives and until the peer publishes
// again, which under the single in-flight rule happens only after this side
// answered. Copy it out to keep it longer.
struct WinShmMessageView {
    std::uint64_t seq = 0; // pass it as the next wait's last_seen_seq
    wire::Bytes message;
};

// What else ends a wait besides a message. Each member is optional (null).
struct WinShmWatch {
    // Raised: Errc::aborted (checked first, so it wins over a ready message).
    const AbortSignal* abort = nullptr;
    // A manual-reset event; signalled: Errc::disconnected (the connection
    // was interrupted).
    void* interrupt_event = nullptr;
    // A process handle of the peer; signalled (it ended): Errc::disconnected.
    void* peer_process = nullptr;
};

class WinShmRegion {
public:
    // Server side. Creates the session's mapping (and the events for
    // SHM_HYBRID) under `names` with `geometry`, zeroes it and writes the
    // header. `profile` is wire::profile::shm_hybrid or shm_busywait.
    // Errors: Errc::address_in_use when an object of that name already
    // exists (another session's, or a squatter's: never shared),
    // Errc::invalid_argument for another profile, Errc::os_error with the
    // Windows error code otherwise.
    static Result<WinShmRegion> create(const WinShmObjectNames& names, std::uint32_t profile,
                                       const WinShmGeometry& geometry) noexcept;

    // Client side. Opens and maps the session's objects and checks the
    // header: Errc::bad_magic, bad_version, bad_header_len for the wrong
    // constants, Errc::unsupported for another profile than the one the
    // session selected, and what win_shm_check_geometry() reports for
    // unusable areas. Errc::not_found when the mapping or an event does not
    // exist, Errc::os_error with the Windows error code for other failures.
    static Result<WinShmRegion> attach(const WinShmObjectNames& names, std::uint32_t profile,
                                       std::uint32_t request_payload_ceiling,
                                       std::uint32_t response_payload_ceiling) noexcept;

    WinShmRegion(WinShmRegion&& other) noexcept;
    WinShmRegion& operator=(WinShmRegion&& other) noexcept;
    WinShmRegion(const WinShmRegion&) = delete;
    WinShmRegion& operator=(const WinShmRegion&) = delete;
    ~WinShmRegion();

    // Copies the pieces (one whole message) into this side's outgoing area,
    // unless a piece already lies where it belongs (see send_area()), and
    // publishes it. Errc::limit_exceeded when it exceeds the area,
    // Errc::invalid_argument when empty, Errc::disconnected when the peer
    // already closed its end. Never blocks.
    [[nodiscard]] Result<std::uint64_t> publish(std::span<const wire::Bytes> pieces) const noexcept;

    // Waits until the incoming sequence number differs from `last_seen_seq`
    // and returns the message it published. `pacing` (optional, owned by the
    // caller, one per waiting thread) makes a busy session spin longer
    // before it sleeps (transports/adaptive_spin.h).
    // Errors, all distinct: Errc::aborted, Errc::timeout (deadline passed),
    // Errc::disconnected (the peer closed its end or its process ended, or
    // the interrupt event is set; the detail says which),
    // Errc::protocol_violation (the published length exceeds the area:
    // nothing is read), Errc::os_error (the kernel wait failed).
    [[nodiscard]] Result<WinShmMessageView> wait(std::uint64_t last_seen_seq, Deadline deadline,
                                                 const WinShmWatch& watch,
                                                 AdaptiveSpin* pacing = nullptr) const noexcept;

    // This side's outgoing area, all of its capacity: a message built here is
    // published without a copy.
    [[nodiscard]] wire::MutableBytes send_area() const noexcept;

    // The incoming direction's current sequence number: the first
    // last_seen_seq of a session.
    [[nodiscard]] std::uint64_t incoming_sequence() const noexcept;

    // Tells the peer this side is gone (its closed flag, then its event),
    // unmaps the view and closes the handles. Idempotent.
    void close() noexcept;

    [[nodiscard]] const WinShmGeometry& geometry() const noexcept { return geometry_; }
    [[nodiscard]] std::uint32_t profile() const noexcept { return profile_; }
    [[nodiscard]] std::uint32_t spin_tries() const noexcept { return spin_tries_; }
    [[nodiscard]] WinShmRole role() const noexcept { return role_; }

private:
    WinShmRegion() noexcept = default;

    [[nodiscard]] bool hybrid() const noexcept;
    [[nodiscard]] bool peer_closed() const noexcept;
    [[nodiscard]] Result<WinShmMessageView> read_incoming() const noexcept;
    [[nodiscard]] Result<void> sleep_until_published(std::uint64_t last_seen_seq, Deadline deadline,
                                                     const WinShmWatch& watch) const noexcept;
    [[nodiscard]] Result<WinShmMessageView> spin_until_published(
        std::uint64_t last_seen_seq, Deadline deadline, const WinShmWatch& watch) const noexcept;

    std::byte* base_ = nullptr;
    windows::UniqueHandle mapping_;
    windows::UniqueHandle request_event_;  // SHM_HYBRID only
    windows::UniqueHandle response_event_; // SHM_HYBRID only
    WinShmGeometry geometry_{};
    std::uint32_t profile_ = 0;
    std::uint32_t spin_tries_ = win_shm_default_spin_tries;
    WinShmRole role_ = WinShmRole::client;
};

} // namespace netipc::transports
