#include "transports/windows/unique_handle.h"

#define WIN32_LEAN_AND_MEAN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

namespace netipc::transports::windows {

void UniqueHandle::reset(void* handle) noexcept {
    if (valid()) {
        CloseHandle(handle_);
    }
    handle_ = handle;
}

} // namespace netipc::transports::windows
