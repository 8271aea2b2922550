// The demo's run directory on Windows: a new directory under the user's
// temporary directory, removed with everything in it. On Windows a run
// directory is only the namespace string pipe and SHM names are hashed from
// (the kernel objects live in no directory); the demo still makes a real
// one, so it has a private place for the data file it hands a provider, and
// its path is a namespace no other demo shares. Seen as
// "tools/cli/demo_run_dir.h" (tools/BUILD.bazel).
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netipc/error.h"

namespace netipc::cli {

class DemoRunDir {
public:
    // Creates `<temp>/<prefix>-<random 64-bit number>`, a name nobody has
    // taken (up to 100 draws).
    static std::expected<DemoRunDir, Error> create(std::string_view prefix);

    DemoRunDir(DemoRunDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
    DemoRunDir& operator=(DemoRunDir&&) = delete;
    DemoRunDir(const DemoRunDir&) = delete;
    DemoRunDir& operator=(const DemoRunDir&) = delete;
    ~DemoRunDir() {
        if (!path_.empty()) {
            std::error_code ignored;
            std::filesystem::remove_all(path_, ignored);
        }
    }

    [[nodiscard]] const std::string& path() const { return path_; }

    // The names of the entries in the directory.
    [[nodiscard]] std::vector<std::string> entries() const {
        std::vector<std::string> names;
        std::error_code ignored;
        for (const auto& entry : std::filesystem::directory_iterator(path_, ignored)) {
            names.push_back(entry.path().filename().string());
        }
        return names;
    }

private:
    explicit DemoRunDir(std::string path) : path_(std::move(path)) {}

    std::string path_;
};

inline std::expected<DemoRunDir, Error> DemoRunDir::create(std::string_view prefix) {
    std::error_code error;
    const auto base = std::filesystem::temp_directory_path(error);
    if (error) {
        return std::unexpected(Error{Errc::os_error, error.value(), "no temporary directory"});
    }
    std::random_device entropy;
    for (int attempt = 0; attempt < 100; ++attempt) {
        const auto suffix = (std::uint64_t{entropy()} << 32U) | entropy();
        auto path = base / (std::string(prefix) + "-" + std::to_string(suffix));
        if (std::filesystem::create_directory(path, error)) {
            return DemoRunDir(path.string());
        }
        if (error) {
            return std::unexpected(
                Error{Errc::os_error, error.value(), "cannot create the demo's run directory"});
        }
    }
    return std::unexpected(
        Error{Errc::address_in_use, 0, "every candidate run directory name is taken"});
}

} // namespace netipc::cli
