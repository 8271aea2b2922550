#include "transports/windows/named_pipe.h"

#include <windows.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "transports/windows/pipe_name.h"

namespace netipc::transports {

namespace {

using std::chrono::milliseconds;

int last_error() noexcept {
    return static_cast<int>(::GetLastError());
}

// The errors that mean the other end has gone (the NetIPC contract names
// these three; ERROR_OPERATION_ABORTED is not among them: a cancel is ours).
bool is_peer_gone(DWORD error) noexcept {
    return error == ERROR_BROKEN_PIPE || error == ERROR_NO_DATA
           || error == ERROR_PIPE_NOT_CONNECTED;
}

// The Win32 timeout (milliseconds, rounded up so a wait never ends before
// its deadline) for a wait that must end by `deadline`. Waits longer than
// the largest finite Win32 timeout end early and are simply waited again.
DWORD wait_timeout(Deadline deadline) noexcept {
    if (deadline.is_never()) {
        return INFINITE;
    }
    const auto left = deadline.when() - Deadline::Clock::now();
    if (left <= Deadline::Clock::duration::zero()) {
        return 0;
    }
    const auto ms = std::chrono::ceil<milliseconds>(left).count();
    constexpr auto longest = static_cast<long long>(INFINITE - 1);
    return static_cast<DWORD>(std::min<long long>(ms, longest));
}

// A manual-reset event, initially clear.
HANDLE make_event() noexcept {
    return ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
}

void close_handle(HANDLE& handle) noexcept {
    if (handle != nullptr && handle != INVALID_HANDLE_VALUE) {
        ::CloseHandle(handle);
    }
    handle = nullptr;
}

std::wstring widen(const std::string& ascii) {
    // Pipe names are ASCII: the prefix, hex digits and a validated service
    // name ([A-Za-z0-9._-]).
    return {ascii.begin(), ascii.end()};
}

// What ended a wait for overlapped I/O.
enum class WaitEnd { io_done, interrupted, aborted, timed_out };

// Waits for the I/O of `io_event` beside the optional interrupt and abort
// events, until `deadline`. The single place where this transport blocks on
// I/O: one WaitForMultipleObjects() per pass, a new pass only when the
// timeout was cut to the largest Win32 timeout or rounded short.
WaitEnd wait_for_io(HANDLE io_event, HANDLE interrupt_event, const AbortSignal* abort,
                    Deadline deadline) noexcept {
    std::array<HANDLE, 3> handles{};
    std::array<WaitEnd, 3> meaning{};
    DWORD count = 0;
    const auto watch = [&](HANDLE handle, WaitEnd end) {
        if (handle != nullptr) {
            handles[count] = handle;
            meaning[count] = end;
            ++count;
        }
    };
    watch(io_event, WaitEnd::io_done);
    watch(interrupt_event, WaitEnd::interrupted);
    if (abort != nullptr) {
        watch(abort->native_handle(), WaitEnd::aborted);
    }
    for (;;) {
        const DWORD result =
            ::WaitForMultipleObjects(count, handles.data(), FALSE, wait_timeout(deadline));
        if (result >= WAIT_OBJECT_0 && result < WAIT_OBJECT_0 + count) {
            return meaning[result - WAIT_OBJECT_0];
        }
        if (result == WAIT_TIMEOUT) {
            if (deadline.expired()) {
                return WaitEnd::timed_out;
            }
            continue;
        }
        // WAIT_FAILED only for an invalid handle, never with our own
        // events: end the call like an interrupt instead of spinning.
        return WaitEnd::interrupted;
    }
}

} // namespace

// --- Connection -------------------------------------------------------------------------

struct NamedPipe::Connection::State {
    HANDLE pipe = nullptr;
    HANDLE read_event = nullptr;
    HANDLE write_event = nullptr;
    // Set by interrupt(); wakes every wait on this connection.
    HANDLE interrupt_event = nullptr;
    // Serializes starting or cancelling I/O with interrupt() closing `pipe`,
    // so the handle is never used after it was closed (or reused). Held only
    // for those calls, never while waiting.
    std::mutex io_mutex;
    std::atomic<bool> interrupted{false};
    // Several pieces are joined here into one message; reused across sends.
    std::vector<std::byte> send_buffer;

    ~State() {
        if (!interrupted.load(std::memory_order_acquire)) {
            close_handle(pipe);
        }
        close_handle(read_event);
        close_handle(write_event);
        close_handle(interrupt_event);
    }

    // Starts ReadFile/WriteFile (`start` gets the pipe handle) unless the
    // connection was interrupted. Returns false with `error` set when the
    // operation did not complete at once (ERROR_IO_PENDING among others).
    template <class Start>
    bool start_io(Start start, DWORD& error) {
        const std::lock_guard lock(io_mutex);
        if (interrupted.load(std::memory_order_acquire)) {
            error = ERROR_PIPE_NOT_CONNECTED;
            return false;
        }
        if (start(pipe)) {
            return true;
        }
        error = ::GetLastError();
        return false;
    }

    // Cancels the I/O of `overlapped` (unless interrupt() cancelled it
    // already) and waits until it has completed, one way or the other; then
    // its result is final and its buffer free.
    void cancel_and_wait(OVERLAPPED& overlapped) {
        {
            const std::lock_guard lock(io_mutex);
            if (!interrupted.load(std::memory_order_acquire)) {
                ::CancelIoEx(pipe, &overlapped);
            }
        }
        ::WaitForSingleObject(overlapped.hEvent, INFINITE);
    }

    // The result of completed I/O: bytes moved, or the Win32 error. The
    // handle is not used for I/O that has completed (no wait).
    static bool io_result(OVERLAPPED& overlapped, DWORD& bytes, DWORD& error) {
        if (::GetOverlappedResult(nullptr, &overlapped, &bytes, FALSE)) {
            return true;
        }
        error = ::GetLastError();
        return false;
    }

    // Waits for started I/O and returns its result; a wait that ends
    // otherwise cancels it. If the I/O completed anyway, its result wins
    // (data that arrived is never lost); else `ended` says why.
    bool finish_io(OVERLAPPED& overlapped, const AbortSignal* abort, Deadline deadline,
                   DWORD& bytes, DWORD& error, WaitEnd& ended) {
        ended = wait_for_io(overlapped.hEvent, interrupt_event, abort, deadline);
        if (ended != WaitEnd::io_done) {
            cancel_and_wait(overlapped);
        }
        if (io_result(overlapped, bytes, error)) {
            return ended != WaitEnd::interrupted;
        }
        if (error == ERROR_OPERATION_ABORTED && ended == WaitEnd::io_done) {
            ended = WaitEnd::interrupted; // cancelled by interrupt() alone
        }
        return false;
    }
};

NamedPipe::Connection::Connection() noexcept = default;
NamedPipe::Connection::Connection(std::unique_ptr<State> state) noexcept
    : state_(std::move(state)) {}
NamedPipe::Connection::Connection(Connection&& other) noexcept = default;
NamedPipe::Connection& NamedPipe::Connection::operator=(Connection&& other) noexcept = default;
NamedPipe::Connection::~Connection() = default;

namespace {

// Takes ownership of a connected pipe handle (either end) and gives it its
// events. On failure the handle is closed.
Result<NamedPipe::Connection::State*> adopt_pipe(
    HANDLE pipe, std::unique_ptr<NamedPipe::Connection::State>& out) {
    out = std::make_unique<NamedPipe::Connection::State>();
    out->pipe = pipe;
    out->read_event = make_event();
    out->write_event = make_event();
    out->interrupt_event = make_event();
    if (out->read_event == nullptr || out->write_event == nullptr
        || out->interrupt_event == nullptr) {
        const int error = last_error();
        out.reset();
        return fail(Errc::os_error, "CreateEvent() for a pipe connection failed", error);
    }
    return out.get();
}

} // namespace

Result<void> NamedPipe::Connection::send_packet(std::span<const wire::Bytes> pieces,
                                                Deadline deadline) {
    if (!state_) {
        return fail(Errc::invalid_argument, "send on a closed pipe connection");
    }
    State& state = *state_;
    std::size_t size = 0;
    const wire::Bytes* only_piece = nullptr;
    for (const wire::Bytes& piece : pieces) {
        size += piece.size();
        if (!piece.empty()) {
            only_piece = only_piece == nullptr ? &piece : nullptr;
        }
    }
    if (size == 0) {
        return fail(Errc::invalid_argument, "empty packet");
    }
    if (size > packet_size) {
        return fail(Errc::invalid_argument, "packet larger than the pipe's packet size");
    }
    if (state.interrupted.load(std::memory_order_acquire)) {
        return fail(Errc::disconnected, "pipe connection was interrupted");
    }
    const std::byte* data = nullptr;
    if (only_piece != nullptr && only_piece->size() == size) {
        data = only_piece->data();
    } else {
        state.send_buffer.resize(size);
        std::byte* cursor = state.send_buffer.data();
        for (const wire::Bytes& piece : pieces) {
            if (!piece.empty()) {
                std::memcpy(cursor, piece.data(), piece.size());
                cursor += piece.size();
            }
        }
        data = state.send_buffer.data();
    }

    OVERLAPPED overlapped{};
    overlapped.hEvent = state.write_event;
    DWORD error = 0;
    DWORD written = 0;
    bool done = state.start_io(
        [&](HANDLE pipe) {
            return ::WriteFile(pipe, data, static_cast<DWORD>(size), nullptr, &overlapped) != 0;
        },
        error);
    WaitEnd ended = WaitEnd::io_done;
    if (done) {
        done = State::io_result(overlapped, written, error);
    } else if (error == ERROR_IO_PENDING) {
        done = state.finish_io(overlapped, nullptr, deadline, written, error, ended);
    }
    if (done) {
        if (written != size) {
            return fail(Errc::os_error, "pipe write was cut short");
        }
        return {};
    }
    if (ended == WaitEnd::interrupted || state.interrupted.load(std::memory_order_acquire)) {
        return fail(Errc::disconnected, "pipe connection was interrupted");
    }
    if (ended == WaitEnd::timed_out) {
        return fail(Errc::timeout, "pipe had no room for the packet before the deadline");
    }
    if (is_peer_gone(error)) {
        return fail(Errc::disconnected, "peer closed the pipe", static_cast<int>(error));
    }
    return fail(Errc::os_error, "WriteFile() on the pipe failed", static_cast<int>(error));
}

Result<std::size_t> NamedPipe::Connection::receive_packet(wire::MutableBytes out, Deadline deadline,
                                                          const AbortSignal* abort) {
    if (!state_) {
        return fail(Errc::invalid_argument, "receive on a closed pipe connection");
    }
    State& state = *state_;
    if (abort != nullptr && abort->raised()) {
        return fail(Errc::aborted, "abort signal raised");
    }
    if (state.interrupted.load(std::memory_order_acquire)) {
        return fail(Errc::disconnected, "pipe connection was interrupted");
    }
    const auto room =
        static_cast<DWORD>(std::min<std::size_t>(out.size(), std::numeric_limits<DWORD>::max()));

    OVERLAPPED overlapped{};
    overlapped.hEvent = state.read_event;
    DWORD error = 0;
    DWORD received = 0;
    bool done = state.start_io(
        [&](HANDLE pipe) { return ::ReadFile(pipe, out.data(), room, nullptr, &overlapped) != 0; },
        error);
    WaitEnd ended = WaitEnd::io_done;
    if (done) {
        done = State::io_result(overlapped, received, error);
    } else if (error == ERROR_IO_PENDING) {
        done = state.finish_io(overlapped, abort, deadline, received, error, ended);
    }
    if (done) {
        return static_cast<std::size_t>(received);
    }
    if (ended == WaitEnd::interrupted || state.interrupted.load(std::memory_order_acquire)) {
        return fail(Errc::disconnected, "pipe connection was interrupted");
    }
    if (ended == WaitEnd::aborted) {
        return fail(Errc::aborted, "abort signal raised");
    }
    if (ended == WaitEnd::timed_out) {
        return fail(Errc::timeout, "no packet before the deadline");
    }
    if (error == ERROR_MORE_DATA) {
        return fail(Errc::protocol_violation, "packet larger than the receive buffer");
    }
    if (is_peer_gone(error)) {
        return fail(Errc::disconnected, "peer closed the pipe", static_cast<int>(error));
    }
    return fail(Errc::os_error, "ReadFile() on the pipe failed", static_cast<int>(error));
}

NamedPipe::Connection::native_handle_type NamedPipe::Connection::native_handle() const noexcept {
    if (!state_ || state_->interrupted.load(std::memory_order_acquire)) {
        return nullptr;
    }
    return state_->pipe;
}

void NamedPipe::Connection::interrupt() noexcept {
    if (!state_) {
        return;
    }
    State& state = *state_;
    {
        const std::lock_guard lock(state.io_mutex);
        if (state.interrupted.load(std::memory_order_acquire)) {
            return;
        }
        // Cancel first (so waiters see their I/O complete), then close: the
        // peer's pending and later I/O fails, which is how it learns the
        // session ended.
        ::CancelIoEx(state.pipe, nullptr);
        ::CloseHandle(state.pipe);
        state.interrupted.store(true, std::memory_order_release);
    }
    ::SetEvent(state.interrupt_event);
}

Result<void> NamedPipe::Connection::check_idle() {
    if (!state_) {
        return fail(Errc::invalid_argument, "idle check on a closed pipe connection");
    }
    State& state = *state_;
    DWORD available = 0;
    DWORD error = 0;
    const bool peeked = state.start_io(
        [&](HANDLE pipe) {
            return ::PeekNamedPipe(pipe, nullptr, 0, nullptr, &available, nullptr) != 0;
        },
        error);
    if (!peeked) {
        if (state.interrupted.load(std::memory_order_acquire) || is_peer_gone(error)) {
            return fail(Errc::disconnected, "peer closed the pipe", static_cast<int>(error));
        }
        return fail(Errc::os_error, "PeekNamedPipe() failed", static_cast<int>(error));
    }
    if (available > 0) {
        return fail(Errc::protocol_violation, "a packet is waiting on an idle pipe");
    }
    return {};
}

void NamedPipe::Connection::close() noexcept {
    state_.reset();
}

// --- Listener ---------------------------------------------------------------------------

struct NamedPipe::Listener::State {
    std::wstring name;
    // The instance waiting for the next client, and its ConnectNamedPipe.
    HANDLE instance = nullptr;
    HANDLE connect_event = nullptr;
    OVERLAPPED connect{};
    bool connect_pending = false;

    ~State() {
        if (connect_pending) {
            ::CancelIoEx(instance, &connect);
            ::WaitForSingleObject(connect_event, INFINITE);
        }
        close_handle(instance);
        close_handle(connect_event);
    }
};

namespace {

// One more instance of pipe `name` (the first one when `first`).
HANDLE create_instance(const std::wstring& name, bool first) noexcept {
    DWORD open_mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED;
    if (first) {
        open_mode |= FILE_FLAG_FIRST_PIPE_INSTANCE;
    }
    return ::CreateNamedPipeW(
        name.c_str(), open_mode,
        PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
        PIPE_UNLIMITED_INSTANCES, NamedPipe::packet_size, NamedPipe::packet_size, 0, nullptr);
}

} // namespace

NamedPipe::Listener::Listener() noexcept = default;
NamedPipe::Listener::Listener(std::unique_ptr<State> state, Address address) noexcept
    : state_(std::move(state)), address_(std::move(address)) {}
NamedPipe::Listener::Listener(Listener&& other) noexcept = default;
NamedPipe::Listener& NamedPipe::Listener::operator=(Listener&& other) noexcept = default;
NamedPipe::Listener::~Listener() = default;

Result<NamedPipe::Connection> NamedPipe::Listener::accept(Deadline deadline,
                                                          const AbortSignal* abort) {
    if (!state_) {
        return fail(Errc::invalid_argument, "accept on a closed pipe listener");
    }
    State& state = *state_;
    if (abort != nullptr && abort->raised()) {
        return fail(Errc::aborted, "abort signal raised");
    }
    if (state.instance == nullptr) {
        // The last accept() could not make the next instance: try again.
        state.instance = create_instance(state.name, false);
        if (state.instance == INVALID_HANDLE_VALUE) {
            state.instance = nullptr;
            return fail(Errc::os_error, "CreateNamedPipe() for the next client failed",
                        last_error());
        }
    }
    for (;;) {
        if (!state.connect_pending) {
            state.connect = OVERLAPPED{};
            state.connect.hEvent = state.connect_event;
            if (::ConnectNamedPipe(state.instance, &state.connect) == 0) {
                const DWORD error = ::GetLastError();
                if (error == ERROR_IO_PENDING) {
                    state.connect_pending = true;
                } else if (error == ERROR_NO_DATA) {
                    // A client connected and left before we got to it:
                    // free the instance for the next one.
                    ::DisconnectNamedPipe(state.instance);
                    continue;
                } else if (error != ERROR_PIPE_CONNECTED) {
                    return fail(Errc::os_error, "ConnectNamedPipe() failed",
                                static_cast<int>(error));
                }
            }
        }
        if (state.connect_pending) {
            // A listener has no interrupt(): only the connect and the abort.
            const WaitEnd ended = wait_for_io(state.connect_event, nullptr, abort, deadline);
            if (ended == WaitEnd::aborted) {
                return fail(Errc::aborted, "abort signal raised");
            }
            if (ended == WaitEnd::timed_out) {
                return fail(Errc::timeout, "no client before the deadline");
            }
            // The connect stays issued across a timeout or an abort, so the
            // next accept() picks up a client that came meanwhile.
            state.connect_pending = false;
            DWORD unused = 0;
            if (::GetOverlappedResult(state.instance, &state.connect, &unused, FALSE) == 0) {
                const DWORD error = ::GetLastError();
                if (error == ERROR_NO_DATA || is_peer_gone(error)) {
                    ::DisconnectNamedPipe(state.instance);
                    continue;
                }
                return fail(Errc::os_error, "ConnectNamedPipe() failed", static_cast<int>(error));
            }
        }
        break;
    }

    std::unique_ptr<Connection::State> connection;
    HANDLE connected = std::exchange(state.instance, nullptr);
    if (auto made = adopt_pipe(connected, connection); !made) {
        return std::unexpected(made.error());
    }
    // The next client's instance. If that fails now, the next accept()
    // tries again; this client is served either way.
    state.instance = create_instance(state.name, false);
    if (state.instance == INVALID_HANDLE_VALUE) {
        state.instance = nullptr;
    }
    return Connection(std::move(connection));
}

void NamedPipe::Listener::close() noexcept {
    state_.reset();
}

// --- connect / listen -------------------------------------------------------------------

Result<NamedPipe::Connection> NamedPipe::connect(const Address& address, Deadline deadline) {
    auto name = pipe_name(address);
    if (!name) {
        return std::unexpected(name.error());
    }
    const std::wstring wide_name = widen(*name);
    for (;;) {
        HANDLE pipe = ::CreateFileW(wide_name.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                                    OPEN_EXISTING, FILE_FLAG_OVERLAPPED, nullptr);
        if (pipe != INVALID_HANDLE_VALUE) {
            DWORD mode = PIPE_READMODE_MESSAGE;
            if (::SetNamedPipeHandleState(pipe, &mode, nullptr, nullptr) == 0) {
                const int error = last_error();
                ::CloseHandle(pipe);
                return fail(Errc::os_error, "SetNamedPipeHandleState(message mode) failed", error);
            }
            std::unique_ptr<Connection::State> connection;
            if (auto made = adopt_pipe(pipe, connection); !made) {
                return std::unexpected(made.error());
            }
            return Connection(std::move(connection));
        }
        DWORD error = ::GetLastError();
        if (error == ERROR_FILE_NOT_FOUND) {
            return fail(Errc::not_found, "no pipe of that name (is the service running?)");
        }
        if (error != ERROR_PIPE_BUSY) {
            return fail(Errc::os_error, "CreateFile() on the pipe failed", static_cast<int>(error));
        }
        // Every instance is taken: sleep in the kernel until the server makes
        // one free (or the deadline), then race for it; another client may
        // win it, and then this one waits again.
        if (deadline.expired()) {
            return fail(Errc::timeout, "pipe stayed busy until the deadline");
        }
        const DWORD timeout = wait_timeout(deadline);
        // 0 would mean "the server's default timeout": wait at least 1 ms.
        if (::WaitNamedPipeW(wide_name.c_str(), std::max<DWORD>(timeout, 1)) == 0) {
            error = ::GetLastError();
            if (error == ERROR_FILE_NOT_FOUND) {
                return fail(Errc::not_found, "the pipe went away while waiting for it");
            }
            if (error != ERROR_SEM_TIMEOUT) {
                return fail(Errc::os_error, "WaitNamedPipe() failed", static_cast<int>(error));
            }
        }
    }
}

Result<NamedPipe::Listener> NamedPipe::listen(const Address& address) {
    auto name = pipe_name(address);
    if (!name) {
        return std::unexpected(name.error());
    }
    auto state = std::make_unique<Listener::State>();
    state->name = widen(*name);
    state->connect_event = make_event();
    if (state->connect_event == nullptr) {
        return fail(Errc::os_error, "CreateEvent() for the pipe listener failed", last_error());
    }
    // A live server is one with an instance of the name. The first-instance
    // flag alone says so on Windows, but wine (8.0, measured) ignores it, so
    // ask first: WaitNamedPipe reports ERROR_FILE_NOT_FOUND exactly when no
    // instance exists. The flag still closes the race between the two.
    if (::WaitNamedPipeW(state->name.c_str(), 1) != 0) {
        return fail(Errc::address_in_use, "a pipe of that name exists (a live server?)");
    }
    if (const DWORD probe_error = ::GetLastError(); probe_error != ERROR_FILE_NOT_FOUND) {
        if (probe_error == ERROR_SEM_TIMEOUT) {
            return fail(Errc::address_in_use, "a pipe of that name exists (a live server?)");
        }
        return fail(Errc::os_error, "WaitNamedPipe() probing the name failed",
                    static_cast<int>(probe_error));
    }
    state->instance = create_instance(state->name, true);
    if (state->instance == INVALID_HANDLE_VALUE) {
        state->instance = nullptr;
        const DWORD error = ::GetLastError();
        if (error == ERROR_ACCESS_DENIED || error == ERROR_PIPE_BUSY) {
            return fail(Errc::address_in_use, "a pipe of that name exists (a live server?)",
                        static_cast<int>(error));
        }
        return fail(Errc::os_error, "CreateNamedPipe() failed", static_cast<int>(error));
    }
    return Listener(std::move(state), address);
}

} // namespace netipc::transports
