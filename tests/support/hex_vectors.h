// Loads the reference byte images in tests/data/protocol/vectors/*.hex and
// tests/data/protocol/lookup-vectors/*.hex (the lookup payloads).
//
// Format: lines starting with '#' describe the inputs; a line starting with
// "## packet" begins a new datagram (chunked images); every other line holds
// hex bytes separated by spaces. The files are read at test time; their
// bytes are never copied into test sources.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace netipc::testing {

struct HexVector {
    std::string name;                            // file name without ".hex"
    std::vector<std::string> comments;           // '#' lines, without the '#'
    std::vector<std::vector<std::byte>> packets; // one entry unless chunked

    // All packets concatenated (the whole image for unchunked vectors).
    [[nodiscard]] std::vector<std::byte> bytes() const;
};

// Parses one .hex file; throws std::runtime_error on a malformed file (a
// test-support failure, not a library error path).
HexVector parse_hex_file(const std::filesystem::path& path);

// The vectors directory: $NETIPC_VECTORS_DIR when set, else the Bazel
// runfiles copy of tests/data/protocol/vectors, else that path relative to
// the current directory (the repository root). Throws when none exists.
std::filesystem::path vectors_dir();

// Loads `<vectors_dir>/<name>.hex`.
HexVector load_vector(const std::string& name);

// Every .hex vector, sorted by name.
std::vector<HexVector> load_all_vectors();

// The lookup images (methods 4 and 5): the runfiles copy of
// tests/data/protocol/lookup-vectors, else that path relative to the
// current directory. Throws when neither exists.
std::filesystem::path lookup_vectors_dir();

// Loads `<lookup_vectors_dir>/<name>.hex`.
HexVector load_lookup_vector(const std::string& name);

// Every lookup image, sorted by name.
std::vector<HexVector> load_all_lookup_vectors();

} // namespace netipc::testing
