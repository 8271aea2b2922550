// Runs the server side of a Session on its own thread for a fixed number of
// requests, for tests whose client runs on the test thread. Catch2
// assertions are not thread-safe, so the thread only records what happened
// and the test checks it after join().
#pragma once

#include <optional>
#include <thread>

#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/session_parameters.h"

namespace netipc::testing {

template <class SessionType, class Handler>
class ServerThread {
public:
    using Listener = typename SessionType::TransportType::Listener;
    using Config = ServerHandshakeConfig;

    ServerThread(Listener listener, Config config, int requests, Handler handler,
                 Deadline deadline = Deadline::after(std::chrono::seconds(30)))
        : listener_(std::move(listener)) {
        thread_ = std::thread([this, config, requests, handler, deadline]() mutable {
            auto session = SessionType::accept(listener_, config, 1, deadline);
            if (!session) {
                error_ = session.error().code;
                return;
            }
            over_shm_ = session->data_plane_active();
            for (int i = 0; i < requests; ++i) {
                if (auto served = session->serve_one(handler, deadline); !served) {
                    error_ = served.error().code;
                    return;
                }
            }
        });
    }
    ServerThread(const ServerThread&) = delete;
    ServerThread& operator=(const ServerThread&) = delete;
    ~ServerThread() { join(); }

    // Waits for the server and returns its first error, if any.
    std::optional<Errc> join() {
        if (thread_.joinable()) {
            thread_.join();
        }
        return error_;
    }
    // Valid after join(): whether the session's data went through SHM.
    [[nodiscard]] bool served_over_shm() const { return over_shm_; }

private:
    Listener listener_;
    std::thread thread_;
    std::optional<Errc> error_;
    bool over_shm_ = false;
};

} // namespace netipc::testing
