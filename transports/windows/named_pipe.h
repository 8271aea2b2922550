// The Windows baseline transport: Win32 named pipes in message mode (profile
// bit 0x01), the NetIPC contract every implementation follows:
//
//   name    \\.\pipe\netipc-{FNV-1a-64(run_dir):016x}-{service}
//           (transports/windows/pipe_name.h; service names outside
//           [A-Za-z0-9._-] are rejected, never sanitized)
//   mode    PIPE_TYPE_MESSAGE / PIPE_READMODE_MESSAGE: one send_packet() is
//           one receive_packet() on the other side, boundaries kept
//   server  CreateNamedPipeW instances (local clients only), one
//           ConnectNamedPipe per accepted client; a fresh instance is made
//           for the next client as soon as one connects
//   client  CreateFileW on the name; when every instance is taken (the pipe
//           is busy) it waits in WaitNamedPipeW for a free one, until its
//           deadline
//   end     ERROR_BROKEN_PIPE, ERROR_NO_DATA and ERROR_PIPE_NOT_CONNECTED
//           mean the peer closed: Errc::disconnected
//
// A pipe lives exactly as long as one of its instances is open, so nothing
// goes stale when a server dies: the name is free again once its process has
// gone. A second live server on the same name is refused
// (FILE_FLAG_FIRST_PIPE_INSTANCE: Errc::address_in_use).
//
// Waiting. Every handle is opened for overlapped I/O. A call that has to wait
// starts the operation with an OVERLAPPED whose event it then waits on in one
// WaitForMultipleObjects() beside the connection's interrupt event and, for
// receives and accepts, the AbortSignal's event, with the time left to the
// deadline as the timeout. Nothing polls: the thread sleeps in the kernel
// until the I/O completes, the deadline passes, or another thread raises the
// abort or calls interrupt(). A wait that ends without the I/O is cancelled
// (CancelIoEx) and its completion awaited before the call returns, so no
// buffer outlives the call that lent it; if the data arrived meanwhile, the
// call returns it instead of losing it.
//
// Packets are at most `packet_size` bytes (the pipes' buffer size), hence
// packet_limited: framing chunks larger messages. A packet larger than the
// receive buffer is Errc::protocol_violation; its rest is left in the pipe
// and the session is unusable, as over UDS.
//
// Thread-safety: like UdsSeqpacket. One thread may send while another
// receives on the same Connection; interrupt() may come from any thread;
// two concurrent senders or receivers need external locking, and close()
// must not race any call. The static functions are thread-safe.
//
// No Windows header here: handles are void* (HANDLE's type), the OVERLAPPED
// state lives in named_pipe.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>

#include "netipc/abort_signal.h"
#include "netipc/concepts/idle_check.h"
#include "netipc/concepts/transport.h"
#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "netipc/wire/constants.h"
#include "transports/service_address.h"

namespace netipc::transports {

class NamedPipe {
public:
    static constexpr std::uint32_t profile_bits = wire::profile::baseline;
    static constexpr bool packet_limited = true;

    // The pipes' in and out buffer sizes, and the largest packet a
    // Connection sends (the packet size it proposes in HELLO; the handshake
    // agrees on the smaller of the two sides', so any peer's size works).
    //
    // 1 KiB under 64 KiB, not 64 KiB: under wine a pipe write travels to the
    // wine server as one request (64-byte header + the data) through a Unix
    // pipe of 64 KiB. A request that does not fit blocks half-written, and a
    // signal that wine delivers meanwhile cuts the write short, which wine
    // treats as fatal for the writing thread ("wine client error: partial
    // write 65536"): the test that sent 64 KiB packets hung about once in ten
    // runs. A request that fits is written at once. Windows itself is not
    // affected; the cost is one more chunk per 63 KiB of a large message.
    static constexpr std::uint32_t packet_size = 63 * 1024;

    using Address = ServiceAddress;

    // One end of a connected pipe instance (the server's or the client's).
    // Movable, not copyable; a moved-from or closed Connection fails every
    // call with Errc::invalid_argument.
    class Connection {
    public:
        // The pipe HANDLE.
        using native_handle_type = void*;

        Connection() noexcept;
        Connection(Connection&& other) noexcept;
        Connection& operator=(Connection&& other) noexcept;
        Connection(const Connection&) = delete;
        Connection& operator=(const Connection&) = delete;
        ~Connection();

        // Sends one message: the concatenation of `pieces` in one
        // WriteFile() (several pieces are copied into one buffer first:
        // pipes have no gather write). Waits for the reader to make room
        // until `deadline` (Errc::timeout). A peer that has gone away is
        // Errc::disconnected. An empty packet or one larger than
        // max_packet_size() is Errc::invalid_argument.
        Result<void> send_packet(std::span<const wire::Bytes> pieces, Deadline deadline);

        // Receives one message into `out` and returns its size.
        // Errc::aborted when `abort` (may be null) is raised, checked before
        // any wait and while waiting; Errc::timeout at `deadline`;
        // Errc::disconnected when the peer closed; Errc::protocol_violation
        // when the message is larger than `out`.
        Result<std::size_t> receive_packet(wire::MutableBytes out, Deadline deadline,
                                           const AbortSignal* abort);

        [[nodiscard]] std::uint32_t max_packet_size() const noexcept { return packet_size; }
        // The pipe handle, for the caller's own waits; null once closed or
        // interrupted.
        [[nodiscard]] native_handle_type native_handle() const noexcept;
        // From any thread: cancels the I/O in flight on this end and closes
        // the pipe handle, so a blocked receive or send returns
        // Errc::disconnected, every later call fails the same way, and the
        // peer sees the session end. The object stays valid until close();
        // must not race close().
        void interrupt() noexcept;
        // Without waiting (PeekNamedPipe): fine while nothing is queued and
        // the peer is there; Errc::disconnected once it closed (or after
        // interrupt()); Errc::protocol_violation when a message is waiting.
        Result<void> check_idle();
        // Closes the pipe handle; the peer sees the end after reading what
        // was already sent. Idempotent.
        void close() noexcept;

        struct State; // named_pipe.cc

    private:
        friend class NamedPipe;
        explicit Connection(std::unique_ptr<State> state) noexcept;

        std::unique_ptr<State> state_;
    };

    // The server side of one pipe name: always holds one instance waiting for
    // the next client, so a client that comes between two accept() calls
    // connects at once (the next ones wait in WaitNamedPipeW until accept()
    // has made another instance). Movable, not copyable.
    class Listener {
    public:
        Listener() noexcept;
        Listener(Listener&& other) noexcept;
        Listener& operator=(Listener&& other) noexcept;
        Listener(const Listener&) = delete;
        Listener& operator=(const Listener&) = delete;
        ~Listener();

        // Waits for one client until `deadline` (Errc::timeout) or until
        // `abort` (may be null) is raised (Errc::aborted, checked before any
        // wait too). A wait that ends without a client leaves the instance
        // listening for the next accept(). A closed listener fails with
        // Errc::invalid_argument.
        Result<Connection> accept(Deadline deadline, const AbortSignal* abort);

        // The service address this listener serves.
        [[nodiscard]] const Address& address() const noexcept { return address_; }
        // Closes the waiting instance: clients no longer connect (they find
        // nothing once the accepted sessions have ended too, and the pipe is
        // busy until then). Idempotent; accepted Connections are unaffected.
        void close() noexcept;

        struct State; // named_pipe.cc

    private:
        friend class NamedPipe;
        Listener(std::unique_ptr<State> state, Address address) noexcept;

        std::unique_ptr<State> state_;
        Address address_;
    };

    // Connects to a running service. Errc::invalid_argument for a bad
    // address (a service name with a forbidden character, say);
    // Errc::not_found when no pipe of that name exists; Errc::timeout when
    // every instance stays busy until `deadline`; otherwise Errc::os_error
    // with the Win32 error.
    static Result<Connection> connect(const Address& address, Deadline deadline);

    // Creates the pipe's first instance. Errc::address_in_use when an
    // instance of that name exists already (a live server, or sessions a
    // closed listener accepted that are still open); Errc::invalid_argument
    // for a bad address.
    static Result<Listener> listen(const Address& address);
};

static_assert(PacketConnection<NamedPipe::Connection>);
static_assert(IdleCheck<NamedPipe::Connection>);
static_assert(Transport<NamedPipe>);

} // namespace netipc::transports
