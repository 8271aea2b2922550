// What a process holds that a misbehaving peer could make it leak: open
// descriptors (process_resources.h) and SHM region files in a run directory.
// Take one snapshot before a case and compare with one after it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>

#include "tests/support/process_resources.h"

namespace netipc::testing {

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
        return {open_descriptor_count(), region_files(run_dir)};
    }
    friend bool operator==(const Resources&, const Resources&) = default;
    friend std::ostream& operator<<(std::ostream& out, const Resources& resources) {
        return out << resources.descriptors << " descriptors, " << resources.regions
                   << " region files";
    }
};

} // namespace netipc::testing
