// A private run directory (mkdtemp, mode 0700), short enough for socket
// paths, removed with everything in it when the object goes away.
//
// The one such helper in the repository: the tests, the benchmarks and the
// `netipc demo` command all use it. It lives with the test support because
// tests are nearly all of its users, but its library is not testonly so that
// the demo (a product command) and the benchmarks share it instead of keeping
// copies; it needs nothing but the library's error type and endpoint naming.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <expected>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netipc/error.h"
#include "transports/posix/endpoint.h"

namespace netipc::testing {

class TempRunDir {
public:
    // Creates `<base>/<prefix>-XXXXXX`; the base is $TMPDIR when it leaves
    // room for socket paths (sockaddr_un::sun_path holds 108 bytes, and a
    // deep $TMPDIR such as Bazel's would not fit), else /tmp.
    static std::expected<TempRunDir, Error> create(std::string_view prefix = "netipc-test") {
        auto path = make(prefix);
        if (!path) {
            return std::unexpected(Error{Errc::os_error, path.error(), "mkdtemp() failed"});
        }
        return TempRunDir(Adopt{}, std::move(*path));
    }

    // Tests: like create(), but throws std::runtime_error when it fails.
    // Not explicit without a prefix, so a test fixture that holds one can be
    // value-initialized with `{}`.
    TempRunDir() : TempRunDir("netipc-test") {}
    explicit TempRunDir(std::string_view prefix) {
        auto path = make(prefix);
        if (!path) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = std::move(*path);
    }
    TempRunDir(TempRunDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
    TempRunDir& operator=(TempRunDir&&) = delete;
    TempRunDir(const TempRunDir&) = delete;
    TempRunDir& operator=(const TempRunDir&) = delete;
    ~TempRunDir() {
        if (!path_.empty()) {
            std::error_code ignored;
            std::filesystem::remove_all(path_, ignored);
        }
    }

    [[nodiscard]] const std::string& path() const { return path_; }
    // `<path>/<name>`.
    [[nodiscard]] std::string file(std::string_view name) const {
        return path_ + "/" + std::string(name);
    }
    [[nodiscard]] transports::ServiceAddress address(const std::string& service) const {
        return {path_, service};
    }
    [[nodiscard]] std::string region_path(const std::string& service, std::uint64_t session) const {
        return transports::shm_path(address(service), session).value();
    }
    // The names of the entries in the directory, in directory order.
    [[nodiscard]] std::vector<std::string> entries() const {
        std::vector<std::string> names;
        std::error_code ignored;
        for (const auto& entry : std::filesystem::directory_iterator(path_, ignored)) {
            names.push_back(entry.path().filename().string());
        }
        return names;
    }

private:
    struct Adopt {};
    TempRunDir(Adopt /*unused*/, std::string path) : path_(std::move(path)) {}

    // The new directory's path, or the errno of the failure.
    static std::expected<std::string, int> make(std::string_view prefix) {
        // Read before any thread starts (tests, benchmarks, the demo).
        const char* tmpdir = std::getenv("TMPDIR"); // NOLINT(concurrency-mt-unsafe)
        std::string base = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
        if (base.size() > 60) {
            base = "/tmp";
        }
        std::string pattern = base + "/" + std::string(prefix) + "-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            return std::unexpected(errno);
        }
        return pattern;
    }

    std::string path_;
};

} // namespace netipc::testing
