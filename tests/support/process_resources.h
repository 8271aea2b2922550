// What this process holds of the operating system, read from /proc/self:
// the leak checks of the chaos and resource-fault tests compare these
// before and after (Linux only).
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace netipc::testing {

// Open descriptors (entries of /proc/self/fd, less the one the listing
// itself opens while it runs).
inline std::size_t open_descriptor_count() {
    std::size_t count = 0;
    std::error_code error;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error);
         !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
        ++count;
    }
    return count > 0 ? count - 1 : 0;
}

// Lines of /proc/self/maps that name a file under `directory`: the netipc
// mappings of a run directory are its SHM regions.
inline std::size_t mappings_under(std::string_view directory) {
    std::ifstream maps("/proc/self/maps");
    std::size_t count = 0;
    for (std::string line; std::getline(maps, line);) {
        if (line.find(directory) != std::string::npos) {
            ++count;
        }
    }
    return count;
}

} // namespace netipc::testing
