// The native type of an AbortSignal's waitable handle on POSIX systems: an
// eventfd descriptor, readable exactly while the signal is raised, so it can
// sit in a poll() set beside a socket. Exposed to generic code as
// "netipc/platform/event_handle.h" (see netipc/BUILD.bazel).
#pragma once

namespace netipc::platform {

using EventHandle = int;
inline constexpr EventHandle invalid_event_handle = -1;

} // namespace netipc::platform
