#include "transports/posix/endpoint.h"

#include <sys/un.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>

namespace netipc::transports {

namespace {

constexpr std::string_view socket_suffix = ".sock";
constexpr std::string_view shm_suffix = ".ipcshm";
constexpr std::size_t session_id_hex_digits = 16;

constexpr bool is_lower_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

} // namespace

Result<std::string> socket_path(const ServiceAddress& address) {
    if (auto ok = validate_service_address(address); !ok) {
        return std::unexpected(ok.error());
    }
    std::string path;
    path.reserve(address.run_dir.size() + 1 + address.service.size() + socket_suffix.size());
    path.append(address.run_dir).append("/").append(address.service).append(socket_suffix);
    // The reference implementation requires room for the terminating NUL, so
    // a path every peer accepts is at most sizeof(sun_path) - 1 bytes.
    if (path.size() >= sizeof(sockaddr_un::sun_path)) {
        return fail(Errc::invalid_argument, "socket path does not fit sockaddr_un::sun_path");
    }
    return path;
}

Result<std::string> shm_path(const ServiceAddress& address, std::uint64_t session_id) {
    if (auto ok = validate_service_address(address); !ok) {
        return std::unexpected(ok.error());
    }
    static constexpr std::string_view hex_digits = "0123456789abcdef";
    std::array<char, session_id_hex_digits> hex{};
    for (std::size_t i = 0; i < hex.size(); ++i) {
        const auto shift = 4 * (hex.size() - 1 - i);
        hex.at(i) = hex_digits[(session_id >> shift) & 0xFU];
    }
    std::string path;
    path.reserve(address.run_dir.size() + 2 + address.service.size() + hex.size()
                 + shm_suffix.size());
    path.append(address.run_dir)
        .append("/")
        .append(address.service)
        .append("-")
        .append(hex.data(), hex.size())
        .append(shm_suffix);
    if (path.size() >= PATH_MAX) {
        return fail(Errc::invalid_argument, "SHM path is longer than PATH_MAX");
    }
    return path;
}

bool is_session_shm_file_name(std::string_view service, std::string_view file_name) noexcept {
    if (!validate_service_name(service)) {
        return false;
    }
    const std::size_t expected_size =
        service.size() + 1 + session_id_hex_digits + shm_suffix.size();
    if (file_name.size() != expected_size || !file_name.starts_with(service)
        || file_name[service.size()] != '-' || !file_name.ends_with(shm_suffix)) {
        return false;
    }
    const std::string_view hex = file_name.substr(service.size() + 1, session_id_hex_digits);
    return std::ranges::all_of(hex, is_lower_hex);
}

} // namespace netipc::transports
