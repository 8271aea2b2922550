// An unnamed manual-reset event: once set it stays set, so every wait that
// includes it (now or later) ends. WinShm uses one per connection for
// interrupt(), which may come from any thread.
#pragma once

#include "netipc/error.h"
#include "transports/windows/unique_handle.h"

namespace netipc::transports::windows {

// Errc::os_error with the Windows error code when no event can be made.
Result<UniqueHandle> create_manual_reset_event() noexcept;

// Sets the event; harmless on an empty handle.
void set_event(const UniqueHandle& event) noexcept;

} // namespace netipc::transports::windows
