// The default transports on Windows. Exposed to generic code as
// "transports/platform/defaults.h" and chosen by select() in
// transports/BUILD.bazel, like the POSIX ones (transports/posix/defaults.h).
//
// Only the baseline is named here: DefaultTransport, the baseline with the
// Windows shared-memory data plane, is defined together with that data plane
// (the Windows SHM transport), so until it is built, default_transport is a
// Linux-only target.
#pragma once

#include "transports/windows/named_pipe.h"

namespace netipc::transports {

// Win32 named pipes in message mode, profile bit 0x01.
using DefaultBaseline = NamedPipe;

} // namespace netipc::transports
