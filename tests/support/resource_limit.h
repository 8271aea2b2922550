// RAII guards for process-wide resource limits in tests. A limit is lowered
// for as long as the guard lives and put back by its destructor, also when
// an assertion ends the test early, so no later test runs under it.
// Linux/POSIX only.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>

#include "tests/support/waiting_threads.h"

namespace netipc::testing {

// Lowers the soft limit of `resource` (RLIMIT_FSIZE, RLIMIT_NOFILE, ...).
class ResourceLimit {
public:
    ResourceLimit(int resource, rlim_t soft) : resource_(resource) {
        if (::getrlimit(resource_, &previous_) != 0) {
            return;
        }
        rlimit lowered = previous_;
        lowered.rlim_cur = soft;
        active_ = ::setrlimit(resource_, &lowered) == 0;
    }
    ResourceLimit(const ResourceLimit&) = delete;
    ResourceLimit& operator=(const ResourceLimit&) = delete;
    ResourceLimit(ResourceLimit&&) = delete;
    ResourceLimit& operator=(ResourceLimit&&) = delete;
    ~ResourceLimit() {
        if (active_) {
            (void)::setrlimit(resource_, &previous_);
        }
    }

    [[nodiscard]] bool active() const noexcept { return active_; }

private:
    int resource_;
    rlimit previous_{};
    bool active_ = false;
};

// RLIMIT_FSIZE lowered to `bytes`, with SIGXFSZ ignored meanwhile: a write or
// fallocate() beyond the limit then fails with EFBIG instead of killing the
// process.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        struct sigaction ignore{};
        ignore.sa_handler = SIG_IGN;
        ignoring_ = ::sigaction(SIGXFSZ, &ignore, &previous_action_) == 0;
        if (ignoring_) {
            limit_.emplace(RLIMIT_FSIZE, bytes);
        }
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;
    FileSizeLimit(FileSizeLimit&&) = delete;
    FileSizeLimit& operator=(FileSizeLimit&&) = delete;
    ~FileSizeLimit() {
        limit_.reset(); // the limit goes before the signal action comes back
        if (ignoring_) {
            (void)::sigaction(SIGXFSZ, &previous_action_, nullptr);
        }
    }

    [[nodiscard]] bool active() const noexcept { return limit_ && limit_->active(); }

private:
    struct sigaction previous_action_{};
    bool ignoring_ = false;
    std::optional<ResourceLimit> limit_; // made only once SIGXFSZ is ignored
};

// The lowest descriptor number free right now (open() takes the lowest),
// or -1 if none could be opened: with RLIMIT_NOFILE set to it, this process
// cannot make one more descriptor.
inline int lowest_free_descriptor() {
    const int probe = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (probe >= 0) {
        ::close(probe);
    }
    return probe;
}

// RLIMIT_NOFILE lowered so that only `spare` more descriptors can be made
// (0: none), for tests of descriptor exhaustion (EMFILE).
//
// The limit caps descriptor numbers, so it is set from the lowest free one,
// and that is counted only once every other thread waits in the kernel (see
// waiting_threads.h, and what its users must keep true while the limit
// stands): a thread caught making or closing a descriptor would leave a
// number free that the count took as used. If other threads keep running
// for 30 s, or this cannot be known, no limit is set (active() is false)
// and stderr says why.
//
// Make no Catch assertion while the limit stands where it can be avoided:
// under UBSan (--config=asan) a vptr check probes memory through a pipe(),
// which fails at EMFILE and reads as an invalid object. The tests keep what
// they check in locals and assert after the guard is gone.
class DescriptorLimit {
public:
    explicit DescriptorLimit(int spare = 0) {
        const auto waiting = wait_until_other_threads_wait(std::chrono::seconds(30));
        if (!waiting) {
            refuse("the threads' states cannot be read from /proc/self/task");
            return;
        }
        if (!*waiting) {
            refuse("other threads of this process kept running for 30 s");
            return;
        }
        const int lowest_free = lowest_free_descriptor();
        if (lowest_free < 0) {
            refuse("no descriptor could be opened to find the lowest free one");
            return;
        }
        limit_.emplace(RLIMIT_NOFILE, static_cast<rlim_t>(lowest_free + spare));
    }

    [[nodiscard]] bool active() const noexcept { return limit_ && limit_->active(); }

private:
    static void refuse(const char* why) {
        (void)std::fprintf(stderr, "DescriptorLimit: no limit set: %s\n", why);
    }

    std::optional<ResourceLimit> limit_;
};

} // namespace netipc::testing
