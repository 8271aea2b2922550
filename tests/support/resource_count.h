// What a process holds that a misbehaving peer could make it leak: open
// descriptors (/proc/self/fd) and SHM region files in a run directory.
// Take one snapshot before a case and compare with one after it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace netipc::testing {

// Entries of /proc/self/fd (the listing's own descriptor included, the same
// in every count).
inline std::size_t open_descriptors() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/fd")) {
        ++count;
    }
    return count;
}

// `.ipcshm` files in `run_dir`.
inline std::size_t region_files(const std::string& run_dir) {
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(run_dir)) {
        if (entry.path().extension() == ".ipcshm") {
            ++count;
        }
    }
    return count;
}

struct Resources {
    std::size_t descriptors = 0;
    std::size_t regions = 0;

    static Resources of(const std::string& run_dir) {
        return {open_descriptors(), region_files(run_dir)};
    }
    friend bool operator==(const Resources&, const Resources&) = default;
};

} // namespace netipc::testing
