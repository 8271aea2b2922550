// Optional transport capability: checking, without waiting, that a
// connection is idle and its peer still there.
//
//   check_idle()  returns at once: success while nothing has arrived and the
//                 peer still holds its end; Errc::disconnected once the peer
//                 closed (or interrupt() was called); Errc::protocol_violation
//                 when a packet is waiting.
//
// A data plane that runs beside a packet connection (transports::ShmHybrid)
// needs it: the connection must stay silent while the data plane carries the
// session, and its end is how the data plane learns that the peer left.
#pragma once

#include <concepts>

#include "netipc/concepts/transport.h"
#include "netipc/error.h"

namespace netipc {

template <class C>
concept IdleCheck = PacketConnection<C> && requires(C& connection) {
    { connection.check_idle() } -> std::same_as<Result<void>>;
};

} // namespace netipc
