#include "tools/cli/this_process.h"

#include <unistd.h>

#include <array>

#include "netipc/posix/process_identity.h"

namespace netipc::cli {

std::string this_program_path() {
    std::array<char, 4096> buffer{};
    const ssize_t length = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
    if (length <= 0) {
        return {};
    }
    return {buffer.data(), static_cast<std::size_t>(length)};
}

unsigned long this_process_id() noexcept {
    return static_cast<unsigned long>(::getpid());
}

std::optional<PeerIdentity> this_process_credentials() noexcept {
    return posix::this_process_identity();
}

} // namespace netipc::cli
