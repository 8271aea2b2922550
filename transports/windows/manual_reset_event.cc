#include "transports/windows/manual_reset_event.h"

#define WIN32_LEAN_AND_MEAN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

namespace netipc::transports::windows {

Result<UniqueHandle> create_manual_reset_event() noexcept {
    UniqueHandle event(CreateEventW(nullptr, TRUE, FALSE, nullptr));
    if (!event) {
        return fail(Errc::os_error, "CreateEventW failed for a connection's interrupt event",
                    static_cast<int>(GetLastError()));
    }
    return event;
}

void set_event(const UniqueHandle& event) noexcept {
    if (event) {
        SetEvent(event.get());
    }
}

} // namespace netipc::transports::windows
