// Reads the byte dumps in tests/data/protocol/transcripts.md: every fenced
// code block whose lines start with hex bytes is one captured packet or
// region header (the annotations after the bytes are skipped). Read at test
// time (Bazel runfiles, else relative to the repository root); the bytes are
// never copied into test sources.
#pragma once

#include <cstddef>
#include <vector>

namespace netipc::testing {

// The dumps in document order: [0] the baseline HELLO packet (76 B),
// [1] its HELLO_ACK packet (80 B), [2] the live SHM region header (64 B).
// Throws std::runtime_error when the file cannot be found or read.
std::vector<std::vector<std::byte>> transcript_dumps();

} // namespace netipc::testing
