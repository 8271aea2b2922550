// Round trips per second over AF_UNIX SOCK_SEQPACKET: netipc sessions
// against a minimal raw socket ping-pong written here, measured in the same
// run, so the ratio netipc/raw says how much of the socket ceiling the
// library keeps (the goal is >= 0.95).
//
//   ./bazelw run --config=opt //bench:uds_pingpong_bench -- --benchmark_min_time=0.5
//
// Every benchmark uses wall-clock time (UseRealTime): the client thread spends
// most of a round trip blocked, so CPU time would overstate the rate.
//
// The raw ceiling waits with a plain blocking recv() and no timeout, the
// least a round trip can cost. netipc's calls carry a 30 s deadline (Level
// 2's default), which its receive honours with SO_RCVTIMEO, armed once and
// then reused, and its server waits without a deadline; neither watches an
// abort signal (one that does pays for poll(): see raw_seqpacket_poll).
//
// On a VM whose idle vCPUs halt (cpuidle governor haltpoll), waking a
// sleeping peer can take ~40 us instead of ~2 us, and which regime a run
// lands in depends on what else the host is doing. Compare ratios only from
// runs where raw_seqpacket_pingpong is in the fast regime, and prefer
//   --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true
// (the ratios then use the median of the repetitions).
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/increment_session_harness.h"
#include "bench/ratio_reporter.h"
#include "codecs/increment.h"
#include "framing/nipc.h"
#include "netipc/wire/batch.h"
#include "sessions/session.h"
#include "transports/default_baseline.h"

namespace {

using namespace netipc;
using namespace std::chrono_literals;
using transports::DefaultBaseline;

using IncrementSession = Session<DefaultBaseline, framing::Nipc, codecs::Increment>;

using bench::batch_message_size;
using bench::max_batch_items;
using bench::single_message_size;

// --- raw ceiling -----------------------------------------------------------

// How a raw end waits for the next packet.
enum class Wait : std::uint8_t {
    // Blocking recv(): the thread sleeps in the socket's wait queue.
    blocking,
    // The same, on a client socket with a 30 s SO_RCVTIMEO, which is how a
    // netipc call bounds its blocking receive by its deadline (the echo
    // waits without one, as netipc's server does). Not a ceiling: a
    // diagnostic that isolates what the timeout itself costs.
    blocking_timed,
    // What the netipc transport does when it watches an abort signal (and
    // did for every receive before): a non-blocking recv() that fails with
    // EAGAIN, poll(), then recv() again. Not a ceiling: a diagnostic that
    // isolates the cost of that pattern.
    poll,
};

// Receives one packet into `buffer`; its size, or -1.
ssize_t receive(int fd, std::vector<std::byte>& buffer, Wait wait) {
    if (wait != Wait::poll) {
        return ::recv(fd, buffer.data(), buffer.size(), 0);
    }
    for (;;) {
        const ssize_t received = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (received >= 0 || errno != EAGAIN) {
            return received;
        }
        pollfd entry{fd, POLLIN, 0};
        if (::poll(&entry, 1, -1) < 0) {
            return -1;
        }
    }
}

// What a raw end does with the items of a batch packet. The ceiling does
// nothing: the bytes go back untouched. With `per_item`, a diagnostic, each
// end handles the items as any service must: the client writes each value
// and checks each answer, the echo reads each value and writes value + 1
// into a separate answer (behind a copy of the envelope and directory). It
// says how much of netipc's batch gap is the per-item work itself.
enum class ItemWork : std::uint8_t { none, per_item };

// Where the 8-byte items of a batch of `items` sit in its packet: behind the
// envelope and the directory.
std::size_t item_offset(std::uint32_t items) {
    return wire::message_header_size + std::size_t{items} * wire::directory_entry_size;
}

// A connected SEQPACKET pair whose far end echoes every packet back with
// blocking recv()/send(): the least work a round trip can cost.
class RawEcho {
public:
    RawEcho(std::size_t packet_size, Wait wait, std::uint32_t items = 0) {
        std::array<int, 2> fds{-1, -1};
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds.data()) != 0) {
            return;
        }
        client_fd_ = fds[0];
        const int echo_fd = fds[1];
        echo_ = std::thread([echo_fd, packet_size, wait, items] {
            std::vector<std::byte> buffer(packet_size);
            std::vector<std::byte> answer(packet_size);
            const std::size_t first_item = item_offset(items);
            for (;;) {
                const ssize_t received = receive(echo_fd, buffer, wait);
                if (received <= 0) {
                    break; // the client closed its end: the benchmark is over
                }
                const std::byte* reply = buffer.data();
                if (items != 0) {
                    std::memcpy(answer.data(), buffer.data(), first_item);
                    for (std::uint32_t i = 0; i < items; ++i) {
                        const std::size_t at = first_item + std::size_t{i} * 8;
                        std::uint64_t value = 0;
                        std::memcpy(&value, buffer.data() + at, sizeof(value));
                        ++value;
                        std::memcpy(answer.data() + at, &value, sizeof(value));
                    }
                    reply = answer.data();
                }
                if (::send(echo_fd, reply, static_cast<std::size_t>(received), MSG_NOSIGNAL)
                    != received) {
                    break;
                }
            }
            ::close(echo_fd);
        });
    }
    RawEcho(const RawEcho&) = delete;
    RawEcho& operator=(const RawEcho&) = delete;
    ~RawEcho() {
        if (client_fd_ >= 0) {
            ::close(client_fd_);
        }
        if (echo_.joinable()) {
            echo_.join();
        }
    }
    [[nodiscard]] int fd() const noexcept { return client_fd_; }

private:
    int client_fd_ = -1;
    std::thread echo_;
};

// One packet of `size` bytes there and back per iteration.
void raw_round_trips(benchmark::State& state, std::size_t size, std::int64_t items_per_trip,
                     Wait wait = Wait::blocking, ItemWork work = ItemWork::none) {
    const auto items = work == ItemWork::per_item ? static_cast<std::uint32_t>(items_per_trip) : 0;
    RawEcho echo(size, wait == Wait::poll ? Wait::poll : Wait::blocking, items);
    if (echo.fd() < 0) {
        state.SkipWithError("socketpair() failed");
        return;
    }
    if (wait == Wait::blocking_timed) {
        const timeval timeout{.tv_sec = 30, .tv_usec = 0};
        if (::setsockopt(echo.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) != 0) {
            state.SkipWithError("setsockopt(SO_RCVTIMEO) failed");
            return;
        }
    }
    std::vector<std::byte> out(size, std::byte{0x2A});
    std::vector<std::byte> in(size);
    const std::size_t first_item = item_offset(items);
    std::uint64_t next = 0;
    // The loop variable only drives Google Benchmark's timing.
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores)
        const std::uint64_t base = next;
        for (std::uint32_t i = 0; i < items; ++i) {
            const std::uint64_t value = next++;
            std::memcpy(out.data() + first_item + std::size_t{i} * 8, &value, sizeof(value));
        }
        if (::send(echo.fd(), out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(size)
            || receive(echo.fd(), in, wait) != static_cast<ssize_t>(size)) {
            state.SkipWithError("raw send/recv failed");
            break;
        }
        // Counted without a branch per item, as the netipc loop counts.
        std::uint32_t wrong = 0;
        for (std::uint32_t i = 0; i < items; ++i) {
            std::uint64_t value = 0;
            std::memcpy(&value, in.data() + first_item + std::size_t{i} * 8, sizeof(value));
            wrong += value != base + i + 1 ? 1U : 0U;
        }
        if (wrong != 0) {
            state.SkipWithError("raw answer wrong");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * items_per_trip);
}

void raw_seqpacket_pingpong(benchmark::State& state) {
    raw_round_trips(state, single_message_size, 1);
}
BENCHMARK(raw_seqpacket_pingpong)->UseRealTime();

void raw_seqpacket_timed_pingpong(benchmark::State& state) {
    raw_round_trips(state, single_message_size, 1, Wait::blocking_timed);
}
BENCHMARK(raw_seqpacket_timed_pingpong)->UseRealTime();

void raw_seqpacket_poll_pingpong(benchmark::State& state) {
    raw_round_trips(state, single_message_size, 1, Wait::poll);
}
BENCHMARK(raw_seqpacket_poll_pingpong)->UseRealTime();

void raw_seqpacket_batch_pingpong(benchmark::State& state) {
    const auto items = static_cast<std::uint32_t>(state.range(0));
    const std::size_t size = batch_message_size(items);
    if (size == 0) {
        state.SkipWithError("cannot size the batch message");
        return;
    }
    raw_round_trips(state, size, items);
}
BENCHMARK(raw_seqpacket_batch_pingpong)->Arg(16)->Arg(max_batch_items)->UseRealTime();

// Not a ceiling: the raw batch with each item written, read and checked.
void raw_seqpacket_batch_item_work_pingpong(benchmark::State& state) {
    const auto items = static_cast<std::uint32_t>(state.range(0));
    raw_round_trips(state, batch_message_size(items), items, Wait::blocking, ItemWork::per_item);
}
BENCHMARK(raw_seqpacket_batch_item_work_pingpong)->Arg(16)->Arg(max_batch_items)->UseRealTime();

// --- netipc ------------------------------------------------------------------

void netipc_uds_increment_pingpong(benchmark::State& state) {
    bench::increment_pingpong<IncrementSession>(state, false);
}
BENCHMARK(netipc_uds_increment_pingpong)->UseRealTime();

void netipc_uds_increment_batch_pingpong(benchmark::State& state) {
    bench::increment_batch_pingpong<IncrementSession>(state, false);
}
BENCHMARK(netipc_uds_increment_batch_pingpong)->Arg(16)->Arg(max_batch_items)->UseRealTime();

// --- ratio report ----------------------------------------------------------

} // namespace

int main(int argc, char** argv) {
    netipc::bench::RecordingReporter reporter(netipc::bench::console_options());
    if (!netipc::bench::run_recording(argc, argv, reporter)) {
        return 1;
    }
    netipc::bench::print_ratio(reporter, "netipc/raw single", "netipc_uds_increment_pingpong",
                               "raw_seqpacket_pingpong");
    netipc::bench::print_ratio(reporter, "netipc/raw-timed single", "netipc_uds_increment_pingpong",
                               "raw_seqpacket_timed_pingpong");
    netipc::bench::print_ratio(reporter, "raw-timed/raw single", "raw_seqpacket_timed_pingpong",
                               "raw_seqpacket_pingpong");
    netipc::bench::print_ratio(reporter, "netipc/raw-poll single", "netipc_uds_increment_pingpong",
                               "raw_seqpacket_poll_pingpong");
    netipc::bench::print_ratio(reporter, "raw-poll/raw single", "raw_seqpacket_poll_pingpong",
                               "raw_seqpacket_pingpong");
    for (const std::uint32_t items : {16U, max_batch_items}) {
        const std::string args = std::to_string(items);
        netipc::bench::print_ratio(reporter, "netipc/raw batch/" + args,
                                   "netipc_uds_increment_batch_pingpong/" + args,
                                   "raw_seqpacket_batch_pingpong/" + args);
        netipc::bench::print_ratio(reporter, "netipc/raw-item-work batch/" + args,
                                   "netipc_uds_increment_batch_pingpong/" + args,
                                   "raw_seqpacket_batch_item_work_pingpong/" + args);
        netipc::bench::print_ratio(reporter, "raw-item-work/raw batch/" + args,
                                   "raw_seqpacket_batch_item_work_pingpong/" + args,
                                   "raw_seqpacket_batch_pingpong/" + args);
    }
    benchmark::Shutdown();
    return 0;
}
