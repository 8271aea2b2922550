#include "transports/service_address.h"

namespace netipc::transports {

namespace {

constexpr bool is_service_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
           || c == '_' || c == '-';
}

} // namespace

Result<void> validate_service_name(std::string_view service) {
    if (service.empty()) {
        return fail(Errc::invalid_argument, "service name is empty");
    }
    if (service == "." || service == "..") {
        return fail(Errc::invalid_argument, R"(service name is "." or "..")");
    }
    for (const char c : service) {
        if (!is_service_char(c)) {
            return fail(Errc::invalid_argument,
                        "service name has a character outside [A-Za-z0-9._-]");
        }
    }
    return {};
}

Result<void> validate_run_dir(std::string_view run_dir) {
    if (run_dir.empty()) {
        return fail(Errc::invalid_argument, "run directory is empty");
    }
    if (run_dir.find('\0') != std::string_view::npos) {
        return fail(Errc::invalid_argument, "run directory contains a NUL byte");
    }
    return {};
}

Result<void> validate_service_address(const ServiceAddress& address) {
    if (auto ok = validate_run_dir(address.run_dir); !ok) {
        return ok;
    }
    return validate_service_name(address.service);
}

} // namespace netipc::transports
