// The benchmark driver's pieces that decide what its CSV line says, on their
// own: the latency histogram's percentiles, the batch-size sequence every
// NetIPC driver shares, the command line, and the /proc CPU reader.
// Nothing here depends on timing.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bench/driver/args.h"
#include "bench/driver/batch_sizes.h"
#include "bench/driver/bench_config.h"
#include "bench/driver/latency_histogram.h"
#include "bench/driver/server_cpu.h"

namespace {

using namespace netipc::bench::driver;

// split_options() over a command line given as strings.
std::optional<Parsed> split(std::vector<std::string> words, std::string& error) {
    std::vector<char*> pointers;
    pointers.reserve(words.size());
    for (auto& word : words) {
        pointers.push_back(word.data());
    }
    return split_options(pointers, error);
}

// A command line that must parse.
Parsed parse(std::vector<std::string> words) {
    std::string error;
    auto parsed = split(std::move(words), error);
    INFO(error);
    REQUIRE(parsed);
    return parsed.value_or(Parsed{});
}

// What split_options() says about a command line it must refuse.
std::string split_error(const std::vector<std::string>& words) {
    std::string error;
    CHECK_FALSE(split(words, error));
    return error;
}

// The arguments a parser (server_args, client_args, ...) takes from
// `words`, which must be accepted.
template <class Parse>
auto accepted(std::vector<std::string> words, Parse parse_with) {
    std::string error;
    auto args = parse_with(parse(std::move(words)), error);
    INFO(error);
    REQUIRE(args);
    return args.value_or(typename decltype(args)::value_type{});
}

// What a parser says about `words`, which it must refuse.
template <class Parse>
std::string refused(const std::vector<std::string>& words, Parse parse_with) {
    std::string error;
    CHECK_FALSE(parse_with(parse(words), error));
    return error;
}

std::optional<ClientArgs> as_client(const Parsed& parsed, std::string& error) {
    return client_args(parsed, false, error);
}
std::optional<ClientArgs> as_pipeline(const Parsed& parsed, std::string& error) {
    return client_args(parsed, true, error);
}

} // namespace

TEST_CASE("an empty histogram reports 0 for every percentile") {
    const LatencyHistogram histogram;
    CHECK(histogram.count() == 0);
    CHECK(histogram.percentile_ns(50) == 0);
    CHECK(histogram.percentile_ns(99) == 0);
}

TEST_CASE("below 128 ns the histogram is exact and ranks like a sorted sample array") {
    LatencyHistogram histogram;
    for (std::uint64_t ns = 0; ns < 100; ++ns) {
        histogram.record(ns);
    }
    CHECK(histogram.count() == 100);
    // Rank percent/100 * (count - 1), as the other drivers index their
    // sorted samples: 49.5 -> 49, 94.05 -> 94, 98.01 -> 98.
    CHECK(histogram.percentile_ns(0) == 0);
    CHECK(histogram.percentile_ns(50) == 49);
    CHECK(histogram.percentile_ns(95) == 94);
    CHECK(histogram.percentile_ns(99) == 98);
    CHECK(histogram.percentile_ns(100) == 99);
}

TEST_CASE("above 128 ns a percentile is within 1/64 of the recorded value") {
    for (const std::uint64_t ns : {std::uint64_t{128}, std::uint64_t{1000}, std::uint64_t{12'345},
                                   std::uint64_t{999'999}, std::uint64_t{30'000'000'000}}) {
        LatencyHistogram histogram;
        histogram.record(ns);
        const double reported = histogram.percentile_ns(50);
        INFO("recorded " << ns << " ns, reported " << reported);
        CHECK(std::abs(reported - static_cast<double>(ns)) <= static_cast<double>(ns) / 64);
    }
}

TEST_CASE("histogram percentiles follow the samples' order") {
    LatencyHistogram histogram;
    for (int i = 0; i < 90; ++i) {
        histogram.record(2'000); // the body
    }
    for (int i = 0; i < 9; ++i) {
        histogram.record(50'000); // a tail
    }
    histogram.record(5'000'000); // one outlier
    CHECK(histogram.percentile_ns(50) == Approx(2'000).epsilon(1.0 / 64));
    CHECK(histogram.percentile_ns(95) == Approx(50'000).epsilon(1.0 / 64));
    CHECK(histogram.percentile_ns(99) == Approx(50'000).epsilon(1.0 / 64));
    CHECK(histogram.percentile_ns(100) == Approx(5'000'000).epsilon(1.0 / 64));
}

TEST_CASE("batch sizes are the NetIPC drivers' xorshift sequence, within 2..1000") {
    BatchSizes sizes;
    // xorshift32 (13, 17, 5) from 12345, each value % 999 + 2.
    CHECK(sizes.next() == 598);
    CHECK(sizes.next() == 761);
    CHECK(sizes.next() == 237);
    CHECK(sizes.next() == 481);
    CHECK(sizes.next() == 886);
    std::uint32_t low = max_batch_items;
    std::uint32_t high = 0;
    for (int i = 0; i < 100'000; ++i) {
        const std::uint32_t size = sizes.next();
        low = std::min(low, size);
        high = std::max(high, size);
    }
    CHECK(low == min_batch_items);
    CHECK(high == max_batch_items);
}

TEST_CASE("--auth is taken out of the positional arguments, in either spelling") {
    const Parsed plain = parse({"/run", "svc", "5", "0"});
    CHECK(plain.auth_token == default_auth_token);
    CHECK(plain.positional.size() == 4);

    const Parsed spaced = parse({"/run", "--auth", "0x1234", "svc", "5", "0"});
    CHECK(spaced.auth_token == 0x1234);
    CHECK(spaced.positional == std::vector<std::string>{"/run", "svc", "5", "0"});

    CHECK(parse({"/run", "svc", "5", "0", "--auth=42"}).auth_token == 42);

    CHECK(split_error({"/run", "svc", "--auth"}) == "--auth needs a token");
    CHECK(split_error({"--auth", "-1"}) == "--auth must be an unsigned number, got '-1'");
}

TEST_CASE("client arguments: counts, numbers and the pipeline depth are checked") {
    const ClientArgs client = accepted({"/run", "svc", "5", "1000"}, as_client);
    CHECK(client.run_dir == "/run");
    CHECK(client.service == "svc");
    CHECK(client.duration_s == 5);
    CHECK(client.target_rps == 1000);
    CHECK(client.depth == 1);

    CHECK(accepted({"/run", "svc", "5", "0", "16"}, as_pipeline).depth == 16);

    CHECK(refused({"/run", "svc", "5"}, as_client) == "expected 4 arguments, got 3");
    CHECK(refused({"/run", "svc", "five", "0"}, as_client)
          == "duration_s must be an unsigned number, got 'five'");
    CHECK(refused({"/run", "svc", "0", "0"}, as_client) == "duration_s must be at least 1");
    CHECK(refused({"/run", "svc", "5", "0", "0"}, as_pipeline) == "depth must be 1..128");
}

TEST_CASE("server arguments: the duration is optional and defaults to 30 s") {
    // /tmp exists: server_args() only creates a missing run directory.
    CHECK(accepted({"/tmp", "svc"}, server_args).duration_s == default_server_duration_s);
    CHECK(accepted({"/tmp", "svc", "7"}, server_args).duration_s == 7);
    CHECK(refused({"/tmp"}, server_args) == "expected 2 to 3 arguments, got 1");
}

TEST_CASE("a process's CPU time is read while it lives and refused for a missing one") {
    const auto own = process_cpu_seconds(::getpid());
    REQUIRE(own);
    CHECK(own.value_or(-1) >= 0);
    // Above Linux's largest pid_max (2^22): no such process.
    CHECK_FALSE(process_cpu_seconds(0x7FFFFFFF));
    CHECK_FALSE(process_cpu_seconds(0));
}

TEST_CASE("a process's CPU time resolves well below /proc's 10 ms ticks") {
    const auto before = process_cpu_seconds(::getpid());
    REQUIRE(before);
    // Burn one millisecond of CPU, as this process's own clock counts it:
    // the loop ends on CPU used, not on time passed.
    timespec start{};
    REQUIRE(::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start) == 0);
    const auto ns = [](const timespec& at) {
        return (static_cast<std::int64_t>(at.tv_sec) * 1'000'000'000) + at.tv_nsec;
    };
    timespec now = start;
    while (ns(now) - ns(start) < 1'000'000) {
        REQUIRE(::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) == 0);
    }
    const auto after = process_cpu_seconds(::getpid());
    REQUIRE(after);
    CHECK(after.value_or(0) - before.value_or(0) >= 0.001);
}
