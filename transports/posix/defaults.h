// The default transports on POSIX (Linux) systems. Exposed to generic code
// as "transports/platform/defaults.h" and chosen by select() in
// transports/BUILD.bazel; the Windows transports provide their own.
#pragma once

#include "transports/posix/shm_hybrid.h"
#include "transports/posix/uds_seqpacket.h"

namespace netipc::transports {

// AF_UNIX SOCK_SEQPACKET, profile bit 0x01.
using DefaultBaseline = UdsSeqpacket;

// Profiles 0x01 (baseline) and 0x02 (SHM_HYBRID): the baseline socket for
// the handshake, a shared-memory region for the data when both agree.
using DefaultTransport = ShmHybrid<DefaultBaseline>;

} // namespace netipc::transports
