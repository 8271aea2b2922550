// Where this repository's files and programs are at run time: under Bazel in
// the main repository's runfiles, outside Bazel (scripts/coverage, a test run
// by hand) relative to the workspace root. One place, so the environment
// variables Bazel sets and the WORKSPACE/bzlmod naming are read the same way
// by every test.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace netipc::testing {

// The main repository's directory among the runfiles, from TEST_SRCDIR
// (`bazel test`) or RUNFILES_DIR (`bazel run`); TEST_WORKSPACE names it
// ("netipc" with WORKSPACE, "_main" with bzlmod). nullopt outside Bazel.
// For single-threaded set-up code: it reads the environment.
inline std::optional<std::filesystem::path> main_repository_runfiles() {
    const char* root = std::getenv("TEST_SRCDIR"); // NOLINT(concurrency-mt-unsafe)
    if (root == nullptr) {
        root = std::getenv("RUNFILES_DIR"); // NOLINT(concurrency-mt-unsafe)
    }
    if (root == nullptr) {
        return std::nullopt;
    }
    const char* workspace = std::getenv("TEST_WORKSPACE"); // NOLINT(concurrency-mt-unsafe)
    return std::filesystem::path(root) / (workspace != nullptr ? workspace : "netipc");
}

// A program this repository builds, by its package path ("tools/netipc"):
// from the runfiles under Bazel, else from bazel-bin; with the ".exe" suffix
// when the toolchain gave it one (mingw-w64 may or may not).
inline std::string built_program(const std::string& package_path) {
    const auto runfiles = main_repository_runfiles();
    const std::filesystem::path stem =
        runfiles ? *runfiles / package_path : std::filesystem::path("bazel-bin") / package_path;
    std::filesystem::path with_suffix = stem;
    with_suffix += ".exe";
    return (std::filesystem::exists(with_suffix) ? with_suffix : stem).string();
}

} // namespace netipc::testing
