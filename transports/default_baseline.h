// The platform's baseline transport: the one every session handshakes over
// and the one a Service uses unless it names another.
//
// Bazel builds the matching transport library for the target platform
// (select() in transports/BUILD.bazel); this header only names it.
#pragma once

#if defined(__linux__)
#include "transports/posix/uds_seqpacket.h"
#else
#error "netipc has no baseline transport for this platform yet"
#endif

namespace netipc::transports {

#if defined(__linux__)
// AF_UNIX SOCK_SEQPACKET, profile bit 0x01.
using DefaultBaseline = UdsSeqpacket;
#endif

static_assert(Transport<DefaultBaseline>);

} // namespace netipc::transports
