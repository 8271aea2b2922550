// The batch sizes every NetIPC driver sends: a 32-bit xorshift (13, 17, 5)
// seeded with 12345, each value mapped onto min_batch_items..max_batch_items.
// The same seed in every implementation makes their batch scenarios send the
// same sequence of sizes.
#pragma once

#include <cstdint>

#include "bench/driver/bench_config.h"

namespace netipc::bench::driver {

class BatchSizes {
public:
    std::uint32_t next() noexcept {
        state_ ^= state_ << 13U;
        state_ ^= state_ >> 17U;
        state_ ^= state_ << 5U;
        return state_ % (max_batch_items - min_batch_items + 1) + min_batch_items;
    }

private:
    std::uint32_t state_ = 12345;
};

} // namespace netipc::bench::driver
