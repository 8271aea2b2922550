#include "examples/tcp/tcp_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <vector>

#include "examples/tcp/socket_errors.h"
#include "netipc/posix/wait.h"

namespace netipc::examples {

using posix::raised;
using posix::wait_for;

namespace {

using FramePrefix = std::array<std::byte, sizeof(std::uint32_t)>;

// Framing sends a header and a payload slice: with the prefix that is three
// iovecs. More pieces than fit here go to a heap array of iovecs (never of
// bytes: the payload is still not copied).
constexpr std::size_t inline_iovecs = 8;
// Dropping an oversized frame reads it through this much stack at a time.
constexpr std::size_t discard_chunk = 16384;

// The iovecs of one frame and how far sendmsg() got through them.
class Gather {
public:
    Gather(const FramePrefix& prefix, std::span<const wire::Bytes> pieces) {
        const std::size_t count = pieces.size() + 1;
        if (count > inline_.size()) {
            heap_.resize(count);
        }
        iovecs_ = heap_.empty() ? std::span<iovec>(inline_).first(count) : std::span<iovec>(heap_);
        std::size_t used = 0;
        // sendmsg() only reads through iov_base; iovec has no const flavour.
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
        iovecs_[used++] = iovec{const_cast<std::byte*>(prefix.data()), prefix.size()};
        for (const wire::Bytes piece : pieces) {
            if (!piece.empty()) {
                // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
                iovecs_[used++] = iovec{const_cast<std::byte*>(piece.data()), piece.size()};
            }
        }
        iovecs_ = iovecs_.first(used);
    }

    [[nodiscard]] bool done() const noexcept { return iovecs_.empty(); }

    // The rest of the frame as a msghdr; at most IOV_MAX iovecs at a time
    // (the rest go in later rounds, like any partial write).
    [[nodiscard]] msghdr message() noexcept {
        msghdr header{};
        header.msg_iov = iovecs_.data();
        header.msg_iovlen = std::min<std::size_t>(iovecs_.size(), IOV_MAX);
        return header;
    }

    // Drops the `sent` bytes sendmsg() took from the front.
    void advance(std::size_t sent) noexcept {
        while (sent > 0 && sent >= iovecs_.front().iov_len) {
            sent -= iovecs_.front().iov_len;
            iovecs_ = iovecs_.subspan(1);
        }
        if (sent > 0) {
            iovec& partly = iovecs_.front();
            partly.iov_base = static_cast<std::byte*>(partly.iov_base) + sent;
            partly.iov_len -= sent;
        }
    }

private:
    std::array<iovec, inline_iovecs> inline_{};
    std::vector<iovec> heap_;
    std::span<iovec> iovecs_;
};

} // namespace

Result<TcpConnection> TcpConnection::adopt(posix::UniqueFd socket) {
    const int on = 1;
    if (::setsockopt(socket.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0) {
        return socket_failure("setsockopt(TCP_NODELAY) failed", errno);
    }
    return TcpConnection(std::move(socket));
}

Result<void> TcpConnection::send_packet(std::span<const wire::Bytes> pieces, Deadline deadline) {
    if (!fd_) {
        return fail(Errc::invalid_argument, "send on a closed TCP connection");
    }
    std::size_t length = 0;
    for (const wire::Bytes piece : pieces) {
        length += piece.size();
    }
    if (length > max_frame_size) {
        return fail(Errc::invalid_argument, "packet longer than a frame can describe");
    }
    FramePrefix prefix{};
    wire::store(prefix.data(), static_cast<std::uint32_t>(length));

    Gather frame(prefix, pieces);
    while (!frame.done()) {
        msghdr message = frame.message();
        // MSG_NOSIGNAL: a peer that went away is Errc::disconnected, not a
        // SIGPIPE that kills the process.
        const ssize_t sent = ::sendmsg(fd_.get(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent >= 0) {
            frame.advance(static_cast<std::size_t>(sent));
            continue;
        }
        const int error = errno;
        if (error == EINTR) {
            continue;
        }
        if (error != EAGAIN && error != EWOULDBLOCK) {
            return socket_failure("sendmsg() failed", error);
        }
        // No abort signal on sends (the concept has none): interrupt() is
        // how another thread ends a send waiting for a reader.
        if (auto room = wait_for(fd_.get(), POLLOUT, deadline, nullptr); !room) {
            return room;
        }
    }
    return {};
}

Result<std::size_t> TcpConnection::receive_packet(wire::MutableBytes out, Deadline deadline,
                                                  const AbortSignal* abort) {
    if (!fd_) {
        return fail(Errc::invalid_argument, "receive on a closed TCP connection");
    }
    if (raised(abort)) {
        return fail(Errc::aborted, "abort signal raised");
    }
    FramePrefix prefix{};
    if (auto got = read_exactly(prefix, false, deadline, abort); !got) {
        return std::unexpected(got.error());
    }
    const auto length = wire::load<std::uint32_t>(prefix.data());
    if (length > out.size()) {
        // Reading it whole keeps the stream in step; if even that fails,
        // that failure is what the caller needs to know.
        if (auto dropped = discard(length, deadline, abort); !dropped) {
            return std::unexpected(dropped.error());
        }
        return fail(Errc::protocol_violation, "frame longer than the receive buffer");
    }
    if (auto got = read_exactly(out.first(length), true, deadline, abort); !got) {
        return std::unexpected(got.error());
    }
    return length;
}

void TcpConnection::interrupt() noexcept {
    if (fd_) {
        (void)::shutdown(fd_.get(), SHUT_RDWR);
    }
}

Result<void> TcpConnection::read_exactly(wire::MutableBytes into, bool in_frame, Deadline deadline,
                                         const AbortSignal* abort) {
    std::size_t filled = 0;
    while (filled < into.size()) {
        const ssize_t got =
            ::recv(fd_.get(), into.data() + filled, into.size() - filled, MSG_DONTWAIT);
        if (got > 0) {
            filled += static_cast<std::size_t>(got);
            continue;
        }
        if (got == 0) {
            return in_frame || filled > 0
                       ? fail(Errc::disconnected, "peer closed the stream in the middle of a frame")
                       : fail(Errc::disconnected, "peer closed the connection");
        }
        const int error = errno;
        if (error == EINTR) {
            continue;
        }
        if (error != EAGAIN && error != EWOULDBLOCK) {
            return socket_failure("recv() failed", error);
        }
        if (auto ready = wait_for(fd_.get(), POLLIN, deadline, abort); !ready) {
            return ready;
        }
    }
    return {};
}

Result<void> TcpConnection::discard(std::size_t length, Deadline deadline,
                                    const AbortSignal* abort) {
    std::array<std::byte, discard_chunk> scratch{};
    while (length > 0) {
        const std::size_t step = std::min(length, scratch.size());
        if (auto got = read_exactly(wire::MutableBytes(scratch).first(step), true, deadline, abort);
            !got) {
            return got;
        }
        length -= step;
    }
    return {};
}

} // namespace netipc::examples
