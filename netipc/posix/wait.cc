#include "netipc/posix/wait.h"

#include <poll.h>

#include <array>
#include <cerrno>

#include "netipc/posix/poll_timeout.h"

namespace netipc::posix {

Result<void> wait_for(int fd, short events, Deadline deadline, const AbortSignal* abort) {
    std::array<pollfd, 2> entries{};
    entries[0] = pollfd{fd, events, 0};
    nfds_t count = 1;
    if (abort != nullptr) {
        // Readable exactly while the signal is raised: a raise() from another
        // thread ends the poll at once.
        entries[1] = pollfd{abort->native_handle(), POLLIN, 0};
        count = 2;
    }
    for (;;) {
        if (raised(abort)) {
            return fail(Errc::aborted, "abort signal raised");
        }
        const int ready = ::poll(entries.data(), count, poll_timeout_ms(deadline));
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail(Errc::os_error, "poll() failed", errno);
        }
        if (count == 2 && entries[1].revents != 0) {
            return fail(Errc::aborted, "abort signal raised");
        }
        if (entries[0].revents != 0) {
            return {};
        }
        // poll() rounds its timeout up, so a zero return means the deadline
        // has passed; the check guards against an early wake-up anyway.
        if (deadline.expired()) {
            return fail(Errc::timeout, "deadline passed");
        }
    }
}

} // namespace netipc::posix
