// Waiting for a managed server's counters to reach a state. A server counts
// an event after the client saw its effect (an answer, a refusal), so a test
// that checks a counter waits for it first. No bound of its own: a state
// that never comes is the test's timeout (or its Watchdog).
#pragma once

#include <chrono>
#include <thread>

namespace netipc::testing {

// Returns once `done(server.stats())` holds.
template <class Server, class Done>
void wait_for_stats(const Server& server, Done done) {
    while (!done(server.stats())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

} // namespace netipc::testing
