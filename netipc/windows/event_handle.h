// The native type of an AbortSignal's waitable handle on Windows: a
// manual-reset event, signalled exactly while the signal is raised, so it can
// sit in a WaitForMultipleObjects() set beside an overlapped I/O event.
// Exposed to generic code as "netipc/platform/event_handle.h" (see
// netipc/BUILD.bazel).
//
// HANDLE is void* in <windows.h>; naming it here keeps <windows.h> out of
// every file that includes netipc/abort_signal.h. CreateEvent() reports
// failure with a null handle, so null is the invalid value.
#pragma once

namespace netipc::platform {

using EventHandle = void*;
inline constexpr EventHandle invalid_event_handle = nullptr;

} // namespace netipc::platform
