#include "netipc/error.h"

#include <cstring>

namespace netipc {

const char* to_string(Errc code) noexcept {
    switch (code) {
        case Errc::truncated:
            return "truncated";
        case Errc::bad_magic:
            return "bad magic";
        case Errc::bad_version:
            return "bad version";
        case Errc::bad_header_len:
            return "bad header length";
        case Errc::bad_kind:
            return "bad message kind";
        case Errc::bad_layout:
            return "bad layout";
        case Errc::reserved_not_zero:
            return "reserved field not zero";
        case Errc::bad_alignment:
            return "bad alignment";
        case Errc::out_of_bounds:
            return "out of bounds";
        case Errc::missing_nul:
            return "missing NUL terminator";
        case Errc::overlapping_fields:
            return "overlapping fields";
        case Errc::bad_item_count:
            return "bad item count";
        case Errc::bad_chunk:
            return "bad chunk";
        case Errc::protocol_violation:
            return "protocol violation";
        case Errc::bad_status:
            return "bad status";
        case Errc::bad_field:
            return "bad field";
        case Errc::limit_exceeded:
            return "limit exceeded";
        case Errc::overflow:
            return "overflow";
        case Errc::message_too_large:
            return "message_too_large";
        case Errc::auth_failed:
            return "authentication failed";
        case Errc::unsupported:
            return "unsupported";
        case Errc::shm_unavailable:
            return "shared memory unavailable";
        case Errc::incompatible:
            return "incompatible";
        case Errc::not_found:
            return "not found";
        case Errc::address_in_use:
            return "address in use";
        case Errc::disconnected:
            return "disconnected";
        case Errc::not_ready:
            return "not ready";
        case Errc::timeout:
            return "timeout";
        case Errc::aborted:
            return "aborted";
        case Errc::invalid_argument:
            return "invalid argument";
        case Errc::os_error:
            return "system error";
        case Errc::internal:
            return "internal error";
    }
    return "unknown error";
}

namespace {

class NetipcCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "netipc"; }
    [[nodiscard]] std::string message(int value) const override {
        return to_string(static_cast<Errc>(value));
    }
};

} // namespace

const std::error_category& error_category() noexcept {
    static const NetipcCategory category;
    return category;
}

std::error_code make_error_code(Errc code) noexcept {
    return {static_cast<int>(code), error_category()};
}

std::string Error::message() const {
    std::string text = to_string(code);
    if (detail != nullptr && *detail != '\0') {
        text += ": ";
        text += detail;
    }
    if (sys_errno != 0) {
        text += " (";
        text += std::strerror(sys_errno); // NOLINT(concurrency-mt-unsafe): message text only
        text += ")";
    }
    return text;
}

} // namespace netipc
