// The process at the other end of a connected named pipe, as a handle that a
// kernel wait can watch: it is signalled when that process ends, however it
// ends. WinShm waits on it beside the region's event, so a peer that dies
// without closing its region ends the wait at once instead of at the
// deadline, and without polling.
#pragma once

#include "netipc/error.h"
#include "transports/windows/unique_handle.h"

namespace netipc::transports::windows {

// Which end of the pipe `pipe` is: the server asks for the client's process,
// the client for the server's.
enum class PipeEnd {
    server,
    client,
};

// A SYNCHRONIZE handle to the peer process of `pipe`. Errc::os_error (with
// the Windows error code) when the peer's id cannot be read or the process
// cannot be opened (it already ended, or this side may not wait on it).
Result<UniqueHandle> open_pipe_peer_process(void* pipe, PipeEnd end) noexcept;

} // namespace netipc::transports::windows
