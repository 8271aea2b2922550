// Writes the fuzz seeds (every vector packet and whole image, plus the
// derived shapes described in seeds.cc) as binary files, one per seed, into
// the directory given as the only argument. libFuzzer takes that directory
// as its starting corpus.
//
// Usage: hex_seed_tool OUT_DIR   (the vectors are found as in
// tests/support/hex_vectors.h; set NETIPC_VECTORS_DIR outside Bazel)
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>

#include "tests/fuzz/seeds.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
        return 2;
    }
    try {
        const std::filesystem::path out_dir = argv[1];
        std::filesystem::create_directories(out_dir);
        const auto seeds = netipc::fuzz::collect_seeds();
        for (const auto& seed : seeds) {
            std::ofstream out(out_dir / (seed.name + ".bin"), std::ios::binary | std::ios::trunc);
            out.write(reinterpret_cast<const char*>(seed.bytes.data()),
                      static_cast<std::streamsize>(seed.bytes.size()));
            if (!out) {
                std::fprintf(stderr, "cannot write seed %s\n", seed.name.c_str());
                return 1;
            }
        }
        std::printf("wrote %zu seeds to %s\n", seeds.size(), out_dir.string().c_str());
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "hex_seed_tool: %s\n", error.what());
        return 1;
    }
}
