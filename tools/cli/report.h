// How commands report failure: one line on stderr naming the command, what
// it was doing and the cause, and an exit status from exit_codes.h.
#pragma once

#include <string_view>

#include "netipc/error.h"
#include "tools/cli/endpoint_names.h" // describe_endpoint(), for the commands' messages

namespace netipc::cli {

// Prints "netipc COMMAND: DOING: CAUSE" and returns the exit status for
// `error`. Adds a hint when the cause alone is puzzling (a provider that
// drops the session without answering is usually a service of another
// kind).
int report_failure(std::string_view command, std::string_view doing, const Error& error);

// Prints "netipc COMMAND: MESSAGE" and returns the usage exit status.
int report_usage(std::string_view command, std::string_view message);

// Prints "netipc COMMAND: MESSAGE" and returns the general failure status.
int report_error(std::string_view command, std::string_view message);

} // namespace netipc::cli
