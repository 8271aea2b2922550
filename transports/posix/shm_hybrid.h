// ShmHybrid<Baseline>: a transport that handshakes over `Baseline` (UDS
// SEQPACKET on Linux) and, when the server selects SHM_HYBRID, moves the
// session's data through a per-session shared-memory region
// `{run_dir}/{service}-{session_id:016x}.ipcshm`.
//
// The profile mask a client advertises follows from the type: baseline bit
// plus SHM_HYBRID. The region is a negotiated data plane
// (netipc/concepts/data_plane.h), switched on by framing during the
// handshake:
//   - prepare_data_plane(): the server creates the region BEFORE it sends a
//     successful HELLO_ACK (if that fails, framing drops SHM from this
//     session's negotiation and the session continues on the baseline);
//   - activate_data_plane(): the HELLO_ACK is out, data moves to the region;
//   - attach_data_plane(): the client attaches after HELLO_ACK; a failure
//     ends the session with Errc::shm_unavailable (no same-session fallback:
//     the caller reconnects without SHM).
//
// The baseline must model IdleCheck (netipc/concepts/idle_check.h): while the
// region carries the data, the baseline connection is how a wait learns that
// the peer left, and it must stay silent.
//
// Once SHM is active a "packet" is a whole message: send_packet() copies the
// pieces straight into the outgoing area and publishes them, and
// receive_packet() waits on the incoming area. The baseline socket stays open
// for the session's lifetime; a wait checks it (and, on the client, that the
// region's owner lives) whenever it has slept liveness_check_interval
// (100 ms) without a message, so a peer that closes its socket or dies ends
// a wait with Errc::disconnected within about 100 ms, and an idle session
// wakes ten times a second. interrupt() shuts the baseline down, so a wait
// blocked on the region ends with Errc::disconnected at its next liveness
// check (within about 100 ms), and marks the connection so that every later
// send and receive fails at once, although the region itself still works.
// An abort signal is noticed within 10 ms (ShmWaitOptions::check_interval).
// Waits that messages end make no such check: the hot path is spin, then one
// timed futex wait. How long a receive spins adapts to the session: the
// protocol's fixed 128 tries while it is idle or lightly used, longer (at
// most 200 us) while messages arrive at least every 50 us, so a busy session
// never pays for futex sleeps and wakes (transports/adaptive_spin.h). One
// message is in flight per direction: the client waits for each response
// before its next request (batches are how SHM pipelines).
//
// A region file truncated under the session (see shm_region.h: the SIGBUS
// guard keeps the process alive) ends this session only: the send or
// receive that touched it fails with Errc::disconnected ("the session's SHM
// region file was truncated"), and so does every later call.
//
// Thread-safety: as for the baseline connection; one sender and one receiver
// thread at most.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

#include "netipc/concepts/data_plane.h"
#include "netipc/concepts/idle_check.h"
#include "netipc/concepts/peer_credentials.h"
#include "netipc/concepts/transport.h"
#include "netipc/force_inline.h"
#include "netipc/wire/constants.h"
#include "transports/interrupt_flag.h"
#include "transports/posix/endpoint.h"
#include "transports/posix/shm_region.h"
#include "transports/posix/shm_stale.h"

namespace netipc::transports {

// `Pacing` says how receives spin before they sleep: AdaptivePacing (the
// default) or FixedPacing (transports/adaptive_spin.h); the wire is the same.
template <Transport Baseline, class Pacing = AdaptivePacing>
    requires std::same_as<typename Baseline::Address, ServiceAddress>
             && IdleCheck<typename Baseline::Connection>
class ShmHybrid {
public:
    static constexpr std::uint32_t profile_bits =
        Baseline::profile_bits | wire::profile::shm_hybrid;
    static constexpr bool packet_limited = Baseline::packet_limited;
    using Address = ServiceAddress;

    class Connection {
    public:
        using native_handle_type = typename Baseline::Connection::native_handle_type;
        static constexpr std::uint32_t data_plane_profiles = wire::profile::shm_hybrid;

        Connection() = default;

        // Inline, with the region's halves functions of their own: a session
        // that runs on the baseline pays two compares here and calls the
        // baseline straight from its own frame.
        NETIPC_FORCE_INLINE Result<void> send_packet(std::span<const wire::Bytes> pieces,
                                                     Deadline deadline) {
            if (interrupted_.raised()) {
                return fail(Errc::disconnected, "the connection was interrupted");
            }
            if (!region_) {
                return baseline_.send_packet(pieces, deadline);
            }
            return publish(pieces);
        }

        NETIPC_FORCE_INLINE Result<std::size_t> receive_packet(wire::MutableBytes out,
                                                               Deadline deadline,
                                                               const AbortSignal* abort) {
            if (interrupted_.raised()) {
                return fail(Errc::disconnected, "the connection was interrupted");
            }
            if (!region_) {
                return baseline_.receive_packet(out, deadline, abort);
            }
            return wait_for_message(out, deadline, abort);
        }

        // With SHM active, no packet limit applies below the area capacity:
        // whole messages travel, never chunks.
        [[nodiscard]] std::uint32_t max_packet_size() const noexcept {
            if (region_) {
                const auto& geometry = region_->geometry();
                return server_ ? geometry.response_capacity : geometry.request_capacity;
            }
            return baseline_.max_packet_size();
        }
        [[nodiscard]] native_handle_type native_handle() const noexcept {
            return baseline_.native_handle();
        }
        [[nodiscard]] bool data_plane_active() const noexcept { return region_.has_value(); }

        // IdleCheck, answered by the baseline: before the data plane is
        // active that is where packets arrive (a client's HELLO), and while
        // it is active the baseline must stay silent anyway.
        Result<void> check_idle() { return baseline_.check_idle(); }

        // The peer's credentials, from the baseline connection (the
        // handshake ran there, so it is the same peer).
        [[nodiscard]] Result<PeerIdentity> peer_identity() const
            requires PeerCredentials<typename Baseline::Connection>
        {
            return baseline_.peer_identity();
        }

        // InPlaceSend: with SHM active, the outgoing area itself, so a
        // session encodes its message where the peer reads it and
        // send_packet() publishes it without a copy. Empty on the baseline.
        [[nodiscard]] wire::MutableBytes send_area() noexcept {
            return region_ ? region_->area(outgoing()) : wire::MutableBytes{};
        }

        // From any thread: ends the session on the baseline; a wait on the
        // region notices at its next liveness check. Every later send and
        // receive fails with Errc::disconnected: the region would still carry
        // them, but the session is over. Must not race close().
        void interrupt() noexcept {
            interrupted_.raise();
            baseline_.interrupt();
        }

        // Unmaps the region (the server side also removes its file) and closes
        // the socket. Idempotent.
        void close() {
            region_.reset();
            prepared_.reset();
            baseline_.close();
        }

        // Data plane, server side: creates this session's region.
        Result<void> prepare_data_plane(const DataPlaneTerms& terms) {
            auto path = shm_path(address_, terms.session_id);
            if (!path) {
                return std::unexpected(path.error());
            }
            // A leftover of an earlier server with the same session id.
            if (auto recovered = recover_region_path(*path); !recovered) {
                return std::unexpected(recovered.error());
            }
            auto region = ShmRegion::create(*path, terms.request_payload_ceiling,
                                            terms.response_payload_ceiling);
            if (!region) {
                return std::unexpected(region.error());
            }
            last_seen_ = region->sequence(ShmDirection::request);
            prepared_.emplace(std::move(*region));
            return {};
        }

        // Data plane, server side: the HELLO_ACK went out on the socket, so
        // from now on the region carries the session's data.
        void activate_data_plane() noexcept {
            if (prepared_) {
                region_.emplace(std::move(*prepared_));
                prepared_.reset();
            }
        }

        // Data plane, client side: attaches to the server's region.
        Result<void> attach_data_plane(const DataPlaneTerms& terms) {
            auto path = shm_path(address_, terms.session_id);
            if (!path) {
                return std::unexpected(path.error());
            }
            auto region = ShmRegion::attach(*path, terms.request_payload_ceiling,
                                            terms.response_payload_ceiling);
            if (!region) {
                return fail(Errc::shm_unavailable, region.error().detail, region.error().sys_errno);
            }
            last_seen_ = region->sequence(ShmDirection::response);
            region_.emplace(std::move(*region));
            return {};
        }

    private:
        friend class ShmHybrid;
        Connection(typename Baseline::Connection baseline, Address address, bool server)
            : baseline_(std::move(baseline)), address_(std::move(address)), server_(server) {}

        // The SIGBUS guard replaced the region with zeros: the file was
        // truncated under the session, which is over.
        static std::unexpected<Error> region_lost() noexcept {
            return fail(Errc::disconnected,
                        "the session's SHM region file was truncated under it (SIGBUS caught)");
        }

        [[nodiscard]] ShmDirection outgoing() const noexcept {
            return server_ ? ShmDirection::response : ShmDirection::request;
        }
        [[nodiscard]] ShmDirection incoming() const noexcept {
            return server_ ? ShmDirection::request : ShmDirection::response;
        }

        // send_packet() with the data plane active.
        [[gnu::noinline]] Result<void> publish(std::span<const wire::Bytes> pieces) {
            auto published = region_->publish(outgoing(), pieces);
            if (region_->poisoned()) {
                return region_lost();
            }
            if (!published) {
                return std::unexpected(published.error());
            }
            return {};
        }

        // receive_packet() with the data plane active: waits on the incoming
        // area and copies the message into `out`.
        [[gnu::noinline]] Result<std::size_t> wait_for_message(wire::MutableBytes out,
                                                               Deadline deadline,
                                                               const AbortSignal* abort) {
            // The first slice is counted from the previous message's arrival,
            // which the pacing already read off the clock: a receive that a
            // message ends (the hot path) reads no clock for it. After an
            // idle spell that slice has passed, so the wait ends at once with
            // a timeout, the peer check runs, and later slices count from now.
            auto slice_start = pacing_.last_arrival();
            for (;;) {
                const auto slice_end = slice_start + liveness_check_interval;
                const Deadline slice = deadline.is_never() || slice_end < deadline.when()
                                           ? Deadline::at(slice_end)
                                           : deadline;
                auto message = region_->wait(incoming(), last_seen_, slice, abort, &pacing_);
                if (region_->poisoned()) {
                    return region_lost();
                }
                if (message && interrupted_.raised()) {
                    return fail(Errc::disconnected, "the connection was interrupted");
                }
                if (message) {
                    if (message->message.size() > out.size()) {
                        return fail(Errc::protocol_violation,
                                    "SHM message larger than the receive buffer");
                    }
                    std::memcpy(out.data(), message->message.data(), message->message.size());
                    if (region_->poisoned()) {
                        return region_lost();
                    }
                    last_seen_ = message->seq;
                    return message->message.size();
                }
                if (message.error().code != Errc::timeout || deadline.expired()) {
                    return std::unexpected(message.error());
                }
                // While SHM carries the data the socket must stay silent: its
                // end is the peer's end.
                if (auto alive = baseline_.check_idle(); !alive) {
                    return std::unexpected(alive.error());
                }
                slice_start = Deadline::Clock::now();
            }
        }

        // How long a wait sleeps before it checks that the peer is still
        // there: the same slice the region uses to check its owner.
        static constexpr std::chrono::milliseconds liveness_check_interval =
            ShmWaitOptions{}.owner_check_interval;

        typename Baseline::Connection baseline_;
        Address address_;
        std::optional<ShmRegion> region_;   // the active data plane
        std::optional<ShmRegion> prepared_; // server: made, until HELLO_ACK is out
        std::uint64_t last_seen_ = 0;
        // How long receive waits spin: longer while the session is busy.
        AdaptiveSpin pacing_{Pacing::spin_options};
        bool server_ = false;
        InterruptFlag interrupted_;
    };

    // A baseline listener that also clears this service's stale regions when
    // it starts, and hands out server-side hybrid connections.
    class Listener {
    public:
        Result<Connection> accept(Deadline deadline, const AbortSignal* abort) {
            auto connection = baseline_.accept(deadline, abort);
            if (!connection) {
                return std::unexpected(connection.error());
            }
            return Connection(std::move(*connection), address_, true);
        }
        [[nodiscard]] auto native_handle() const noexcept { return baseline_.native_handle(); }
        [[nodiscard]] const Address& address() const noexcept { return address_; }
        void close() { baseline_.close(); }

    private:
        friend class ShmHybrid;
        Listener(typename Baseline::Listener baseline, Address address)
            : baseline_(std::move(baseline)), address_(std::move(address)) {}

        typename Baseline::Listener baseline_;
        Address address_;
    };

    static Result<Connection> connect(const Address& address, Deadline deadline) {
        auto connection = Baseline::connect(address, deadline);
        if (!connection) {
            return std::unexpected(connection.error());
        }
        return Connection(std::move(*connection), address, false);
    }

    static Result<Listener> listen(const Address& address) {
        auto baseline = Baseline::listen(address);
        if (!baseline) {
            return std::unexpected(baseline.error());
        }
        // Only after the socket is ours: a live server keeps its regions.
        if (auto scanned = scan_stale_regions(address.run_dir, address.service); !scanned) {
            return std::unexpected(scanned.error());
        }
        return Listener(std::move(*baseline), address);
    }
};

} // namespace netipc::transports
