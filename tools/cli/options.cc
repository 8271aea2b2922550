#include "tools/cli/options.h"

#include "netipc/negotiation.h"
#include "netipc/wire/constants.h"

namespace netipc::cli {

namespace profile = wire::profile;

void add_endpoint_options(CLI::App& command, EndpointOptions& options, ServiceOption service) {
    command
        .add_option("--run-dir", options.run_dir,
                    "Directory holding the service sockets (Netdata: its run directory)")
        ->envname("NETIPC_RUN_DIR")
        ->required()
        ->type_name("DIR");
    auto* name = command.add_option("--service", options.service,
                                    service == ServiceOption::required
                                        ? "Service name: the socket is DIR/NAME.sock"
                                        : "Service name: the socket is DIR/NAME.sock "
                                          "(default: KIND)");
    name->type_name("NAME");
    if (service == ServiceOption::required) {
        name->required();
    }
    add_unsigned_option(command, "--auth", options.auth_token,
                        "Auth token both peers must share (decimal or 0x-hex u64; default 0)")
        ->type_name("TOKEN");
    command
        .add_option("--transport", options.transport,
                    "baseline: the socket only; shm: offer shared memory as well and prefer it")
        ->check(CLI::IsMember({std::string(transport_baseline), std::string(transport_shm)}))
        ->default_str(std::string(transport_shm));
}

namespace {

// What --transport asks for, the same on both sides: the baseline alone, or
// shared memory offered and preferred. Level 2 narrows it to what the
// transport type carries (netipc/negotiation.h).
ProfileOffer requested_profiles(const EndpointOptions& options) {
    return options.shm()
               ? ProfileOffer{profile::baseline | profile::shm_hybrid, profile::shm_hybrid}
               : ProfileOffer{profile::baseline, profile::baseline};
}

} // namespace

services::ClientConfig client_config(const EndpointOptions& options) {
    const ProfileOffer profiles = requested_profiles(options);
    services::ClientConfig config;
    config.auth_token = options.auth_token;
    config.profiles = profiles.supported;
    config.preferred_profiles = profiles.preferred;
    return config;
}

services::ServerConfig server_config(const EndpointOptions& options) {
    const ProfileOffer profiles = requested_profiles(options);
    services::ServerConfig config;
    config.auth_token = options.auth_token;
    config.profiles = profiles.supported;
    config.preferred_profiles = profiles.preferred;
    return config;
}

std::string profile_name(std::uint32_t profile_bits) {
    switch (profile_bits) {
        case profile::baseline:
            return "baseline";
        case profile::shm_hybrid:
            return "shm-hybrid";
        default:
            return fmt::format("0x{:02x}", profile_bits);
    }
}

} // namespace netipc::cli
