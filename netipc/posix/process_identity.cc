#include "netipc/posix/process_identity.h"

#include <unistd.h>

namespace netipc::posix {

PeerIdentity this_process_identity() noexcept {
    // SO_PEERCRED records the effective ids at connect() time.
    return {static_cast<std::uint32_t>(::geteuid()), static_cast<std::uint32_t>(::getegid()),
            static_cast<std::int64_t>(::getpid())};
}

} // namespace netipc::posix
