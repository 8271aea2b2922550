// One end of a TCP session carrying netipc packets as length-prefixed
// frames: a u32 length in host byte order (the protocol's own byte order:
// a frame never leaves the machine), then that many bytes.
//
// A stream has no packet size, so the transport is not packet-limited:
// framing never chunks over it, and Session sizes its buffers from the
// negotiated payload ceilings. max_packet_size() is therefore only what a
// frame header can describe.
//
// Every system call is made with MSG_DONTWAIT (or on a non-blocking
// descriptor) and waits, when it must, in poll() on the socket and the
// abort signal (netipc/posix/wait.h): the descriptor's own O_NONBLOCK flag does
// not matter, so a caller's event loop may change it.
//
// A frame is one unit: an error in the middle of one (timeout, abort, a
// peer gone) leaves the stream out of step, so, as for every netipc
// transport, any error other than a local refusal ends the session.
//
// Thread-safety: one sender and one receiver thread at most; interrupt()
// from any thread; close() must not race any call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/posix/unique_fd.h"
#include "netipc/wire/bytes.h"

namespace netipc::examples {

class TcpConnection {
public:
    using native_handle_type = int;

    // The largest packet a frame's u32 length can describe.
    static constexpr std::uint32_t max_frame_size = std::numeric_limits<std::uint32_t>::max();

    TcpConnection() noexcept = default;

    // Takes a connected TCP socket and turns Nagle's algorithm off: a
    // request is one small write, and waiting to coalesce it with a next
    // one that never comes before the answer would add up to 40 ms a call.
    static Result<TcpConnection> adopt(posix::UniqueFd socket);

    // Sends one frame: the prefix and every piece in one gathered
    // sendmsg() (the pieces are never copied into a buffer), continued
    // after partial writes until the whole frame is out. Waits for room
    // until `deadline` (Errc::timeout). Errc::disconnected when the peer is
    // gone or interrupt() was called.
    Result<void> send_packet(std::span<const wire::Bytes> pieces, Deadline deadline);

    // Receives one frame into `out` and returns its length. Errc::aborted
    // when `abort` (may be null) is raised, checked first (a raised signal
    // wins even over a frame already there) and during every wait;
    // Errc::timeout at `deadline`; Errc::disconnected at the end of the
    // stream, also in the middle of a frame. A frame longer than `out` is
    // read to its end and dropped, and reported as
    // Errc::protocol_violation.
    Result<std::size_t> receive_packet(wire::MutableBytes out, Deadline deadline,
                                       const AbortSignal* abort);

    [[nodiscard]] std::uint32_t max_packet_size() const noexcept { return max_frame_size; }
    // The socket (readable = a frame, or the end of the stream, is coming).
    // -1 once closed.
    [[nodiscard]] native_handle_type native_handle() const noexcept { return fd_.get(); }
    // From any thread: shuts the socket down both ways, which wakes a
    // receive or send blocked in poll() (they fail with
    // Errc::disconnected, as does every later call) and sends the peer its
    // end of stream. The descriptor stays open until close().
    void interrupt() noexcept;
    // Closes the socket. Idempotent.
    void close() noexcept { fd_.reset(); }

private:
    explicit TcpConnection(posix::UniqueFd socket) noexcept : fd_(std::move(socket)) {}

    // Reads exactly `into.size()` bytes. `in_frame`: part of the frame was
    // read already, so the end of the stream here cuts a frame short.
    Result<void> read_exactly(wire::MutableBytes into, bool in_frame, Deadline deadline,
                              const AbortSignal* abort);
    // Reads and drops `length` bytes: the body of a frame that does not fit,
    // so the next frame still starts where the stream says it does.
    Result<void> discard(std::size_t length, Deadline deadline, const AbortSignal* abort);

    posix::UniqueFd fd_;
};

} // namespace netipc::examples
