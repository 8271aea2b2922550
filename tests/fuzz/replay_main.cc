// main() for fuzz targets built without libFuzzer (the default config).
//
// Turns each LLVMFuzzerTestOneInput into an ordinary, deterministic test:
// every seed from the reference vectors (see seeds.h), every truncation and
// every single-bit flip of each seed, a few seeded pseudo-random buffers
// and byte mutations, and every file under the regression directories and
// paths given on the command line. Invariant violations abort, so a failing
// input fails the test; under --config=asan or --config=fuzz the sanitizers
// watch the same inputs.
//
// Usage: <target> [--regressions=DIR]... [FILE_OR_DIR]...
// A --regressions directory that does not exist is skipped (targets without
// regression inputs have none); a missing FILE_OR_DIR is an error.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;
using ByteVector = std::vector<std::byte>;

class Replayer {
public:
    // Runs one input from a fresh heap block of exactly its size, so an
    // out-of-bounds read lands in a redzone, as it would under libFuzzer.
    void run(const std::byte* data, std::size_t size) {
        auto copy = std::make_unique<std::uint8_t[]>(size);
        if (size != 0) {
            std::memcpy(copy.get(), data, size);
        }
        LLVMFuzzerTestOneInput(copy.get(), size);
        ++inputs_;
    }
    void run(const ByteVector& bytes) { run(bytes.data(), bytes.size()); }

    // Every prefix, then every single-bit flip: the decoders' length and
    // field checks sit exactly on these edges.
    void run_mutations(const ByteVector& seed) {
        for (std::size_t length = 0; length < seed.size(); ++length) {
            run(seed.data(), length);
        }
        ByteVector flipped = seed;
        for (std::size_t i = 0; i < flipped.size(); ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                flipped[i] ^= std::byte(1U << bit);
                run(flipped);
                flipped[i] ^= std::byte(1U << bit);
            }
        }
    }

    std::size_t inputs() const noexcept { return inputs_; }

private:
    std::size_t inputs_ = 0;
};

// xorshift64*: fixed seed, so every run replays the same buffers.
class Random {
public:
    std::uint64_t next() noexcept {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return state_ * 0x2545F4914F6CDD1DULL;
    }
    std::size_t below(std::size_t bound) noexcept { return bound == 0 ? 0 : next() % bound; }

private:
    std::uint64_t state_ = 0x6e65746970632d66ULL; // "netipc-f"
};

void run_random(Replayer& replayer, const std::vector<netipc::fuzz::Seed>& seeds) {
    Random random;
    // Pure noise, mostly small values so that counts and lengths stay in
    // range often enough to pass the first checks.
    for (int i = 0; i < 64; ++i) {
        ByteVector buffer(random.below(512));
        const bool small_values = i % 2 == 0;
        for (std::byte& b : buffer) {
            b = std::byte(small_values ? random.below(4) : random.below(256));
        }
        replayer.run(buffer);
    }
    // A few multi-byte mutations of each seed (random bytes at random places).
    for (const auto& seed : seeds) {
        if (seed.bytes.empty()) {
            continue;
        }
        for (int round = 0; round < 16; ++round) {
            ByteVector mutated = seed.bytes;
            const std::size_t changes = 1 + random.below(4);
            for (std::size_t c = 0; c < changes; ++c) {
                mutated[random.below(mutated.size())] = std::byte(random.below(256));
            }
            replayer.run(mutated);
        }
    }
}

ByteVector read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    const std::vector<char> chars((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    ByteVector bytes(chars.size());
    if (!chars.empty()) {
        std::memcpy(bytes.data(), chars.data(), chars.size());
    }
    return bytes;
}

// Runs a file, or every regular file under a directory (sorted, so the
// order does not depend on the file system). Returns how many ran.
std::size_t run_path(Replayer& replayer, const fs::path& path) {
    std::vector<fs::path> files;
    if (fs::is_directory(path)) {
        for (const auto& entry : fs::recursive_directory_iterator(path)) {
            if (entry.is_regular_file()) {
                files.push_back(entry.path());
            }
        }
        std::sort(files.begin(), files.end());
    } else {
        files.push_back(path);
    }
    for (const auto& file : files) {
        replayer.run(read_file(file));
    }
    return files.size();
}

} // namespace

int main(int argc, char** argv) {
    try {
        Replayer replayer;
        const std::vector<netipc::fuzz::Seed> seeds = netipc::fuzz::collect_seeds();
        replayer.run(ByteVector{}); // the empty input
        for (const auto& seed : seeds) {
            replayer.run(seed.bytes);
            replayer.run_mutations(seed.bytes);
        }
        run_random(replayer, seeds);

        std::size_t files = 0;
        constexpr std::string_view regressions_flag = "--regressions=";
        for (int i = 1; i < argc; ++i) {
            const std::string_view arg = argv[i];
            if (arg.starts_with(regressions_flag)) {
                const fs::path dir(arg.substr(regressions_flag.size()));
                if (fs::exists(dir)) {
                    files += run_path(replayer, dir);
                }
            } else if (arg.starts_with("-")) {
                // libFuzzer flags (-runs=..., -max_len=...) mean nothing here;
                // accept them so the same command line works for both builds.
                continue;
            } else {
                if (!fs::exists(arg)) {
                    std::fprintf(stderr, "no such input: %s\n", argv[i]);
                    return 1;
                }
                files += run_path(replayer, arg);
            }
        }
        std::printf("replayed %zu inputs (%zu seeds from the vectors, %zu input files)\n",
                    replayer.inputs(), seeds.size(), files);
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "replay failed: %s\n", error.what());
        return 1;
    }
}
