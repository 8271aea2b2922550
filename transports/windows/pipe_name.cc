#include "transports/windows/pipe_name.h"

#include <array>
#include <cstddef>

namespace netipc::transports {

namespace {

constexpr std::string_view pipe_prefix = R"(\\.\pipe\netipc-)";
// The longest pipe name Windows accepts (CreateNamedPipe: 256 characters).
constexpr std::size_t max_pipe_name_chars = 256;

std::array<char, 16> lower_hex(std::uint64_t value) noexcept {
    constexpr std::string_view digits = "0123456789abcdef";
    std::array<char, 16> text{};
    for (std::size_t i = text.size(); i-- > 0; value >>= 4) {
        text[i] = digits[value & 0xf];
    }
    return text;
}

} // namespace

Result<std::string> pipe_name(const ServiceAddress& address) {
    if (auto ok = validate_service_address(address); !ok) {
        return std::unexpected(ok.error());
    }
    const auto hash = lower_hex(fnv1a_64(address.run_dir));
    std::string name;
    name.reserve(pipe_prefix.size() + hash.size() + 1 + address.service.size());
    name.append(pipe_prefix).append(hash.data(), hash.size()).append("-").append(address.service);
    if (name.size() > max_pipe_name_chars) {
        return fail(Errc::invalid_argument, "pipe name is longer than Windows allows (256)");
    }
    return name;
}

} // namespace netipc::transports
