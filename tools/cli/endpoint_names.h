// How this platform's endpoints and transports are named for people: the
// socket path or pipe name a service address stands for, and what the
// baseline and the shared-memory data plane are called. One implementation
// per platform (posix/, windows/); the commands print these and stay
// generic.
#pragma once

#include <string>
#include <string_view>

#include "transports/service_address.h"

namespace netipc::cli {

// The socket path (POSIX) or pipe name (Windows) of `address`, or, for an
// address that names none (an invalid service name), a best-effort text.
std::string describe_endpoint(const transports::ServiceAddress& address);

// "UDS SEQPACKET" or "Named Pipe".
std::string_view baseline_transport_name() noexcept;

// "SHM_HYBRID" on both: the shared-memory profile `--transport shm` offers.
std::string_view shm_transport_name() noexcept;

} // namespace netipc::cli
