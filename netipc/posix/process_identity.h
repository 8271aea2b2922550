// This process's own credentials, in the terms of PeerIdentity: what a
// server's peer-credential check sees when this process connects (the
// effective user and group, and the process id). POSIX only.
#pragma once

#include "netipc/peer_identity.h"

namespace netipc::posix {

PeerIdentity this_process_identity() noexcept;

} // namespace netipc::posix
