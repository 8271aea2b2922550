// A Google Benchmark reporter that prints like the console reporter and
// keeps every items_per_second sample, so a benchmark program can print how
// netipc compares with a raw ceiling measured in the same run.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace netipc::bench {

// Prints as the console reporter does and keeps every items_per_second
// sample per benchmark for the ratios printed at the end. With
// --benchmark_repetitions the ratio uses the median: this machine is shared,
// and a median shrugs off a repetition that a neighbour slowed down.
class RecordingReporter : public benchmark::ConsoleReporter {
public:
    using ConsoleReporter::ConsoleReporter;

    void ReportRuns(const std::vector<Run>& reports) override {
        for (const Run& run : reports) {
            if (run.run_type != Run::RT_Iteration || run.error_occurred) {
                continue;
            }
            const auto rate = run.counters.find("items_per_second");
            if (rate == run.counters.end()) {
                continue;
            }
            std::string key = run.run_name.function_name;
            if (!run.run_name.args.empty()) {
                key += "/" + run.run_name.args;
            }
            rates_[key].push_back(rate->second.value);
        }
        ConsoleReporter::ReportRuns(reports);
    }

    [[nodiscard]] std::optional<double> rate(const std::string& key) const {
        const auto found = rates_.find(key);
        if (found == rates_.end() || found->second.empty()) {
            return std::nullopt;
        }
        std::vector<double> samples = found->second;
        std::ranges::sort(samples);
        const std::size_t middle = samples.size() / 2;
        return samples.size() % 2 == 1 ? samples[middle]
                                       : (samples[middle - 1] + samples[middle]) / 2;
    }

private:
    std::map<std::string, std::vector<double>> rates_;
};

inline void print_ratio(const RecordingReporter& reporter, const std::string& label,
                        const std::string& netipc, const std::string& raw) {
    const auto ours = reporter.rate(netipc);
    const auto ceiling = reporter.rate(raw);
    if (!ours || !ceiling || *ceiling <= 0) {
        return; // filtered out or failed: nothing to compare
    }
    std::printf("ratio %s: %.3f\n", label.c_str(), *ours / *ceiling);
}

// Console colours only on a terminal, tabular counters otherwise.
inline benchmark::ConsoleReporter::OutputOptions console_options() {
    return ::isatty(STDOUT_FILENO) != 0 ? benchmark::ConsoleReporter::OO_Defaults
                                        : benchmark::ConsoleReporter::OO_Tabular;
}

// Parses the benchmark flags and runs the registered benchmarks into
// `reporter`. False when the command line had unknown arguments.
inline bool run_recording(int& argc, char** argv, RecordingReporter& reporter) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return false;
    }
    benchmark::RunSpecifiedBenchmarks(&reporter);
    return true;
}

} // namespace netipc::bench
