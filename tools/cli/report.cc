#include "tools/cli/report.h"

#include <cerrno>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "tools/cli/exit_codes.h"

namespace netipc::cli {

int report_failure(std::string_view command, std::string_view doing, const Error& error) {
    std::string cause = error.message();
    if (error.code == Errc::os_error && error.sys_errno == ENOENT) {
        cause += " (does the run directory exist?)";
    } else if (error.code == Errc::disconnected) {
        cause += " (the provider closed the session without answering)";
    }
    fmt::print(stderr, "netipc {}: {}: {}\n", command, doing, cause);
    return to_int(exit_code_for(error.code));
}

int report_usage(std::string_view command, std::string_view message) {
    fmt::print(stderr, "netipc {}: {}\n", command, message);
    return to_int(ExitCode::usage);
}

int report_error(std::string_view command, std::string_view message) {
    fmt::print(stderr, "netipc {}: {}\n", command, message);
    return to_int(ExitCode::failure);
}

} // namespace netipc::cli
