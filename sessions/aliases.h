// Named compositions of Session<Transport, Framing, Codec> for the common
// cases, so users write `netipc::IncrementSession` or
// `netipc::ShmSession<MyCodec>` instead of spelling out the policies.
#pragma once

#include "codecs/cgroups_snapshot.h"
#include "codecs/increment.h"
#include "codecs/string_reverse.h"
#include "framing/nipc.h"
#include "sessions/session.h"
#include "transports/default_baseline.h"
#include "transports/posix/shm_hybrid.h"

namespace netipc {

// The platform baseline (UDS SEQPACKET on Linux) with the NetIPC framing.
template <Codec C>
using BaselineSession = Session<transports::DefaultBaseline, framing::Nipc, C>;

// Handshake on the baseline, data through shared memory when the server
// agrees; otherwise the session stays on the baseline.
template <Codec C>
using ShmSession = Session<transports::ShmHybrid<transports::DefaultBaseline>, framing::Nipc, C>;

using IncrementSession = BaselineSession<codecs::Increment>;
using StringReverseSession = BaselineSession<codecs::StringReverse>;
using CgroupsSnapshotSession = BaselineSession<codecs::CgroupsSnapshot>;

using FastIncrementSession = ShmSession<codecs::Increment>;
using FastStringReverseSession = ShmSession<codecs::StringReverse>;
using FastCgroupsSnapshotSession = ShmSession<codecs::CgroupsSnapshot>;

} // namespace netipc
