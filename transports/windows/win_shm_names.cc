#include "transports/windows/win_shm_names.h"

#include <array>
#include <charconv>

#include "transports/service_address.h"
#include "transports/windows/pipe_name.h" // fnv1a_64

namespace netipc::transports {

namespace {

// `value` in lower-case hex, zero-padded to 16 digits.
std::string hex16(std::uint64_t value) {
    std::string digits(16, '0');
    std::array<char, 16> buffer{};
    auto* const end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, 16).ptr;
    const auto length = static_cast<std::size_t>(end - buffer.data());
    digits.replace(16 - length, length, buffer.data(), length);
    return digits;
}

} // namespace

std::uint64_t win_shm_name_hash(std::string_view run_dir, std::string_view service,
                                std::uint64_t auth_token) {
    std::string input;
    input.append(run_dir).append("\n").append(service).append("\n");
    input.append(std::to_string(auth_token));
    return fnv1a_64(input);
}

Result<WinShmObjectNames> win_shm_object_names(const WinShmNameInputs& inputs) {
    if (auto ok = validate_run_dir(inputs.run_dir); !ok) {
        return std::unexpected(ok.error());
    }
    if (auto ok = validate_service_name(inputs.service); !ok) {
        return std::unexpected(ok.error());
    }
    std::string stem = "Local\\netipc-";
    stem.append(hex16(win_shm_name_hash(inputs.run_dir, inputs.service, inputs.auth_token)));
    stem.append("-").append(inputs.service).append("-p").append(std::to_string(inputs.profile));
    stem.append("-s").append(hex16(inputs.session_id)).append("-");
    // ASCII only, so widening is a per-character copy.
    const auto widen = [&stem](std::string_view suffix) {
        std::wstring wide(stem.begin(), stem.end());
        wide.append(suffix.begin(), suffix.end());
        return wide;
    };
    return WinShmObjectNames{
        .mapping = widen("mapping"),
        .request_event = widen("req_event"),
        .response_event = widen("resp_event"),
    };
}

} // namespace netipc::transports
