// AbortSignal on Windows: a manual-reset event. raise() sets it and clear()
// resets it, so the event is signalled exactly while the signal is raised and
// any number of waiters see it until it is cleared.
#include <windows.h>

#include <type_traits>

#include "netipc/abort_signal.h"

namespace netipc {

static_assert(std::is_same_v<platform::EventHandle, HANDLE>,
              "netipc/windows/event_handle.h must name the HANDLE type");

Result<AbortSignal> AbortSignal::create() noexcept {
    HANDLE event = ::CreateEventW(nullptr, /*bManualReset=*/TRUE, /*bInitialState=*/FALSE, nullptr);
    if (event == nullptr) {
        return fail(Errc::os_error, "CreateEvent() for the abort signal failed",
                    static_cast<int>(::GetLastError()));
    }
    return AbortSignal(event);
}

void AbortSignal::reset() noexcept {
    if (handle_ != platform::invalid_event_handle) {
        ::CloseHandle(handle_);
        handle_ = platform::invalid_event_handle;
    }
    raised_.store(false, std::memory_order_release);
}

void AbortSignal::raise() noexcept {
    if (handle_ == platform::invalid_event_handle) {
        return; // moved-from: inert
    }
    raised_.store(true, std::memory_order_release);
    (void)::SetEvent(handle_);
}

void AbortSignal::clear() noexcept {
    raised_.store(false, std::memory_order_release);
    if (handle_ == platform::invalid_event_handle) {
        return; // moved-from
    }
    (void)::ResetEvent(handle_);
}

} // namespace netipc
