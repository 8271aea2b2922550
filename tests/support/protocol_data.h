// Where the reference protocol data (tests/data/protocol, see its README.md)
// is at run time: under Bazel in the main repository's runfiles, outside
// Bazel (scripts/coverage runs the test binaries from the repository root)
// relative to the current directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/runfiles.h"

namespace netipc::testing {

// `relative` is a path under tests/data/protocol, e.g. "vectors". Returns the
// places to look, best first; the caller takes the first that exists.
inline std::vector<std::filesystem::path> protocol_data_candidates(const std::string& relative) {
    const std::filesystem::path in_repository =
        std::filesystem::path("tests/data/protocol") / relative;
    std::vector<std::filesystem::path> candidates;
    if (const auto runfiles = main_repository_runfiles()) {
        candidates.push_back(*runfiles / in_repository);
    }
    candidates.push_back(in_repository);
    return candidates;
}

} // namespace netipc::testing
