// tests/support/waiting_threads.h, which DescriptorLimit relies on to count
// free descriptors only while no other thread is making or closing one.
#include "tests/support/waiting_threads.h"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <latch>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using netipc::testing::other_threads_wait;
using netipc::testing::wait_until_other_threads_wait;

TEST_CASE("a thread blocked on a latch counts as waiting", "[support]") {
    std::latch release(1);
    std::jthread blocked([&] { release.wait(); });
    // Bounded only in case the helper is broken: the thread blocks at once.
    CHECK(wait_until_other_threads_wait(30s) == true);
    release.count_down();
}

TEST_CASE("a thread that runs does not count as waiting", "[support]") {
    std::atomic<bool> spinning = false;
    std::atomic<bool> stop = false;
    std::jthread runner([&] {
        spinning = true;
        while (!stop) {
        }
    });
    while (!spinning) {
    }
    // It never enters the kernel to wait from here on: whether it runs or
    // waits for a CPU, its state is R.
    const auto waiting = other_threads_wait();
    REQUIRE(waiting.has_value());
    CHECK_FALSE(*waiting);
    CHECK(wait_until_other_threads_wait(5ms) == false);
    stop = true;
}

TEST_CASE("a thread asleep in a blocking accept does not count as waiting", "[support]") {
    // Asleep (state S), but in accept4(), which holds a descriptor number
    // while it waits: the system call decides, not the state alone.
    const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    // An abstract address (leading NUL): no file, unique to this process.
    const std::string name = "netipc-waiting-threads-" + std::to_string(::getpid());
    std::memcpy(address.sun_path + 1, name.data(), name.size());
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    REQUIRE(::bind(listener, reinterpret_cast<const sockaddr*>(&address), length) == 0);
    REQUIRE(::listen(listener, 1) == 0);

    std::atomic<pid_t> acceptor_tid = 0;
    std::jthread acceptor([&] {
        acceptor_tid = ::gettid();
        const int accepted = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (accepted >= 0) {
            ::close(accepted);
        }
    });
    while (acceptor_tid == 0) {
    }
    // Wait (bounded) until it sleeps inside accept4().
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    bool in_accept = false;
    while (!in_accept && std::chrono::steady_clock::now() < give_up) {
        const auto state = netipc::testing::thread_state(acceptor_tid);
        const auto call = netipc::testing::waiting_threads_detail::current_call(acceptor_tid);
        in_accept = state == 'S' && call == SYS_accept4;
        std::this_thread::sleep_for(1ms);
    }
    REQUIRE(in_accept);
    const auto waiting = other_threads_wait();
    REQUIRE(waiting.has_value());
    CHECK_FALSE(*waiting);

    // A connection ends the accept.
    const int client = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(client >= 0);
    CHECK(::connect(client, reinterpret_cast<const sockaddr*>(&address), length) == 0);
    ::shutdown(listener, SHUT_RDWR); // ends the accept should the connect have failed
    acceptor.join();
    ::close(client);
    ::close(listener);
}

TEST_CASE("with no other thread, the process counts as waiting", "[support]") {
    // Bounded, not a single look: a sanitizer's background thread wakes now
    // and then.
    CHECK(wait_until_other_threads_wait(30s) == true);
}
