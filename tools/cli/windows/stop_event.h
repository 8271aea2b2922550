// The name of the event a Windows `netipc` process stops on: what SIGTERM is
// on POSIX. TerminationSignals creates it (tools/cli/windows/signals.h) and
// ChildProcess::signal() sets it, so a parent can stop its child cleanly.
// Per process (its id), in the session's Local\ namespace.
#pragma once

#include <string>

namespace netipc::cli {

inline std::wstring stop_event_name(unsigned long pid) {
    return L"Local\\netipc-stop-" + std::to_wstring(pid);
}

} // namespace netipc::cli
