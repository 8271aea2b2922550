// `netipc.exe` end to end on Windows (under wine on Linux): a provider
// started with `serve`, answered by `call` and `probe` over the Named Pipe
// and over SHM, stopped through its stop event; then the whole `demo`.
// Every wait is bounded by a generous timeout and ended by the program's own
// output or exit, never by a sleep.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/runfiles.h"
#include "tools/cli/child_process.h"

using namespace std::chrono_literals;
using netipc::cli::ChildProcess;

namespace {

constexpr auto run_timeout = 60s;

template <class T>
T required(std::optional<T> value) {
    REQUIRE(value.has_value());
    if (!value) {
        throw std::logic_error("REQUIRE did not stop the test"); // never reached
    }
    return std::move(*value);
}

std::string netipc_binary() {
    return netipc::testing::built_program("tools/netipc");
}

// A namespace (the Windows --run-dir) no other run of this test shares.
std::string fresh_namespace() {
    std::random_device entropy;
    return "netipc-e2e-" + std::to_string(entropy()) + std::to_string(entropy());
}

struct Outcome {
    int status = -1;
    std::string out;
    std::string err;
};

Outcome run(const std::vector<std::string>& arguments) {
    auto child = ChildProcess::spawn(netipc_binary(), arguments, true);
    REQUIRE(child);
    const auto exit = required(child->wait(run_timeout));
    return {exit.code, child->out(), child->err()};
}

std::vector<std::string> operator+(std::vector<std::string> head,
                                   const std::vector<std::string>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

// Output with the carriage returns of Windows text mode removed.
std::string lines_of(std::string text) {
    std::erase(text, '\r');
    return text;
}

} // namespace

TEST_CASE("netipc.exe serve answers call and probe over the Named Pipe and over SHM",
          "[cli][e2e][windows]") {
    const std::vector<std::string> at{"--run-dir", fresh_namespace(), "--service", "inc"};
    auto provider = ChildProcess::spawn(netipc_binary(),
                                        std::vector<std::string>{"serve", "increment"} + at, true);
    REQUIRE(provider);
    const auto ready = provider->read_line(run_timeout);
    INFO("provider stderr: " << provider->err());
    REQUIRE(ready == std::optional<std::string>("READY"));

    for (const std::string transport : {"baseline", "shm"}) {
        CAPTURE(transport);
        const std::vector<std::string> over{"--transport", transport};
        const auto answer =
            run(std::vector<std::string>{"call", "increment", "--value", "41"} + at + over);
        INFO("stderr: " << answer.err);
        CHECK(answer.status == 0);
        CHECK(lines_of(answer.out) == "42\n");

        const auto probe = run(std::vector<std::string>{"probe"} + at + over);
        INFO(probe.out);
        CHECK(probe.status == 0);
        CHECK(probe.out.find("\\\\.\\pipe\\netipc-") != std::string::npos);
        CHECK(probe.out.find(transport == "shm" ? "profile      shm-hybrid (0x02)"
                                                : "profile      baseline (0x01)")
              != std::string::npos);
    }

    // Nothing listens under another namespace: a clear failure, not a hang.
    const auto elsewhere = run(
        {"call", "increment", "--value", "1", "--run-dir", fresh_namespace(), "--service", "inc"});
    CHECK(elsewhere.status != 0);
    CHECK(elsewhere.err.find("cannot connect") != std::string::npos);

    REQUIRE(provider->signal(SIGTERM));
    const auto stopped = required(provider->wait(run_timeout));
    CHECK(stopped.exited_with(0));
}

TEST_CASE("netipc.exe demo runs over the Named Pipe and SHM and cleans up",
          "[cli][e2e][windows][demo]") {
    const auto outcome = run({"demo", "--throughput-ms", "50"});
    INFO("stdout: " << outcome.out);
    INFO("stderr: " << outcome.err);
    CHECK(outcome.status == 0);
    const std::string out = lines_of(outcome.out);
    for (const char* promised : {
             "handshake over the baseline (Named Pipe)",
             "handshake over shared memory (SHM_HYBRID)",
             "profile      shm-hybrid (0x02)",
             "INCREMENT 41 -> 42",
             "CGROUPS_SNAPSHOT",
             "refresh: ok, generation 2",
             "providers asked to stop, exit status 0; run directory empty, removed",
             "demo complete",
         }) {
        CHECK(out.find(promised) != std::string::npos);
    }
}
