// Per-request latencies in a fixed log-linear histogram: recording is an
// index computation and an increment, so the measured loop neither
// allocates nor touches memory beyond ~18 KB, however long it runs (a
// sample buffer would be 80 MB for ten million requests, or would drop
// samples past its capacity).
//
// Resolution: 1 ns below 128 ns, then 64 buckets per power of two (at most
// 1/64, about 1.6 %, relative error), up to 2^40 ns; longer samples land in
// the last bucket.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace netipc::bench::driver {

class LatencyHistogram {
public:
    void record(std::uint64_t ns) noexcept {
        ++counts_[bucket_of(ns)];
        ++total_;
    }

    [[nodiscard]] std::uint64_t count() const noexcept { return total_; }

    // The latency at `percent` (0..100) in nanoseconds: the middle of the
    // bucket holding the sample at rank percent/100 * (count - 1), the rank
    // the other drivers take from their sorted samples. 0 when empty.
    [[nodiscard]] double percentile_ns(double percent) const noexcept;

private:
    static constexpr unsigned linear_bits = 7; // 1-ns buckets below 2^7
    static constexpr unsigned sub_bits = 6;    // 64 buckets per octave above
    static constexpr unsigned max_bits = 40;
    static constexpr std::size_t bucket_count =
        (std::size_t{1} << linear_bits) + (max_bits - linear_bits) * (std::size_t{1} << sub_bits);

    static std::size_t bucket_of(std::uint64_t ns) noexcept {
        if (ns < (std::uint64_t{1} << linear_bits)) {
            return static_cast<std::size_t>(ns);
        }
        const unsigned octave = static_cast<unsigned>(std::bit_width(ns)) - 1; // >= linear_bits
        if (octave >= max_bits) {
            return bucket_count - 1;
        }
        const auto sub =
            static_cast<std::size_t>((ns >> (octave - sub_bits)) & ((1U << sub_bits) - 1));
        return (std::size_t{1} << linear_bits)
               + (octave - linear_bits) * (std::size_t{1} << sub_bits) + sub;
    }

    // The [low, high) range of nanoseconds bucket `index` holds.
    static void bounds_of(std::size_t index, double& low, double& high) noexcept;

    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t total_ = 0;
};

} // namespace netipc::bench::driver
