// The default transports on Windows. Exposed to generic code as
// "transports/platform/defaults.h" and chosen by select() in
// transports/BUILD.bazel, like the POSIX ones (transports/posix/defaults.h).
#pragma once

#include "transports/windows/named_pipe.h"
#include "transports/windows/win_shm.h"

namespace netipc::transports {

// Win32 named pipes in message mode, profile bit 0x01.
using DefaultBaseline = NamedPipe;

// Profiles 0x01 (baseline) and 0x02 (SHM_HYBRID): the pipe for the
// handshake, a per-session shared-memory region for the data when both
// agree. SHM_BUSYWAIT is never a default (WinShmBusyWait names it).
using DefaultTransport = WinShm<DefaultBaseline>;

} // namespace netipc::transports
