#include "bench/driver/latency_histogram.h"

#include <cmath>

namespace netipc::bench::driver {

void LatencyHistogram::bounds_of(std::size_t index, double& low, double& high) noexcept {
    constexpr std::size_t linear = std::size_t{1} << linear_bits;
    if (index < linear) {
        low = static_cast<double>(index);
        high = low + 1;
        return;
    }
    const std::size_t octave = linear_bits + (index - linear) / (std::size_t{1} << sub_bits);
    const std::size_t sub = (index - linear) % (std::size_t{1} << sub_bits);
    const double width = std::ldexp(1.0, static_cast<int>(octave - sub_bits));
    low = std::ldexp(1.0, static_cast<int>(octave)) + static_cast<double>(sub) * width;
    high = low + width;
}

double LatencyHistogram::percentile_ns(double percent) const noexcept {
    if (total_ == 0) {
        return 0;
    }
    const auto rank = static_cast<std::uint64_t>(percent / 100.0 * static_cast<double>(total_ - 1));
    std::uint64_t seen = 0;
    for (std::size_t index = 0; index < bucket_count; ++index) {
        seen += counts_[index];
        if (seen > rank) {
            double low = 0;
            double high = 0;
            bounds_of(index, low, high);
            // A 1-ns bucket holds exactly one value.
            return high - low <= 1 ? low : (low + high) / 2;
        }
    }
    return 0; // unreachable: the counts add up to total_
}

} // namespace netipc::bench::driver
