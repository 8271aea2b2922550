// The platform's default transport for Level 2 services: the baseline
// socket for the handshake, with the platform's shared-memory data plane
// available when both peers offer it (configuration may narrow it back to
// the baseline alone).
//
// Bazel builds the matching libraries for the target platform; this header
// only names the composition.
#pragma once

#include "transports/default_baseline.h"

#if defined(__linux__)
#include "transports/posix/shm_hybrid.h"
#endif

namespace netipc::transports {

#if defined(__linux__)
// Profiles 0x01 (baseline) and 0x02 (SHM_HYBRID).
using DefaultTransport = ShmHybrid<DefaultBaseline>;
#endif

static_assert(Transport<DefaultTransport>);

} // namespace netipc::transports
