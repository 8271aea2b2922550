// WinShm<Baseline, Profile>: a transport that handshakes over `Baseline` (a
// named pipe) and, when the server selects the Windows SHM profile, moves the
// session's data through a per-session shared-memory region named after the
// service, the auth token and the session id (win_shm_names.h).
//
// Profile is one of
//   wire::profile::shm_hybrid   (default) spin, then sleep on a kernel event;
//   wire::profile::shm_busywait pure spin: lowest latency, a full CPU on
//                               each side for the session's whole life, so
//                               only for a dedicated single client.
// The profile mask a client advertises follows from the type: baseline bit
// plus that one SHM profile (WinShmBusyWait<Baseline> names the second).
//
// The region is a negotiated data plane (netipc/concepts/data_plane.h):
//   - prepare_data_plane(): the server creates the region and its events
//     BEFORE the successful HELLO_ACK goes out (if that fails, framing drops
//     SHM from this session's negotiation and it continues on the pipe);
//   - activate_data_plane(): the HELLO_ACK is out, data moves to the region;
//   - attach_data_plane(): the client opens the objects after HELLO_ACK; a
//     failure ends the session with Errc::shm_unavailable and Session makes
//     a new one on the pipe alone (never a same-session fallback).
//
// Waits end without polling: a SHM_HYBRID wait sleeps in one
// WaitForMultipleObjects on the direction's event, the abort signal's event,
// this connection's interrupt event and the peer's process (taken from the
// pipe, see pipe_peer_process.h). So a peer that closes its end (its closed
// flag, then the event) or dies (its process handle) ends a wait at once
// with Errc::disconnected, and so does interrupt() from another thread.
// A SHM_BUSYWAIT wait looks at the same things every 1024 spins.
//
// How long a SHM_HYBRID receive spins adapts to the session
// (transports/adaptive_spin.h): the region's spin_tries while idle, longer
// while messages arrive at least every 50 us. One message is in flight per
// direction: the client waits for each response before its next request.
//
// Thread-safety: as for the baseline connection; one sender and one receiver
// thread at most; interrupt() from any thread.
#pragma once

#include <concepts>
#include <cstring>
#include <optional>
#include <utility>

#include "netipc/concepts/data_plane.h"
#include "netipc/concepts/transport.h"
#include "netipc/wire/constants.h"
#include "transports/adaptive_spin.h"
#include "transports/interrupt_flag.h"
#include "transports/service_address.h"
#include "transports/windows/manual_reset_event.h"
#include "transports/windows/pipe_peer_process.h"
#include "transports/windows/win_shm_names.h"
#include "transports/windows/win_shm_region.h"

namespace netipc::transports {

// `Baseline` must be a named-pipe transport: its connection's native handle
// is the pipe handle, from which the peer's process is found.
template <Transport Baseline, std::uint32_t Profile = wire::profile::shm_hybrid,
          class Pacing = AdaptivePacing>
    requires std::same_as<typename Baseline::Address, ServiceAddress>
             && std::convertible_to<typename Baseline::Connection::native_handle_type, void*>
             && (Profile == wire::profile::shm_hybrid || Profile == wire::profile::shm_busywait)
class WinShm {
public:
    static constexpr std::uint32_t profile_bits = Baseline::profile_bits | Profile;
    static constexpr bool packet_limited = Baseline::packet_limited;
    using Address = ServiceAddress;

    class Connection {
    public:
        using native_handle_type = typename Baseline::Connection::native_handle_type;
        static constexpr std::uint32_t data_plane_profiles = Profile;

        Connection() = default;

        Result<void> send_packet(std::span<const wire::Bytes> pieces, Deadline deadline) {
            if (interrupted_.raised()) {
                return fail(Errc::disconnected, "the connection was interrupted");
            }
            if (!region_) {
                return baseline_.send_packet(pieces, deadline);
            }
            if (auto published = region_->publish(pieces); !published) {
                return std::unexpected(published.error());
            }
            return {};
        }

        Result<std::size_t> receive_packet(wire::MutableBytes out, Deadline deadline,
                                           const AbortSignal* abort) {
            if (interrupted_.raised()) {
                return fail(Errc::disconnected, "the connection was interrupted");
            }
            if (!region_) {
                return baseline_.receive_packet(out, deadline, abort);
            }
            const WinShmWatch watch{
                .abort = abort,
                .interrupt_event = interrupt_event_.get(),
                .peer_process = peer_process_.get(),
            };
            auto message = region_->wait(last_seen_, deadline, watch, &pacing_);
            if (!message) {
                return std::unexpected(message.error());
            }
            if (message->message.size() > out.size()) {
                return fail(Errc::protocol_violation,
                            "Windows SHM message larger than the receive buffer");
            }
            std::memcpy(out.data(), message->message.data(), message->message.size());
            last_seen_ = message->seq;
            return message->message.size();
        }

        // With SHM active, whole messages travel: the limit is the area.
        [[nodiscard]] std::uint32_t max_packet_size() const noexcept {
            if (region_) {
                return static_cast<std::uint32_t>(region_->send_area().size());
            }
            return baseline_.max_packet_size();
        }
        [[nodiscard]] native_handle_type native_handle() const noexcept {
            return baseline_.native_handle();
        }
        [[nodiscard]] bool data_plane_active() const noexcept { return region_.has_value(); }

        // InPlaceSend: with SHM active, the outgoing area itself, so a
        // message encoded there is published without a copy.
        [[nodiscard]] wire::MutableBytes send_area() noexcept {
            return region_ ? region_->send_area() : wire::MutableBytes{};
        }

        // From any thread: a wait on the region ends at once, the baseline
        // is interrupted, and every later send and receive fails with
        // Errc::disconnected. Must not race close().
        void interrupt() noexcept {
            interrupted_.raise();
            windows::set_event(interrupt_event_);
            baseline_.interrupt();
        }

        // Tells the peer this side left (the region's closed flag and event),
        // releases the region and closes the pipe. Idempotent.
        void close() {
            region_.reset();
            prepared_.reset();
            peer_process_.reset();
            baseline_.close();
        }

        // Data plane, server side: creates this session's region.
        Result<void> prepare_data_plane(const DataPlaneTerms& terms) {
            auto names = names_for(terms);
            if (!names) {
                return std::unexpected(names.error());
            }
            auto geometry =
                win_shm_geometry(terms.request_payload_ceiling, terms.response_payload_ceiling);
            if (!geometry) {
                return std::unexpected(geometry.error());
            }
            if (auto watched = watch_peer(windows::PipeEnd::server); !watched) {
                return watched;
            }
            auto region = WinShmRegion::create(*names, Profile, *geometry);
            if (!region) {
                return std::unexpected(region.error());
            }
            last_seen_ = region->incoming_sequence();
            prepared_.emplace(std::move(*region));
            return {};
        }

        // Data plane, server side: the HELLO_ACK is out; the region carries
        // the session from now on.
        void activate_data_plane() noexcept {
            if (prepared_) {
                region_.emplace(std::move(*prepared_));
                prepared_.reset();
            }
        }

        // Data plane, client side: opens the server's objects.
        Result<void> attach_data_plane(const DataPlaneTerms& terms) {
            auto names = names_for(terms);
            if (!names) {
                return std::unexpected(names.error());
            }
            if (auto watched = watch_peer(windows::PipeEnd::client); !watched) {
                return fail(Errc::shm_unavailable, watched.error().detail,
                            watched.error().sys_errno);
            }
            auto region = WinShmRegion::attach(*names, Profile, terms.request_payload_ceiling,
                                               terms.response_payload_ceiling);
            if (!region) {
                return fail(Errc::shm_unavailable, region.error().detail, region.error().sys_errno);
            }
            last_seen_ = region->incoming_sequence();
            region_.emplace(std::move(*region));
            return {};
        }

    private:
        friend class WinShm;
        Connection(typename Baseline::Connection baseline, Address address,
                   windows::UniqueHandle interrupt_event)
            : baseline_(std::move(baseline)),
              address_(std::move(address)),
              interrupt_event_(std::move(interrupt_event)) {}

        Result<WinShmObjectNames> names_for(const DataPlaneTerms& terms) const {
            return win_shm_object_names({
                .run_dir = address_.run_dir,
                .service = address_.service,
                .auth_token = terms.auth_token,
                .profile = Profile,
                .session_id = terms.session_id,
            });
        }

        Result<void> watch_peer(windows::PipeEnd end) {
            auto process =
                windows::open_pipe_peer_process(static_cast<void*>(baseline_.native_handle()), end);
            if (!process) {
                return std::unexpected(process.error());
            }
            peer_process_ = std::move(*process);
            return {};
        }

        typename Baseline::Connection baseline_;
        Address address_;
        // Declared before the regions, so a region closes (and tells the
        // peer) before the handles its waits watch go away.
        windows::UniqueHandle interrupt_event_;
        windows::UniqueHandle peer_process_;
        std::optional<WinShmRegion> region_;   // the active data plane
        std::optional<WinShmRegion> prepared_; // server: made, until HELLO_ACK is out
        std::uint64_t last_seen_ = 0;
        AdaptiveSpin pacing_{Pacing::spin_options};
        InterruptFlag interrupted_;
    };

    class Listener {
    public:
        Result<Connection> accept(Deadline deadline, const AbortSignal* abort) {
            auto connection = baseline_.accept(deadline, abort);
            if (!connection) {
                return std::unexpected(connection.error());
            }
            return wrap(std::move(*connection), address_);
        }
        [[nodiscard]] auto native_handle() const noexcept { return baseline_.native_handle(); }
        [[nodiscard]] const Address& address() const noexcept { return address_; }
        void close() { baseline_.close(); }

    private:
        friend class WinShm;
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
        return wrap(std::move(*connection), address);
    }

    static Result<Listener> listen(const Address& address) {
        auto baseline = Baseline::listen(address);
        if (!baseline) {
            return std::unexpected(baseline.error());
        }
        return Listener(std::move(*baseline), address);
    }

private:
    static Result<Connection> wrap(typename Baseline::Connection baseline, const Address& address) {
        auto interrupt_event = windows::create_manual_reset_event();
        if (!interrupt_event) {
            baseline.close();
            return std::unexpected(interrupt_event.error());
        }
        return Connection(std::move(baseline), address, std::move(*interrupt_event));
    }
};

// The SHM_BUSYWAIT variant: pure spin, no kernel events.
template <Transport Baseline>
using WinShmBusyWait = WinShm<Baseline, wire::profile::shm_busywait>;

} // namespace netipc::transports
