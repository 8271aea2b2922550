#include "tools/cli/this_process.h"

#define WIN32_LEAN_AND_MEAN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <array>

namespace netipc::cli {

std::string this_program_path() {
    std::array<wchar_t, 32768> buffer{};
    const DWORD length =
        GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (length == 0 || length >= buffer.size()) {
        return {};
    }
    const int bytes = WideCharToMultiByte(CP_UTF8, 0, buffer.data(), static_cast<int>(length),
                                          nullptr, 0, nullptr, nullptr);
    std::string path(static_cast<std::size_t>(bytes > 0 ? bytes : 0), '\0');
    WideCharToMultiByte(CP_UTF8, 0, buffer.data(), static_cast<int>(length), path.data(), bytes,
                        nullptr, nullptr);
    return path;
}

unsigned long this_process_id() noexcept {
    return GetCurrentProcessId();
}

std::optional<PeerIdentity> this_process_credentials() noexcept {
    // Windows has no uid/gid, and the Windows transports make no
    // peer-credential check that would see them.
    return std::nullopt;
}

} // namespace netipc::cli
