// The SIGBUS guard (netipc/posix/sigbus_guard.h) and every SIGBUS that is
// not its own: one outside all guarded mappings, or one sent with kill(),
// goes where it would have gone without the guard (the host's handler, or
// the default action that ends the process with SIGBUS).
//
// Each case runs in a forked child that sets up its SIGBUS disposition
// before the guard's handler is installed. The handler is installed once per
// process, so this test process itself must never guard a range (the
// in-process cases live in sigbus_guard_test).
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>

#include <catch2/catch.hpp>

#include "netipc/posix/sigbus_guard.h"
#include "tests/support/child_exit.h"
#include "tests/transport/shm_test_support.h"
#include "tests/transport/sigbus_test_support.h"

using netipc::posix::SigbusGuardedRange;
using shm_test::TempDir;
using sigbus_test::mapping_size;
using sigbus_test::SharedFileMapping;

namespace {

// How far a child got, in a page it shares with the parent: a child that
// dies of SIGBUS cannot say so with its exit code.
enum Progress : int { started = 0, guarded_fault_absorbed = 1 };

struct ChildOutcome {
    int status = 0;    // as from waitpid()
    int progress = -1; // a Progress value
};

// Runs `body(progress)` in a forked child (no core file).
template <class Body>
ChildOutcome in_child(Body body) {
    void* shared = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    auto* progress = static_cast<volatile int*>(shared);
    *progress = started;
    const pid_t child = ::fork();
    if (child == 0) {
        const rlimit no_core{0, 0};
        (void)::setrlimit(RLIMIT_CORE, &no_core);
        body(*progress);
        netipc::testing::exit_child(0);
    }
    ChildOutcome outcome;
    const bool forked = child > 0;
    const bool waited = forked && ::waitpid(child, &outcome.status, 0) == child;
    outcome.progress = *progress;
    (void)::munmap(shared, 4096);
    REQUIRE(forked);
    REQUIRE(waited);
    return outcome;
}

// The child's own exit codes.
constexpr int host_handler_ran = 42;
constexpr int setup_failed = 10;
constexpr int guarded_fault_escaped = 11;

// NOLINTBEGIN(cppcoreguidelines-avoid-non-const-global-variables): read by
// the host's signal handler. The child's guarded range.
volatile std::uintptr_t guarded_begin = 0;
volatile std::uintptr_t guarded_end = 0;
// NOLINTEND(cppcoreguidelines-avoid-non-const-global-variables)

// A host application's handler. A fault the guard should have absorbed
// reaching it is a failure of its own.
void exit_from_host_handler(int /*signal*/, siginfo_t* info, void* /*context*/) {
    const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
    if (info->si_code > 0 && address >= guarded_begin && address < guarded_end) {
        netipc::testing::exit_child(guarded_fault_escaped);
    }
    netipc::testing::exit_child(host_handler_ran);
}

void install_host_handler() {
    struct sigaction host{};
    host.sa_sigaction = exit_from_host_handler;
    host.sa_flags = SA_SIGINFO;
    if (::sigaction(SIGBUS, &host, nullptr) != 0) {
        netipc::testing::exit_child(setup_failed);
    }
}

void install_default_action() {
    struct sigaction default_action{};
    default_action.sa_handler = SIG_DFL;
    if (::sigaction(SIGBUS, &default_action, nullptr) != 0) {
        netipc::testing::exit_child(setup_failed);
    }
}

// In a child: guards one truncated mapping and faults on it (which must be
// absorbed), then faults on an unguarded truncated mapping.
void guarded_then_foreign_fault(const TempDir& dir, volatile int& progress) {
    SharedFileMapping guarded(dir.file("guarded"));
    SharedFileMapping foreign(dir.file("foreign"));
    if (!guarded.ok() || !foreign.ok()) {
        netipc::testing::exit_child(setup_failed);
    }
    guarded_begin = reinterpret_cast<std::uintptr_t>(guarded.address());
    guarded_end = guarded_begin + mapping_size;
    auto guard = SigbusGuardedRange::guard(guarded.address(), mapping_size);
    if (!guard || !guarded.truncate(0) || !foreign.truncate(0)) {
        netipc::testing::exit_child(setup_failed);
    }
    guarded.bytes()[0] = 1; // absorbed by the guard
    if (!guard->poisoned()) {
        netipc::testing::exit_child(guarded_fault_escaped);
    }
    progress = guarded_fault_absorbed;
    (void)foreign.bytes()[0]; // not ours
}

// In a child: guards a mapping (installing the guard), then sends itself
// SIGBUS.
void guarded_then_sent_signal(const TempDir& dir) {
    SharedFileMapping guarded(dir.file("guarded"));
    if (!guarded.ok() || !SigbusGuardedRange::guard(guarded.address(), mapping_size)) {
        netipc::testing::exit_child(setup_failed);
    }
    (void)::kill(::getpid(), SIGBUS);
}

} // namespace

TEST_CASE("a SIGBUS outside every guarded mapping reaches the host's own handler",
          "[posix][sigbus]") {
    const TempDir dir;
    SECTION("a fault") {
        const auto outcome = in_child([&](volatile int& progress) {
            install_host_handler();
            guarded_then_foreign_fault(dir, progress);
        });
        CHECK(outcome.progress == guarded_fault_absorbed);
        REQUIRE(WIFEXITED(outcome.status));
        CHECK(WEXITSTATUS(outcome.status) == host_handler_ran);
    }
    SECTION("a signal sent with kill()") {
        const auto outcome = in_child([&](volatile int& /*progress*/) {
            install_host_handler();
            guarded_then_sent_signal(dir);
        });
        REQUIRE(WIFEXITED(outcome.status));
        CHECK(WEXITSTATUS(outcome.status) == host_handler_ran);
    }
}

TEST_CASE("without a host handler a foreign SIGBUS still ends the process as SIGBUS",
          "[posix][sigbus]") {
    const TempDir dir;
    SECTION("a fault") {
        const auto outcome = in_child([&](volatile int& progress) {
            install_default_action();
            guarded_then_foreign_fault(dir, progress);
        });
        CHECK(outcome.progress == guarded_fault_absorbed);
        REQUIRE(WIFSIGNALED(outcome.status));
        CHECK(WTERMSIG(outcome.status) == SIGBUS);
    }
    SECTION("a signal sent with kill()") {
        const auto outcome = in_child([&](volatile int& /*progress*/) {
            install_default_action();
            guarded_then_sent_signal(dir);
        });
        REQUIRE(WIFSIGNALED(outcome.status));
        CHECK(WTERMSIG(outcome.status) == SIGBUS);
    }
}

namespace {

// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): set by the handler
volatile std::sig_atomic_t plain_handler_calls = 0;

// The child's exit code when it lived on past the signal.
constexpr int lived_on = 43;

void count_in_plain_handler(int /*signal*/) {
    plain_handler_calls = plain_handler_calls + 1;
}

void install_plain_action(void (*handler)(int)) {
    struct sigaction plain{};
    plain.sa_handler = handler; // no SA_SIGINFO: the one-argument form
    if (::sigaction(SIGBUS, &plain, nullptr) != 0) {
        netipc::testing::exit_child(setup_failed);
    }
}

} // namespace

TEST_CASE("a sent SIGBUS reaches a host's one-argument handler, and one it ignores stays ignored",
          "[posix][sigbus]") {
    const TempDir dir;
    SECTION("a one-argument handler runs and the process goes on") {
        const auto outcome = in_child([&](volatile int& /*progress*/) {
            install_plain_action(count_in_plain_handler);
            guarded_then_sent_signal(dir); // delivered before kill() returns
            netipc::testing::exit_child(plain_handler_calls == 1 ? host_handler_ran : 0);
        });
        REQUIRE(WIFEXITED(outcome.status));
        CHECK(WEXITSTATUS(outcome.status) == host_handler_ran);
    }
    SECTION("an ignored SIGBUS sent with kill() stays ignored") {
        const auto outcome = in_child([&](volatile int& /*progress*/) {
            install_plain_action(SIG_IGN);
            guarded_then_sent_signal(dir);
            netipc::testing::exit_child(lived_on);
        });
        REQUIRE(WIFEXITED(outcome.status));
        CHECK(WEXITSTATUS(outcome.status) == lived_on);
    }
}
