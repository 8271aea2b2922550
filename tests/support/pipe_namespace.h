// Tests on Windows: a run directory (for named pipes only a namespace string
// hashed into the pipe name) that no other test process uses, so tests that
// run at once never meet on a pipe name.
#pragma once

#include <windows.h>

#include <atomic>
#include <string>

#include "transports/service_address.h"

namespace netipc::testing {

// "netipc-test-{process id}-{n}", a new n on every call.
inline std::string unique_pipe_namespace() {
    static std::atomic<unsigned> next{0};
    return "netipc-test-" + std::to_string(::GetCurrentProcessId()) + "-"
           + std::to_string(next.fetch_add(1));
}

// A service address nobody in this or another test process uses.
inline transports::ServiceAddress unique_pipe_address(const std::string& service = "svc") {
    return {unique_pipe_namespace(), service};
}

} // namespace netipc::testing
