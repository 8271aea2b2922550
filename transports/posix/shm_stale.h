// Stale SHM region recovery: deciding whether an existing `.ipcshm` file
// belongs to a live server, and removing it when it does not.
//
// A region file is judged by its owner's liveness alone:
//   - open() fails with ENOENT: nothing there;
//   - open() fails with EMFILE/ENFILE: we cannot look, so the file is kept
//     and treated as in use (never delete what might be live);
//   - any other open failure, a non-regular file, a file shorter than the
//     64-byte header, or a wrong magic: junk, removed;
//   - owner_pid names a live process and owner_generation is non-zero: live;
//   - otherwise (dead owner, or a zero generation): stale, removed.
//
// All functions are thread-safe (they keep no state); they race with other
// processes only in the unavoidable check-then-unlink window.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "netipc/error.h"

namespace netipc::transports {

enum class ShmRegionState {
    absent,              // no file at the path
    junk,                // not a region at all: safe to remove
    stale,               // a region whose owner is gone: safe to remove
    live,                // owned by a live server: leave it alone
    in_use_fd_exhausted, // could not be opened for lack of descriptors: keep it
};

// True when `pid` names an existing process (kill(pid, 0) succeeds, or fails
// only with EPERM: it exists but belongs to someone else). pid <= 0 is never
// alive: kill() would address a process group.
bool process_alive(pid_t pid) noexcept;

// Looks at the file at `path` and classifies it by the rules above. Never
// modifies anything. Opening never blocks (a FIFO squatting on the path is
// opened non-blocking) and never follows a symlink (a symlink is junk).
ShmRegionState classify_existing_region(const std::string& path) noexcept;

// Classifies `path` and acts on it: junk and stale files are removed (an
// empty directory squatting on the path too) and reported as such; absent is
// returned as is; a live region, or one that cannot be inspected for lack of
// descriptors, fails with Errc::address_in_use (the file is kept). Removal
// failures other than ENOENT are Errc::os_error.
Result<ShmRegionState> recover_region_path(const std::string& path) noexcept;

// Applies recover_region_path() to every `{service}-{16 hex}.ipcshm` file in
// `run_dir` (exactly that service's files: service "a" never touches
// "a-b-....ipcshm"). Live files are skipped, not errors. Returns how many
// files were removed. A missing run_dir removes nothing; other directory
// errors are Errc::os_error; an invalid service name is
// Errc::invalid_argument.
Result<std::size_t> scan_stale_regions(const std::string& run_dir,
                                       std::string_view service) noexcept;

} // namespace netipc::transports
