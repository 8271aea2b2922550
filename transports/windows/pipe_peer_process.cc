#include "transports/windows/pipe_peer_process.h"

#define WIN32_LEAN_AND_MEAN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

namespace netipc::transports::windows {

Result<UniqueHandle> open_pipe_peer_process(void* pipe, PipeEnd end) noexcept {
    ULONG peer_id = 0;
    const BOOL known = end == PipeEnd::server ? GetNamedPipeClientProcessId(pipe, &peer_id)
                                              : GetNamedPipeServerProcessId(pipe, &peer_id);
    if (known == 0) {
        return fail(Errc::os_error, "cannot read the process id of the named pipe's peer",
                    static_cast<int>(GetLastError()));
    }
    UniqueHandle process(OpenProcess(SYNCHRONIZE, FALSE, peer_id));
    if (!process) {
        return fail(Errc::os_error, "cannot open the named pipe's peer process to watch it",
                    static_cast<int>(GetLastError()));
    }
    return process;
}

} // namespace netipc::transports::windows
