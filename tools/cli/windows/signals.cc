#include "tools/cli/signals.h"

#define WIN32_LEAN_AND_MEAN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <atomic>

#include "tools/cli/windows/stop_event.h"

namespace netipc::cli {

namespace {

// The console handler runs on a thread of its own and can reach no object:
// these say where to report and what came.
std::atomic<HANDLE> console_stop_event{nullptr};
std::atomic<bool> stop_came_from_console{false};

BOOL WINAPI on_console_event(DWORD /*event*/) {
    stop_came_from_console.store(true);
    if (HANDLE event = console_stop_event.load(); event != nullptr) {
        SetEvent(event);
    }
    return TRUE; // handled: the process stops through its own clean path
}

} // namespace

TerminationSignals::TerminationSignals() {
    const std::wstring name = stop_event_name(GetCurrentProcessId());
    stop_event_ = CreateEventW(nullptr, TRUE, FALSE, name.c_str());
    console_stop_event.store(stop_event_);
    SetConsoleCtrlHandler(on_console_event, TRUE);
}

TerminationSignals::~TerminationSignals() {
    SetConsoleCtrlHandler(on_console_event, FALSE);
    console_stop_event.store(nullptr);
    if (stop_event_ != nullptr) {
        CloseHandle(stop_event_);
    }
}

int TerminationSignals::wait() const {
    return wait_for(std::chrono::milliseconds(INFINITE));
}

int TerminationSignals::wait_for(std::chrono::milliseconds timeout) const {
    if (stop_event_ == nullptr) {
        return 0;
    }
    const auto milliseconds =
        timeout.count() >= INFINITE ? INFINITE : static_cast<DWORD>(timeout.count());
    if (WaitForSingleObject(stop_event_, milliseconds) != WAIT_OBJECT_0) {
        return 0;
    }
    return stop_came_from_console.load() ? SIGINT : SIGTERM;
}

} // namespace netipc::cli
