#include "tools/cli/signals.h"

#include <pthread.h>

#include <cerrno>

namespace netipc::cli {

TerminationSignals::TerminationSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGHUP);
    (void)pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

int TerminationSignals::wait() const {
    int signal_number = 0;
    while (sigwait(&set_, &signal_number) != 0) {
    }
    return signal_number;
}

int TerminationSignals::wait_for(std::chrono::milliseconds timeout) const {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    const timespec limit{static_cast<time_t>(seconds.count()),
                         static_cast<long>(std::chrono::nanoseconds(timeout - seconds).count())};
    for (;;) {
        const int signal_number = sigtimedwait(&set_, nullptr, &limit);
        if (signal_number > 0) {
            return signal_number;
        }
        // EINTR: another signal's handler ran; wait again (rarely, a little
        // longer than asked).
        if (errno != EINTR) {
            return 0;
        }
    }
}

} // namespace netipc::cli
