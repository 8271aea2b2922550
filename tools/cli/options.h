// Command-line options shared by several commands: where the endpoint is
// (--run-dir, --service), how to reach it (--auth, --transport), and the
// unsigned-number options every command parses the same way.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "services/client_config.h"
#include "services/server_config.h"
#include "tools/cli/numbers.h"
#include "transports/service_address.h"

namespace netipc::cli {

// The service kinds the program can serve and call.
inline constexpr std::string_view kind_increment = "increment";
inline constexpr std::string_view kind_string_reverse = "string-reverse";
inline constexpr std::string_view kind_cgroups_snapshot = "cgroups-snapshot";
inline constexpr std::string_view kind_cgroups_lookup = "cgroups-lookup";
inline constexpr std::string_view kind_apps_lookup = "apps-lookup";

// --transport values. "shm" offers shared memory and prefers it (the peer
// may still choose the baseline); "baseline" keeps to the socket.
inline constexpr std::string_view transport_baseline = "baseline";
inline constexpr std::string_view transport_shm = "shm";

struct EndpointOptions {
    std::string run_dir;
    std::string service;
    std::uint64_t auth_token = 0;
    std::string transport{transport_shm};

    [[nodiscard]] transports::ServiceAddress address() const { return {run_dir, service}; }
    [[nodiscard]] bool shm() const { return transport == transport_shm; }
};

// Whether --service must be given, or defaults to the command's KIND
// argument (the name providers usually publish that service under).
enum class ServiceOption : bool { required, defaults_to_kind };

// Adds --run-dir (or $NETIPC_RUN_DIR), --service, --auth and --transport.
// With ServiceOption::defaults_to_kind the command fills options.service
// from its KIND after parsing, when it is still empty.
void add_endpoint_options(CLI::App& command, EndpointOptions& options, ServiceOption service);

// The Level 2 configurations those options stand for.
services::ClientConfig client_config(const EndpointOptions& options);
services::ServerConfig server_config(const EndpointOptions& options);

// "baseline" or "shm-hybrid" (with the bits for anything else).
std::string profile_name(std::uint32_t profile_bits);

// Adds an option holding an unsigned number in decimal or 0x-hex, within
// [min, max]; anything else is a usage error naming the option.
template <std::unsigned_integral T>
CLI::Option* add_unsigned_option(CLI::App& command, const std::string& name, T& target,
                                 const std::string& help, T min = 0,
                                 T max = std::numeric_limits<T>::max()) {
    auto check = [min, max](std::string& text) -> std::string {
        const auto value = parse_unsigned<T>(text);
        if (!value) {
            return fmt::format("'{}' is not a decimal or 0x-hex number that fits {} bits", text,
                               std::numeric_limits<T>::digits);
        }
        if (*value < min || *value > max) {
            return fmt::format("{} is outside [{}, {}]", text, min, max);
        }
        return {};
    };
    return command
        .add_option_function<std::string>(
            name, [&target](const std::string& text) { target = *parse_unsigned<T>(text); }, help)
        ->check(CLI::Validator(check, ""))
        ->type_name("N");
}

} // namespace netipc::cli
