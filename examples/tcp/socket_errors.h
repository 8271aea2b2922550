// The one place the TCP example turns errno into netipc's vocabulary, so
// connect, accept, send and receive agree on what a peer that went away or
// an address nobody serves looks like.
#pragma once

#include "netipc/error.h"

namespace netipc::examples {

// `what` names the failing call (a static string, as Error::detail must be);
// `error` is the errno it left.
std::unexpected<Error> socket_failure(const char* what, int error) noexcept;

// The errno values that mean the peer is gone (reset, closed, or our own end
// shut down by interrupt()).
bool is_peer_gone(int error) noexcept;

} // namespace netipc::examples
