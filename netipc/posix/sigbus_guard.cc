#include "netipc/posix/sigbus_guard.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <utility>

namespace netipc::posix {

namespace {

// One guarded range. `state` says whether the other fields describe a live
// registration: the handler reads them only in `active`, a registration
// writes them only in `claimed`.
struct Entry {
    enum : std::uint32_t { free, claimed, active };
    std::atomic<std::uint32_t> state{free};
    std::atomic<std::uintptr_t> begin{0};
    std::atomic<std::uintptr_t> end{0};
    std::atomic<bool> poisoned{false};
};

static_assert(std::atomic<std::uintptr_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(std::atomic<bool>::is_always_lock_free);

// NOLINTBEGIN(cppcoreguidelines-avoid-non-const-global-variables): the
// handler can reach only globals.
std::array<Entry, sigbus_guard_capacity> entries;
// The handler that was installed before ours; written once, before ours is
// installed, and only read afterwards.
struct sigaction previous_action{};
std::mutex install_mutex;
bool installed = false; // guarded by install_mutex
// NOLINTEND(cppcoreguidelines-avoid-non-const-global-variables)

// Runs the handler that was there before the guard, or the default action.
void chain(int signal, siginfo_t* info, void* context) noexcept {
    const bool sent = info == nullptr || info->si_code <= 0; // kill(), raise(), sigqueue()
    if ((previous_action.sa_flags & SA_SIGINFO) != 0) {
        if (previous_action.sa_sigaction != nullptr) {
            previous_action.sa_sigaction(signal, info, context);
        }
        return;
    }
    if (previous_action.sa_handler == SIG_IGN && sent) {
        return;
    }
    if (previous_action.sa_handler == SIG_DFL || previous_action.sa_handler == SIG_IGN) {
        // The default action, as without the guard: a fault re-runs the
        // faulting access once the handler returns and faults again; a sent
        // signal is sent again and is delivered once the handler returns
        // (SIGBUS is blocked while it runs). A fault cannot be ignored.
        struct sigaction default_action{};
        default_action.sa_handler = SIG_DFL;
        (void)::sigaction(SIGBUS, &default_action, nullptr);
        if (sent) {
            (void)::raise(SIGBUS);
        }
        return;
    }
    previous_action.sa_handler(signal);
}

// Replaces [begin, end) with private zero pages. A raw system call: no
// sanitizer interceptor runs inside the signal handler.
bool map_zero_pages(std::uintptr_t begin, std::uintptr_t end) noexcept {
    const long mapped = ::syscall(SYS_mmap, begin, end - begin, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    return mapped == static_cast<long>(begin);
}

void on_sigbus(int signal, siginfo_t* info, void* context) noexcept {
    const int saved_errno = errno;
    // Only a fault has a meaningful address (si_code > 0, BUS_ADRERR for an
    // access past the end of the mapped file).
    if (info != nullptr && info->si_code > 0) {
        const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
        for (Entry& entry : entries) {
            if (entry.state.load(std::memory_order_acquire) != Entry::active) {
                continue;
            }
            const std::uintptr_t begin = entry.begin.load(std::memory_order_relaxed);
            const std::uintptr_t end = entry.end.load(std::memory_order_relaxed);
            if (address < begin || address >= end) {
                continue;
            }
            if (map_zero_pages(begin, end)) {
                entry.poisoned.store(true, std::memory_order_release);
                errno = saved_errno;
                return;
            }
            break; // cannot repair it: as if unguarded
        }
    }
    chain(signal, info, context);
    errno = saved_errno;
}

// Installs on_sigbus once per process; 0 or the errno of sigaction().
int install_handler() noexcept {
    const std::lock_guard lock(install_mutex);
    if (installed) {
        return 0;
    }
    struct sigaction action{};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&action.sa_mask);
    // previous_action is only read by the handler, which is not installed
    // yet: fill it in first.
    if (::sigaction(SIGBUS, nullptr, &previous_action) != 0) {
        return errno;
    }
    if (::sigaction(SIGBUS, &action, nullptr) != 0) {
        return errno;
    }
    installed = true;
    return 0;
}

} // namespace

Result<SigbusGuardedRange> SigbusGuardedRange::guard(void* begin, std::size_t length) noexcept {
    if (begin == nullptr || length == 0) {
        return fail(Errc::invalid_argument, "a SIGBUS guard needs a non-empty mapped range");
    }
    if (const int err = install_handler(); err != 0) {
        return fail(Errc::os_error, "installing the SIGBUS handler failed", err);
    }
    const long page = ::sysconf(_SC_PAGESIZE);
    const auto page_size = static_cast<std::uintptr_t>(page > 0 ? page : 4096);
    const auto first = reinterpret_cast<std::uintptr_t>(begin);
    // A mapping covers whole pages, and so does the replacement.
    const std::uintptr_t last = (first + length + page_size - 1) / page_size * page_size;
    for (std::size_t slot = 0; slot < entries.size(); ++slot) {
        Entry& entry = entries[slot];
        std::uint32_t expected = Entry::free;
        if (!entry.state.compare_exchange_strong(expected, Entry::claimed,
                                                 std::memory_order_acquire)) {
            continue;
        }
        entry.begin.store(first, std::memory_order_relaxed);
        entry.end.store(last, std::memory_order_relaxed);
        entry.poisoned.store(false, std::memory_order_relaxed);
        entry.state.store(Entry::active, std::memory_order_release);
        return SigbusGuardedRange(slot);
    }
    return fail(Errc::limit_exceeded, "too many mappings under the SIGBUS guard");
}

SigbusGuardedRange::SigbusGuardedRange(SigbusGuardedRange&& other) noexcept
    : slot_(std::exchange(other.slot_, no_slot)) {}

SigbusGuardedRange& SigbusGuardedRange::operator=(SigbusGuardedRange&& other) noexcept {
    if (this != &other) {
        release();
        slot_ = std::exchange(other.slot_, no_slot);
    }
    return *this;
}

SigbusGuardedRange::~SigbusGuardedRange() {
    release();
}

bool SigbusGuardedRange::poisoned() const noexcept {
    return slot_ != no_slot && entries[slot_].poisoned.load(std::memory_order_acquire);
}

void SigbusGuardedRange::release() noexcept {
    if (slot_ == no_slot) {
        return;
    }
    Entry& entry = entries[std::exchange(slot_, no_slot)];
    entry.state.store(Entry::claimed, std::memory_order_release);
    entry.begin.store(0, std::memory_order_relaxed);
    entry.end.store(0, std::memory_order_relaxed);
    entry.state.store(Entry::free, std::memory_order_release);
}

} // namespace netipc::posix
