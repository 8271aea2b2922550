// Where the reference protocol data (tests/data/protocol, see its README.md)
// is at run time: under Bazel in the main repository's runfiles, outside
// Bazel (scripts/coverage runs the test binaries from the repository root)
// relative to the current directory.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace netipc::testing {

// `relative` is a path under tests/data/protocol, e.g. "vectors". Returns the
// places to look, best first; the caller takes the first that exists.
inline std::vector<std::filesystem::path> protocol_data_candidates(const std::string& relative) {
    const std::filesystem::path in_repository =
        std::filesystem::path("tests/data/protocol") / relative;
    std::vector<std::filesystem::path> candidates;
    // Set by `bazel test`; TEST_WORKSPACE names the main repository's
    // runfiles directory ("netipc" with WORKSPACE, "_main" with bzlmod).
    // Read by single-threaded test set-up code.
    if (const char* runfiles = std::getenv("TEST_SRCDIR")) {   // NOLINT(concurrency-mt-unsafe)
        const char* workspace = std::getenv("TEST_WORKSPACE"); // NOLINT(concurrency-mt-unsafe)
        candidates.push_back(std::filesystem::path(runfiles)
                             / (workspace != nullptr ? workspace : "netipc") / in_repository);
    }
    candidates.push_back(in_repository);
    return candidates;
}

} // namespace netipc::testing
