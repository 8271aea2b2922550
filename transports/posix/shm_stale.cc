#include "transports/posix/shm_stale.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <memory>

#include "netipc/posix/unique_fd.h"
#include "netipc/wire/bytes.h"
#include "transports/posix/endpoint.h"
#include "transports/posix/shm_region_header.h"

namespace netipc::transports {

namespace {

// Removes whatever squats on `path`; a directory only when empty.
int remove_path(const std::string& path) noexcept {
    if (::unlink(path.c_str()) == 0 || errno == ENOENT) {
        return 0;
    }
    if (errno == EISDIR && (::rmdir(path.c_str()) == 0 || errno == ENOENT)) {
        return 0;
    }
    return errno;
}

struct DirCloser {
    void operator()(DIR* dir) const noexcept { (void)::closedir(dir); }
};

} // namespace

bool process_alive(pid_t pid) noexcept {
    if (pid <= 0) {
        return false;
    }
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

ShmRegionState classify_existing_region(const std::string& path) noexcept {
    // O_NONBLOCK: opening a FIFO read-only would otherwise wait for a writer.
    const posix::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd) {
        switch (errno) {
            case ENOENT:
                return ShmRegionState::absent;
            case EMFILE:
            case ENFILE:
                return ShmRegionState::in_use_fd_exhausted;
            default:
                return ShmRegionState::junk;
        }
    }
    struct stat info{};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)
        || info.st_size < static_cast<off_t>(shm_region_header_len)) {
        return ShmRegionState::junk;
    }
    // pread, not a mapping: only the write-once prefix is needed and a read
    // never races with the live fields the way a plain load from a mapping
    // would.
    std::array<std::byte, shm_offsets::live_fields> prefix{};
    if (::pread(fd.get(), prefix.data(), prefix.size(), 0) != static_cast<ssize_t>(prefix.size())) {
        return ShmRegionState::junk;
    }
    if (wire::load<std::uint32_t>(prefix.data()) != shm_region_magic) {
        return ShmRegionState::junk;
    }
    const auto owner_pid =
        static_cast<pid_t>(wire::load<std::uint32_t>(prefix.data() + shm_offsets::owner_pid));
    const auto owner_generation =
        wire::load<std::uint32_t>(prefix.data() + shm_offsets::owner_generation);
    if (owner_generation != 0 && process_alive(owner_pid)) {
        return ShmRegionState::live;
    }
    return ShmRegionState::stale;
}

Result<ShmRegionState> recover_region_path(const std::string& path) noexcept {
    const ShmRegionState state = classify_existing_region(path);
    switch (state) {
        case ShmRegionState::absent:
            return state;
        case ShmRegionState::live:
            return fail(Errc::address_in_use, "a live server owns the SHM region file");
        case ShmRegionState::in_use_fd_exhausted:
            return fail(Errc::address_in_use,
                        "SHM region file kept: no descriptor left to inspect it", EMFILE);
        case ShmRegionState::junk:
        case ShmRegionState::stale:
            if (const int err = remove_path(path); err != 0) {
                return fail(Errc::os_error, "removing a stale SHM region file failed", err);
            }
            return state;
    }
    return fail(Errc::internal, "unknown SHM region state");
}

Result<std::size_t> scan_stale_regions(const std::string& run_dir,
                                       std::string_view service) noexcept {
    if (auto valid = validate_service_name(service); !valid) {
        return std::unexpected(valid.error());
    }
    const std::unique_ptr<DIR, DirCloser> dir(::opendir(run_dir.c_str()));
    if (!dir) {
        if (errno == ENOENT) {
            return std::size_t{0};
        }
        return fail(Errc::os_error, "opening the run directory failed", errno);
    }
    std::size_t removed = 0;
    try {
        std::string path;
        for (;;) {
            errno = 0;
            // readdir() is only unsafe on a DIR shared between threads;
            // this one is private to the call.
            const dirent* entry = ::readdir(dir.get()); // NOLINT(concurrency-mt-unsafe)
            if (entry == nullptr) {
                if (errno != 0) {
                    return fail(Errc::os_error, "reading the run directory failed", errno);
                }
                break;
            }
            const std::string_view name(static_cast<const char*>(entry->d_name));
            if (!is_session_shm_file_name(service, name)) {
                continue;
            }
            path.assign(run_dir).append("/").append(name);
            auto outcome = recover_region_path(path);
            if (outcome
                && (*outcome == ShmRegionState::junk || *outcome == ShmRegionState::stale)) {
                ++removed;
            }
            // Live or busy files stay; a file we could not remove does not stop
            // the scan: creating that session's region will report it.
        }
    } catch (...) {
        return fail(Errc::os_error, "no memory while scanning the run directory", ENOMEM);
    }
    return removed;
}

} // namespace netipc::transports
