// The POSIX baseline transport: AF_UNIX SOCK_SEQPACKET sockets.
//
// SEQPACKET keeps packet boundaries and is reliable and ordered, so one
// send_packet() is exactly one receive_packet() on the other side. Packets
// have a kernel maximum (derived from SO_SNDBUF), hence packet_limited.
//
// Every descriptor is close-on-exec. Listeners are non-blocking; connection
// sockets are blocking descriptors, but netipc never relies on that flag:
// every call that must not block says so with MSG_DONTWAIT, so a caller may
// set O_NONBLOCK on native_handle() for its own event loop without changing
// what netipc does.
//
// How a receive waits (the one trade-off in this file):
//   - no AbortSignal: one blocking recv(), bounded by SO_RCVTIMEO. A
//     round trip then costs a single syscall per side, like a raw ping-pong.
//     Linux fires socket timeouts late (timer-wheel rounding: up to an
//     eighth of the timeout plus a few ticks; a 20 s timeout measured
//     480 ms late), so SO_RCVTIMEO is armed well before the deadline, at
//     about three quarters of the time left, and when it fires (or when the
//     socket was made non-blocking) the receive finishes with poll(), whose
//     timeout is precise. The deadline is therefore kept as exactly as on
//     the poll path. The armed value is remembered, and calls with similar
//     deadlines (the usual per-call timeout) do no setsockopt() at all;
//   - with an AbortSignal: the same blocking recv(), capped at a 10 ms
//     slice, so an answer that comes quickly (the usual case) still costs
//     one syscall; a wait that outlasts the slice continues in poll() on
//     the socket and the abort descriptor. A raised abort is therefore
//     seen at once in poll(), and within one tick-rounded slice (about
//     10-20 ms) during the first attempt; it still wins over a packet
//     already queued;
//   - under 40 ms left: recv(MSG_DONTWAIT), and on EAGAIN poll(), then
//     recv() again.
// Sends always use sendmsg(MSG_DONTWAIT) and poll() for room on EAGAIN.
//
// netipc owns SO_RCVTIMEO on a connection's socket: do not set it yourself.
//
// Thread-safety: a Connection or Listener is not synchronized. One thread may
// send while another receives on the same Connection (the kernel orders
// whole packets), but two concurrent senders or two concurrent receivers on
// one Connection need external locking, and close() must not race any call.
// The static functions are thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "netipc/abort_signal.h"
#include "netipc/concepts/idle_check.h"
#include "netipc/concepts/peer_credentials.h"
#include "netipc/concepts/transport.h"
#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/force_inline.h"
#include "netipc/peer_identity.h"
#include "netipc/posix/unique_fd.h"
#include "netipc/wire/bytes.h"
#include "netipc/wire/constants.h"
#include "transports/posix/endpoint.h"

namespace netipc::transports {

class UdsSeqpacket {
public:
    static constexpr std::uint32_t profile_bits = wire::profile::baseline;
    static constexpr bool packet_limited = true;

    using Address = ServiceAddress;

    // One connected SEQPACKET socket. Owns its descriptor; movable, not
    // copyable. A moved-from or closed Connection fails every call with
    // Errc::invalid_argument.
    class Connection {
    public:
        // The connected socket's descriptor.
        using native_handle_type = int;

        Connection() noexcept = default;

        // Sends one packet: the concatenation of `pieces`, in one send()
        // for a single piece or one sendmsg() gathering several (the pieces
        // are never copied). Waits for buffer space until
        // `deadline` (Errc::timeout). A peer that has gone away is
        // Errc::disconnected. An empty packet or one larger than
        // max_packet_size() is Errc::invalid_argument: the kernel would reject
        // the latter, and the receiver could not tell the former from EOF.
        Result<void> send_packet(std::span<const wire::Bytes> pieces, Deadline deadline);

        // Receives one packet into `out` and returns its size. Errc::aborted
        // when `abort` (may be null) is raised, checked before any wait and
        // while waiting; Errc::timeout at `deadline`; Errc::disconnected when
        // the peer closed; Errc::protocol_violation when the packet was larger
        // than `out` (the kernel dropped its tail; the session is unusable).
        // The wait is a blocking recv(), then poll() if it lasts (see the
        // top of this file).
        Result<std::size_t> receive_packet(wire::MutableBytes out, Deadline deadline,
                                           const AbortSignal* abort);

        // The largest packet send_packet() accepts: SO_SNDBUF, read once when
        // the connection was made, less the kernel's per-packet reserve. This
        // is the packet size to propose in HELLO.
        [[nodiscard]] std::uint32_t max_packet_size() const noexcept { return max_packet_size_; }
        // The socket, for poll()-based event loops (readable = a packet or
        // EOF is waiting). -1 once closed.
        [[nodiscard]] native_handle_type native_handle() const noexcept { return fd_.get(); }
        // From any thread: shuts the socket down in both directions, so a
        // receive blocked on it returns Errc::disconnected (EOF), a blocked
        // send fails the same way, and the peer sees the session end. The
        // descriptor stays open until close(); must not race close().
        void interrupt() noexcept;
        // The peer's user, group and process as the kernel recorded them
        // when the connection was made (SO_PEERCRED): unforgeable by the
        // peer. Errc::os_error when the socket cannot report them.
        [[nodiscard]] Result<PeerIdentity> peer_identity() const;
        // Without waiting: fine while nothing is queued and the peer is
        // there; Errc::disconnected once it closed (or after interrupt());
        // Errc::protocol_violation when a packet is waiting. For a data
        // plane that runs beside this socket (concepts/idle_check.h).
        Result<void> check_idle();
        // Closes the socket; the peer sees EOF. Idempotent.
        void close() noexcept { fd_.reset(); }

    private:
        friend class UdsSeqpacket;
        explicit Connection(posix::UniqueFd fd) noexcept;

        // Errc::invalid_argument for a packet of `total` bytes send_packet()
        // must refuse: empty, or larger than max_packet_size().
        [[nodiscard]] Result<void> check_packet_size(std::size_t total) const;
        // send_packet() of several pieces: one sendmsg() gathering them.
        Result<void> send_gathered(std::span<const wire::Bytes> pieces, Deadline deadline);
        // Arms SO_RCVTIMEO for a blocking receive that must end by
        // `deadline`, at most `cap` (zero: no cap), unless the armed value
        // already fits. False when the time left is too short to arm it
        // safely (use poll()).
        // Inline: the usual receive decides with a clock read and two
        // compares; anything else goes to rearm_receive_timeout().
        NETIPC_FORCE_INLINE Result<bool> arm_receive_timeout(Deadline deadline,
                                                             std::chrono::microseconds cap);
        // arm_receive_timeout() when the armed value is not known to fit a
        // deadline `left_exact` away.
        Result<bool> rearm_receive_timeout(Deadline::Clock::duration left_exact,
                                           std::chrono::microseconds cap);
        // Sets SO_RCVTIMEO to `timeout` for receives capped at `cap`.
        Result<bool> set_receive_timeout(std::chrono::microseconds timeout,
                                         std::chrono::microseconds cap);
        // After SO_RCVTIMEO was set to receive_timeout_ for receives capped at
        // `cap`: records for which times left it stays, so that the next
        // receives decide with two compares.
        void remember_keep_window(std::chrono::microseconds cap) noexcept;
        Result<std::size_t> receive_polling(wire::MutableBytes out, Deadline deadline,
                                            const AbortSignal* abort);

        posix::UniqueFd fd_;
        std::uint32_t max_packet_size_ = 0;
        // The SO_RCVTIMEO last set on fd_; zero means none (wait forever),
        // which is what a new socket has.
        std::chrono::microseconds receive_timeout_{0};
        // The cap receive_timeout_ was set under, and the times left before a
        // deadline (on the deadline clock, bounds included) for which it is
        // kept: a receive whose deadline falls in that window needs one clock
        // read and two compares. Empty (min > max) until SO_RCVTIMEO is set.
        std::chrono::microseconds kept_cap_{-1};
        Deadline::Clock::duration keep_min_left_ = Deadline::Clock::duration::max();
        Deadline::Clock::duration keep_max_left_ = Deadline::Clock::duration::min();
    };

    // A bound, listening socket that owns its socket file. close() (and the
    // destructor) removes the file only if it is still the inode this
    // listener created, so a successor's socket is never deleted. Movable,
    // not copyable.
    class Listener {
    public:
        Listener() noexcept = default;
        Listener(Listener&& other) noexcept;
        Listener& operator=(Listener&& other) noexcept;
        Listener(const Listener&) = delete;
        Listener& operator=(const Listener&) = delete;
        ~Listener() { close(); }

        // Waits for one client until `deadline` (Errc::timeout) or until
        // `abort` (may be null) is raised (Errc::aborted, checked before any
        // wait too).
        Result<Connection> accept(Deadline deadline, const AbortSignal* abort);

        // The listening socket, for poll() (readable = a client is waiting).
        [[nodiscard]] int native_handle() const noexcept { return fd_.get(); }
        // The service address this listener serves.
        [[nodiscard]] const Address& address() const noexcept { return address_; }
        // The socket file this listener bound.
        [[nodiscard]] const std::string& path() const noexcept { return path_; }
        // Removes the socket file (if still ours) and closes the socket.
        // Idempotent. Existing Connections are unaffected.
        void close() noexcept;

    private:
        friend class UdsSeqpacket;
        Listener(posix::UniqueFd fd, Address address, std::string path, dev_t device,
                 ino_t inode) noexcept
            : fd_(std::move(fd)),
              address_(std::move(address)),
              path_(std::move(path)),
              device_(device),
              inode_(inode) {}

        posix::UniqueFd fd_;
        Address address_;
        std::string path_;
        dev_t device_ = 0;
        ino_t inode_ = 0;
    };

    // Connects to a running service. Errc::not_found when nothing listens
    // there (no file, or a stale one); Errc::timeout when the server's
    // backlog stays full until `deadline`; Errc::invalid_argument for a bad
    // address; otherwise Errc::os_error with errno.
    static Result<Connection> connect(const Address& address, Deadline deadline);

    // Wraps an already connected AF_UNIX SOCK_SEQPACKET socket (an end of a
    // socketpair(), a descriptor inherited from a parent) as a Connection,
    // which owns it from now on. The socket is not checked: passing anything
    // else makes every later call fail with the errors its kind gives.
    static Connection adopt(posix::UniqueFd socket) noexcept {
        return Connection(std::move(socket));
    }

    // Binds the service's socket file with mode 0600 (never wider, whatever
    // the umask) and listens. A live server already there is
    // Errc::address_in_use and its file is left alone; anything else at the
    // path (a dead server's socket, a stray regular file) is replaced.
    static Result<Listener> listen(const Address& address);
};

static_assert(PacketConnection<UdsSeqpacket::Connection>);
static_assert(IdleCheck<UdsSeqpacket::Connection>);
static_assert(PeerCredentials<UdsSeqpacket::Connection>);
static_assert(Transport<UdsSeqpacket>);

} // namespace netipc::transports
