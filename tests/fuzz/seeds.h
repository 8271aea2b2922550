// Seed inputs for the fuzz targets, taken from the reference byte images in
// tests/data/protocol/vectors (via //tests/support:hex_vectors).
//
// Every target gets every seed: a seed that does not fit a target is cheap
// to reject, and libFuzzer keeps only inputs that add coverage. Besides
// the raw images, a few shapes are derived so that each target starts from
// inputs it accepts (see seeds.cc).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace netipc::fuzz {

struct Seed {
    std::string name; // file-name safe: vector name plus a suffix
    std::vector<std::byte> bytes;
};

// All seeds, deduplicated by content, in a stable order. Throws
// std::runtime_error when the vectors cannot be found or parsed.
std::vector<Seed> collect_seeds();

} // namespace netipc::fuzz
