#include "transports/posix/uds_seqpacket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "netipc/force_inline.h"
#include "netipc/posix/wait.h"

namespace netipc::transports {

namespace {

// Used when SO_SNDBUF cannot be read; the reference implementation falls
// back to the same value.
constexpr std::uint32_t fallback_send_buffer = 65536;
// Linux refuses (EMSGSIZE) an AF_UNIX datagram or SEQPACKET packet larger
// than SO_SNDBUF - 32: the kernel keeps 32 bytes of the send budget for
// itself. Proposing the raw SO_SNDBUF would advertise a packet we cannot
// send; proposing less is always safe because the handshake takes the
// minimum of both peers' sizes.
constexpr std::uint32_t kernel_packet_reserve = 32;
// Clients queued before accept(); beyond it connect() waits (until its
// deadline). The kernel caps it at net.core.somaxconn.
constexpr int listen_backlog = 128;
// Framing sends a header and a payload slice (two pieces); more pieces than
// this spill into a heap-allocated iovec array. Kept small because the
// array is zeroed on every send.
constexpr std::size_t inline_pieces = 4;
// A competing server can re-create the path between our unlink and bind; a
// few rounds settle it, and a path that keeps being taken is in use.
constexpr int max_bind_attempts = 4;

sockaddr_un make_sockaddr(const std::string& path) noexcept {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    // socket_path() guaranteed the path plus its NUL fits.
    std::memcpy(static_cast<char*>(address.sun_path), path.c_str(), path.size() + 1);
    return address;
}

int connect_to(int fd, const sockaddr_un& address) noexcept {
    return ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
}

bool is_would_block(int error) noexcept {
    return error == EAGAIN || error == EWOULDBLOCK;
}

bool is_peer_gone(int error) noexcept {
    return error == EPIPE || error == ECONNRESET || error == ENOTCONN || error == ECONNREFUSED;
}

bool is_out_of_descriptors(int error) noexcept {
    return error == EMFILE || error == ENFILE;
}

// What to say when a call that makes a descriptor fails. Running out of
// descriptors names the limit that was reached, so an operator knows what to
// raise: the process's RLIMIT_NOFILE (EMFILE) or the system's file table
// (ENFILE).
struct DescriptorFailureText {
    const char* process_limit;
    const char* system_limit;
    const char* other;
};

constexpr DescriptorFailureText accept_failure{
    "accept4() failed: this process reached its descriptor limit (RLIMIT_NOFILE)",
    "accept4() failed: the system's file table is full (fs.file-max)", "accept4() failed"};
constexpr DescriptorFailureText connect_socket_failure{
    "cannot connect: this process reached its descriptor limit (RLIMIT_NOFILE)",
    "cannot connect: the system's file table is full (fs.file-max)", "socket() failed"};

constexpr DescriptorFailureText listen_socket_failure{
    "cannot listen: this process reached its descriptor limit (RLIMIT_NOFILE)",
    "cannot listen: the system's file table is full (fs.file-max)", "socket() failed"};

std::unexpected<Error> descriptor_failure(int error, const DescriptorFailureText& text) noexcept {
    if (error == EMFILE) {
        return fail(Errc::os_error, text.process_limit, error);
    }
    if (error == ENFILE) {
        return fail(Errc::os_error, text.system_limit, error);
    }
    return fail(Errc::os_error, text.other, error);
}

// One recv() into `out`, turned into the transport's vocabulary; nullopt
// when nothing was received yet (EAGAIN: empty queue or SO_RCVTIMEO fired;
// EINTR: a signal): the caller decides how to wait.
//
// recv(), not recvmsg(): a round trip of recvmsg()s measured ~0.15 us
// slower here (the kernel copies and checks the msghdr). MSG_TRUNC makes a
// SEQPACKET recv() return the packet's real length (Linux 3.4+), which is
// how a packet longer than `out` shows. No control buffer: descriptors a
// peer might pass are closed by the kernel.
NETIPC_FORCE_INLINE inline std::optional<Result<std::size_t>> receive_once(int fd,
                                                                           wire::MutableBytes out,
                                                                           int flags) {
    const ssize_t received = ::recv(fd, out.data(), out.size(), flags | MSG_TRUNC);
    if (received >= 0) {
        if (static_cast<std::size_t>(received) > out.size()) {
            return fail(Errc::protocol_violation, "packet larger than the receive buffer");
        }
        if (received == 0) {
            // Packets are never empty (send_packet refuses them), so zero is EOF.
            return fail(Errc::disconnected, "peer closed the connection");
        }
        return static_cast<std::size_t>(received);
    }
    const int error = errno;
    if (error == EINTR || is_would_block(error)) {
        return std::nullopt;
    }
    if (is_peer_gone(error)) {
        return fail(Errc::disconnected, "peer reset the connection", error);
    }
    return fail(Errc::os_error, "recv() failed", error);
}

// Linux runs socket timeouts on the timer wheel: measured here, SO_RCVTIMEO
// fires up to an eighth of its length late (the wheel's coarser levels),
// plus tick rounding (2 ticks are 20 ms at HZ=100). A timeout of `armed`
// therefore surely fires before `left` has passed when this holds.
constexpr std::chrono::microseconds timer_tick_margin{20'000};
constexpr bool fires_in_time(std::chrono::microseconds armed,
                             std::chrono::microseconds left) noexcept {
    return armed + armed / 8 + timer_tick_margin <= left;
}
// What to arm for `left`: three quarters of it less the tick margin, which
// fires in time with room to spare, so the next calls' slightly different
// deadlines keep it. Capped so the timeval never overflows; a capped
// timeout that fires early just hands the rest of the wait to poll().
constexpr std::chrono::microseconds max_receive_timeout{std::chrono::hours(24)};
constexpr std::chrono::microseconds timeout_for(std::chrono::microseconds left) noexcept {
    return std::min((left - timer_tick_margin) * 3 / 4, max_receive_timeout);
}
// Below this much time left SO_RCVTIMEO cannot be armed usefully: the
// receive polls instead.
constexpr std::chrono::microseconds min_blocking_wait{40'000};
static_assert(timeout_for(min_blocking_wait) > std::chrono::microseconds{0});
static_assert(fires_in_time(timeout_for(min_blocking_wait), min_blocking_wait));
// With an abort signal to watch, the first blocking attempt is capped at
// this, so a raised abort is seen within about one tick-rounded slice; a
// receive that outlasts it continues in poll(), which watches the signal's
// descriptor directly.
constexpr std::chrono::microseconds abort_watch_slice{10'000};

// Whether an armed SO_RCVTIMEO of `armed` (zero: none) serves a blocking
// receive with `left` (whole microseconds) before its deadline, the first
// attempt capped at `cap` (zero: no cap): it surely fires in time, and it is
// not much shorter than what would be armed now (a too-short timeout hands
// every slow answer to poll()).
constexpr bool keeps_armed(std::chrono::microseconds armed, std::chrono::microseconds left,
                           std::chrono::microseconds cap) noexcept {
    using std::chrono::microseconds;
    if (armed == microseconds{0} || left < min_blocking_wait) {
        return false;
    }
    const bool capped = cap != microseconds{0};
    const microseconds wanted = capped ? std::min(timeout_for(left), cap) : timeout_for(left);
    return fires_in_time(armed, left) && armed >= wanted / 2 && (!capped || armed <= cap);
}

// The times left for which keeps_armed(armed, left, cap) holds are one
// interval: fires_in_time() and the minimum wait bound it below, and
// `armed >= wanted / 2` above (wanted never shrinks as left grows). Its
// lower end is exact; the upper one is found by bisecting keeps_armed()
// itself, so the per-receive check that uses the interval can never disagree
// with it. Computed only when SO_RCVTIMEO is set, which costs a system call
// anyway.
struct KeepWindow {
    std::chrono::microseconds low{1};
    std::chrono::microseconds high{0}; // low > high: empty
    bool unbounded = false;            // every left from `low` on
};
// Beyond the largest timeout ever armed by far; (left - margin) * 3 stays
// well inside 64 bits.
constexpr std::chrono::microseconds longest_left{std::chrono::hours(24 * 365 * 100)};
constexpr KeepWindow keep_window(std::chrono::microseconds armed,
                                 std::chrono::microseconds cap) noexcept {
    using std::chrono::microseconds;
    KeepWindow window;
    const microseconds low = std::max(armed + armed / 8 + timer_tick_margin, min_blocking_wait);
    if (!keeps_armed(armed, low, cap)) {
        return window;
    }
    window.low = low;
    if (keeps_armed(armed, longest_left, cap)) {
        window.high = longest_left;
        window.unbounded = true;
        return window;
    }
    microseconds inside = low;           // keeps_armed() holds here
    microseconds outside = longest_left; // and not here
    while (outside - inside > microseconds{1}) {
        const microseconds middle = inside + (outside - inside) / 2;
        (keeps_armed(armed, middle, cap) ? inside : outside) = middle;
    }
    window.high = inside;
    return window;
}
// The two shapes receives use: a Level 2 call watching an abort signal
// (capped at the slice), and one with a plain timeout.
static_assert(keep_window(abort_watch_slice, abort_watch_slice).low == min_blocking_wait);
static_assert(keep_window(abort_watch_slice, abort_watch_slice).unbounded);
static_assert(keep_window(std::chrono::microseconds{0}, abort_watch_slice).low
              > keep_window(std::chrono::microseconds{0}, abort_watch_slice).high);
constexpr std::chrono::microseconds sample_armed = timeout_for(std::chrono::seconds(30));
constexpr KeepWindow sample_window = keep_window(sample_armed, std::chrono::microseconds{0});
static_assert(keeps_armed(sample_armed, sample_window.low, std::chrono::microseconds{0}));
static_assert(!keeps_armed(sample_armed, sample_window.low - std::chrono::microseconds{1},
                           std::chrono::microseconds{0}));
static_assert(keeps_armed(sample_armed, sample_window.high, std::chrono::microseconds{0}));
static_assert(!keeps_armed(sample_armed, sample_window.high + std::chrono::microseconds{1},
                           std::chrono::microseconds{0}));
static_assert(sample_window.low <= std::chrono::seconds(30)
              && std::chrono::seconds(30) <= sample_window.high);

std::uint32_t read_max_packet_size(int fd) noexcept {
    int send_buffer = 0;
    socklen_t length = sizeof(send_buffer);
    std::uint32_t budget = fallback_send_buffer;
    if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, &length) == 0 && send_buffer > 0) {
        budget = static_cast<std::uint32_t>(send_buffer);
    }
    return budget > kernel_packet_reserve ? budget - kernel_packet_reserve : 0;
}

// What stands at a socket path that bind() found taken.
enum class Occupant {
    live,   // a server accepted (or queued) our probe: leave it alone
    absent, // the path vanished meanwhile: just bind again
    stale,  // anything else (dead socket, stray file, ...): reclaim it
};

Result<Occupant> probe_occupant(const sockaddr_un& address) {
    posix::UniqueFd probe(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!probe) {
        if (is_out_of_descriptors(errno)) {
            // We cannot tell whether the owner is alive; deleting a live
            // server's socket would be worse than refusing to start.
            return fail(Errc::address_in_use,
                        "out of descriptors while probing an existing socket file; kept it", errno);
        }
        return fail(Errc::os_error, "socket() for the liveness probe failed", errno);
    }
    if (connect_to(probe.get(), address) == 0) {
        return Occupant::live;
    }
    const int error = errno;
    if (is_would_block(error)) {
        // AF_UNIX reports a full backlog this way: a listener exists.
        return Occupant::live;
    }
    if (error == ENOENT) {
        return Occupant::absent;
    }
    return Occupant::stale;
}

// Binds `fd` to `path`, reclaiming the path from anything that is not a
// live server (stale-endpoint rule: liveness is the only criterion).
Result<void> bind_reclaiming(int fd, const std::string& path) {
    const sockaddr_un address = make_sockaddr(path);
    for (int attempt = 0; attempt < max_bind_attempts; ++attempt) {
        if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
            return {};
        }
        if (errno != EADDRINUSE) {
            return fail(Errc::os_error, "bind() of the service socket failed", errno);
        }
        auto occupant = probe_occupant(address);
        if (!occupant) {
            return std::unexpected(occupant.error());
        }
        switch (*occupant) {
            case Occupant::live:
                return fail(Errc::address_in_use, "a live server owns the service socket");
            case Occupant::absent:
                break;
            case Occupant::stale:
                if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
                    return fail(Errc::os_error, "cannot remove the stale service socket", errno);
                }
                break;
        }
    }
    return fail(Errc::address_in_use, "the service socket path keeps being re-created");
}

} // namespace

// --- Connection ----------------------------------------------------------------------

UdsSeqpacket::Connection::Connection(posix::UniqueFd fd) noexcept
    : fd_(std::move(fd)), max_packet_size_(read_max_packet_size(fd_.get())) {}

namespace {

// Runs `attempt` (one non-blocking send system call returning what it
// returned) until the packet of `total` bytes is sent, waiting for room
// while the socket is full, and turns failures into the transport's
// vocabulary.
template <class Attempt>
Result<void> send_whole_packet(int fd, std::size_t total, Deadline deadline, Attempt attempt) {
    for (;;) {
        const ssize_t sent = attempt();
        if (sent >= 0) {
            if (static_cast<std::size_t>(sent) != total) {
                // SEQPACKET sends a packet whole or not at all.
                return fail(Errc::internal, "send() sent part of a SEQPACKET packet");
            }
            return {};
        }
        const int error = errno;
        if (error == EINTR) {
            continue;
        }
        if (is_would_block(error)) {
            if (auto ready = posix::wait_for(fd, POLLOUT, deadline, nullptr); !ready) {
                return ready;
            }
            continue;
        }
        if (is_peer_gone(error)) {
            return fail(Errc::disconnected, "peer closed the connection", error);
        }
        if (error == EMSGSIZE) {
            return fail(Errc::invalid_argument, "packet larger than the socket allows", error);
        }
        return fail(Errc::os_error, "send() failed", error);
    }
}

constexpr int send_flags = MSG_NOSIGNAL | MSG_DONTWAIT;

} // namespace

Result<void> UdsSeqpacket::Connection::send_packet(std::span<const wire::Bytes> pieces,
                                                   Deadline deadline) {
    if (!fd_) {
        return fail(Errc::invalid_argument, "send on a closed connection");
    }
    if (pieces.size() != 1) {
        return send_gathered(pieces, deadline);
    }
    // Sessions build every message in one buffer (header room in front of
    // the payload): one piece, and send() spares the kernel copying and
    // checking a msghdr and its iovec, as recv() does on the other side.
    const wire::Bytes packet = pieces.front();
    if (auto checked = check_packet_size(packet.size()); !checked) {
        return checked;
    }
    return send_whole_packet(fd_.get(), packet.size(), deadline, [&] {
        return ::send(fd_.get(), packet.data(), packet.size(), send_flags);
    });
}

Result<void> UdsSeqpacket::Connection::send_gathered(std::span<const wire::Bytes> pieces,
                                                     Deadline deadline) {
    std::array<iovec, inline_pieces> inline_vectors{};
    std::vector<iovec> heap_vectors;
    std::span<iovec> vectors(inline_vectors);
    if (pieces.size() > inline_pieces) {
        if (pieces.size() > static_cast<std::size_t>(IOV_MAX)) {
            return fail(Errc::invalid_argument, "more packet pieces than one sendmsg() takes");
        }
        heap_vectors.resize(pieces.size());
        vectors = heap_vectors;
    }
    std::size_t count = 0;
    std::size_t total = 0;
    for (const wire::Bytes piece : pieces) {
        if (piece.empty()) {
            continue;
        }
        // sendmsg() never writes through iov_base; the cast only satisfies its type.
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
        vectors[count++] = iovec{const_cast<std::byte*>(piece.data()), piece.size()};
        total += piece.size();
    }
    if (auto checked = check_packet_size(total); !checked) {
        return checked;
    }
    msghdr message{};
    message.msg_iov = vectors.data();
    message.msg_iovlen = count;
    return send_whole_packet(fd_.get(), total, deadline,
                             [&] { return ::sendmsg(fd_.get(), &message, send_flags); });
}

Result<void> UdsSeqpacket::Connection::check_packet_size(std::size_t total) const {
    if (total == 0) {
        return fail(Errc::invalid_argument, "empty packet (the peer would read it as EOF)");
    }
    if (total > max_packet_size_) {
        return fail(Errc::invalid_argument, "packet larger than max_packet_size()");
    }
    return {};
}

Result<std::size_t> UdsSeqpacket::Connection::receive_packet(wire::MutableBytes out,
                                                             Deadline deadline,
                                                             const AbortSignal* abort) {
    if (!fd_) {
        return fail(Errc::invalid_argument, "receive on a closed connection");
    }
    // Sticky abort: a raised signal wins even over a packet already queued.
    if (!posix::raised(abort)) {
        // One blocking recv() first: an answer usually comes within
        // microseconds, and then this is the receive's only system call.
        // With an abort signal, the attempt is capped at a short slice.
        // False when too little time is left (an expired deadline included).
        auto armed = arm_receive_timeout(
            deadline, abort == nullptr ? std::chrono::microseconds{0} : abort_watch_slice);
        if (!armed) {
            return std::unexpected(armed.error());
        }
        if (*armed) {
            if (auto received = receive_once(fd_.get(), out, 0)) {
                return *received;
            }
            // SO_RCVTIMEO fired, a signal interrupted the wait, or someone
            // made the socket non-blocking: poll() waits out the rest, so
            // none of them busy-loops or bends the deadline.
        }
    }
    return receive_polling(out, deadline, abort);
}

Result<std::size_t> UdsSeqpacket::Connection::receive_polling(wire::MutableBytes out,
                                                              Deadline deadline,
                                                              const AbortSignal* abort) {
    for (;;) {
        // Sticky abort: a raised signal wins even over a packet already queued.
        if (posix::raised(abort)) {
            return fail(Errc::aborted, "abort signal raised");
        }
        if (auto received = receive_once(fd_.get(), out, MSG_DONTWAIT)) {
            return *received;
        }
        if (auto ready = posix::wait_for(fd_.get(), POLLIN, deadline, abort); !ready) {
            return std::unexpected(ready.error());
        }
    }
}

inline Result<bool> UdsSeqpacket::Connection::arm_receive_timeout(Deadline deadline,
                                                                  std::chrono::microseconds cap) {
    if (deadline.is_never()) {
        // Zero cap: no timeout, which is also what a new socket has.
        return receive_timeout_ == cap ? Result<bool>(true) : set_receive_timeout(cap, cap);
    }
    const Deadline::Clock::duration left_exact = deadline.when() - Deadline::Clock::now();
    // The usual call: what is armed serves this deadline too. Two compares
    // against the window keeps_armed() was solved for.
    if (cap == kept_cap_ && left_exact >= keep_min_left_ && left_exact <= keep_max_left_) {
        return true;
    }
    return rearm_receive_timeout(left_exact, cap);
}

Result<bool> UdsSeqpacket::Connection::rearm_receive_timeout(Deadline::Clock::duration left_exact,
                                                             std::chrono::microseconds cap) {
    using std::chrono::microseconds;
    const auto left = std::chrono::floor<microseconds>(left_exact);
    if (left < min_blocking_wait) {
        return false;
    }
    if (keeps_armed(receive_timeout_, left, cap)) {
        return true; // armed for a similar wait under another cap
    }
    const bool capped = cap != microseconds{0};
    return set_receive_timeout(capped ? std::min(timeout_for(left), cap) : timeout_for(left), cap);
}

Result<bool> UdsSeqpacket::Connection::set_receive_timeout(std::chrono::microseconds timeout,
                                                           std::chrono::microseconds cap) {
    const timeval value{.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000),
                        .tv_usec = static_cast<suseconds_t>(timeout.count() % 1'000'000)};
    if (::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &value, sizeof(value)) != 0) {
        return fail(Errc::os_error, "setsockopt(SO_RCVTIMEO) failed", errno);
    }
    receive_timeout_ = timeout;
    remember_keep_window(cap);
    return true;
}

void UdsSeqpacket::Connection::remember_keep_window(std::chrono::microseconds cap) noexcept {
    using Duration = Deadline::Clock::duration;
    const KeepWindow window = keep_window(receive_timeout_, cap);
    kept_cap_ = cap;
    if (window.low > window.high) {
        keep_min_left_ = Duration::max();
        keep_max_left_ = Duration::min();
        return;
    }
    // keeps_armed() sees the time left floored to whole microseconds: a
    // left_exact floors into [low, high] from low up to just under high + 1 us.
    keep_min_left_ = std::chrono::duration_cast<Duration>(window.low);
    keep_max_left_ =
        window.unbounded
            ? Duration::max()
            : std::chrono::duration_cast<Duration>(window.high + std::chrono::microseconds{1})
                  - Duration{1};
}

void UdsSeqpacket::Connection::interrupt() noexcept {
    if (fd_) {
        (void)::shutdown(fd_.get(), SHUT_RDWR);
    }
}

Result<PeerIdentity> UdsSeqpacket::Connection::peer_identity() const {
    if (!fd_) {
        return fail(Errc::invalid_argument, "connection is closed");
    }
    ucred credentials{};
    socklen_t length = sizeof(credentials);
    if (::getsockopt(fd_.get(), SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
        return fail(Errc::os_error, "getsockopt(SO_PEERCRED) failed", errno);
    }
    return PeerIdentity{static_cast<std::uint32_t>(credentials.uid),
                        static_cast<std::uint32_t>(credentials.gid),
                        static_cast<std::int64_t>(credentials.pid)};
}

Result<void> UdsSeqpacket::Connection::check_idle() {
    if (!fd_) {
        return fail(Errc::invalid_argument, "connection is closed");
    }
    pollfd entry{fd_.get(), POLLIN, 0};
    if (::poll(&entry, 1, 0) <= 0) {
        return {};
    }
    std::byte probe{};
    const ssize_t got = ::recv(entry.fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    if (got == 0 || (entry.revents & (POLLHUP | POLLERR)) != 0) {
        return fail(Errc::disconnected, "peer closed the session socket");
    }
    if (got > 0) {
        return fail(Errc::protocol_violation, "a packet arrived on a socket that must stay idle");
    }
    return {};
}

// --- Listener ------------------------------------------------------------------------

UdsSeqpacket::Listener::Listener(Listener&& other) noexcept
    : fd_(std::move(other.fd_)),
      address_(std::move(other.address_)),
      path_(std::move(other.path_)),
      device_(other.device_),
      inode_(other.inode_) {
    other.path_.clear();
}

UdsSeqpacket::Listener& UdsSeqpacket::Listener::operator=(Listener&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::move(other.fd_);
        address_ = std::move(other.address_);
        path_ = std::move(other.path_);
        device_ = other.device_;
        inode_ = other.inode_;
        other.path_.clear();
    }
    return *this;
}

void UdsSeqpacket::Listener::close() noexcept {
    if (fd_ && !path_.empty()) {
        // Unlink while still listening: as long as our socket is live, a
        // successor's listen() sees address-in-use and cannot have replaced
        // the file, unless someone removed ours by hand; the inode check
        // covers that case.
        struct stat status{};
        if (::lstat(path_.c_str(), &status) == 0 && status.st_dev == device_
            && status.st_ino == inode_) {
            (void)::unlink(path_.c_str());
        }
    }
    path_.clear();
    fd_.reset();
}

Result<UdsSeqpacket::Connection> UdsSeqpacket::Listener::accept(Deadline deadline,
                                                                const AbortSignal* abort) {
    if (!fd_) {
        return fail(Errc::invalid_argument, "accept on a closed listener");
    }
    for (;;) {
        if (posix::raised(abort)) {
            return fail(Errc::aborted, "abort signal raised");
        }
        // The listener is non-blocking: accept4() returns at once, and the
        // wait for a client is poll() below, which also watches `abort`.
        const int client = ::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (client >= 0) {
            return Connection(posix::UniqueFd(client));
        }
        const int error = errno;
        // ECONNABORTED: the client gave up while queued; wait for the next one.
        if (error == EINTR || error == ECONNABORTED) {
            continue;
        }
        if (is_would_block(error)) {
            if (auto ready = posix::wait_for(fd_.get(), POLLIN, deadline, abort); !ready) {
                return std::unexpected(ready.error());
            }
            continue;
        }
        // The client stays queued: a later accept() takes it once
        // descriptors are free again.
        return descriptor_failure(error, accept_failure);
    }
}

// --- connect / listen ----------------------------------------------------------------

Result<UdsSeqpacket::Connection> UdsSeqpacket::connect(const Address& address, Deadline deadline) {
    auto path = socket_path(address);
    if (!path) {
        return std::unexpected(path.error());
    }
    const sockaddr_un socket_address = make_sockaddr(*path);

    // Blocking connect with SO_SNDTIMEO bounds the one wait AF_UNIX has (a
    // full backlog) by the deadline; a non-blocking AF_UNIX connect would
    // fail with EAGAIN instead of waiting. An expired deadline connects
    // without waiting.
    const int type_flags = SOCK_SEQPACKET | SOCK_CLOEXEC | (deadline.expired() ? SOCK_NONBLOCK : 0);
    posix::UniqueFd fd(::socket(AF_UNIX, type_flags, 0));
    if (!fd) {
        return descriptor_failure(errno, connect_socket_failure);
    }
    bool send_timeout_set = false;
    for (;;) {
        if (!deadline.is_never() && !deadline.expired()) {
            const auto left_us = std::chrono::ceil<std::chrono::microseconds>(
                                     deadline.when() - Deadline::Clock::now())
                                     .count();
            const auto bounded_us = std::max<std::int64_t>(left_us, 1);
            timeval timeout{};
            timeout.tv_sec = static_cast<time_t>(bounded_us / 1'000'000);
            timeout.tv_usec = static_cast<suseconds_t>(bounded_us % 1'000'000);
            if (::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) != 0) {
                return fail(Errc::os_error, "setsockopt(SO_SNDTIMEO) failed", errno);
            }
            send_timeout_set = true;
        }
        if (connect_to(fd.get(), socket_address) == 0) {
            break;
        }
        const int error = errno;
        if (error == EINTR && !deadline.expired()) {
            continue;
        }
        if (error == ENOENT || error == ECONNREFUSED) {
            return fail(Errc::not_found, "no service is listening at the socket path", error);
        }
        if (is_would_block(error) || error == EINPROGRESS || error == EINTR) {
            return fail(Errc::timeout, "server backlog stayed full until the deadline", error);
        }
        return fail(Errc::os_error, "connect() failed", error);
    }
    // The connection is a plain blocking descriptor (see the header): drop
    // what connecting needed.
    if ((type_flags & SOCK_NONBLOCK) != 0) {
        const int flags = ::fcntl(fd.get(), F_GETFL);
        if (flags < 0
            || ::fcntl(fd.get(), F_SETFL, static_cast<unsigned>(flags) & ~unsigned{O_NONBLOCK})
                   != 0) {
            return fail(Errc::os_error, "cannot make the connection blocking", errno);
        }
    }
    if (send_timeout_set) {
        const timeval none{};
        if (::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none)) != 0) {
            return fail(Errc::os_error, "setsockopt(SO_SNDTIMEO) failed", errno);
        }
    }
    return Connection(std::move(fd));
}

Result<UdsSeqpacket::Listener> UdsSeqpacket::listen(const Address& address) {
    auto path = socket_path(address);
    if (!path) {
        return std::unexpected(path.error());
    }
    posix::UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) {
        return descriptor_failure(errno, listen_socket_failure);
    }
    // bind() creates the file with the socket inode's mode less the umask, so
    // narrowing the inode first means the file is never wider than 0600 and
    // the process-wide umask is never touched (other threads rely on it).
    if (::fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0) {
        return fail(Errc::os_error, "fchmod(0600) on the service socket failed", errno);
    }
    if (auto bound = bind_reclaiming(fd.get(), *path); !bound) {
        return std::unexpected(bound.error());
    }
    // Remember which inode is ours, so close() never removes a successor's.
    struct stat status{};
    if (::lstat(path->c_str(), &status) != 0) {
        return fail(Errc::os_error, "cannot stat the bound service socket", errno);
    }
    if (!S_ISSOCK(status.st_mode)) {
        // Someone replaced our file between bind() and lstat(); it is not ours to remove.
        return fail(Errc::address_in_use, "the service socket was replaced right after bind()");
    }
    Listener listener(std::move(fd), address, std::move(*path), status.st_dev, status.st_ino);
    // Defence in depth for kernels that ignore fchmod() on sockets: refuse to
    // serve from a socket others could connect to (the listener removes it).
    if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        return fail(Errc::internal, "service socket file is wider than 0600 after bind()");
    }
    if (::listen(listener.native_handle(), listen_backlog) != 0) {
        return fail(Errc::os_error, "listen() failed", errno);
    }
    return listener;
}

} // namespace netipc::transports
