// A private run directory for one test (short enough for sun_path), removed
// with everything in it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "transports/posix/endpoint.h"

namespace netipc::testing {

class TempRunDir {
public:
    TempRunDir() {
        std::string pattern = "/tmp/netipc-test-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
    }
    TempRunDir(const TempRunDir&) = delete;
    TempRunDir& operator=(const TempRunDir&) = delete;
    ~TempRunDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] transports::ServiceAddress address(const std::string& service) const {
        return {path_, service};
    }
    [[nodiscard]] std::string region_path(const std::string& service, std::uint64_t session) const {
        return transports::shm_path(address(service), session).value();
    }

private:
    std::string path_;
};

} // namespace netipc::testing
