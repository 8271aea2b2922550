// The driver's command line, shaped like every NetIPC driver's:
//   <server-subcommand> <run_dir> <service> [duration_s]
//   <client-subcommand> <run_dir> <service> <duration_s> <target_rps>
//   <pipeline-client>   <run_dir> <service> <duration_s> <target_rps> <depth>
//   lookup-bench        <duration_s>
// plus `--auth TOKEN` (decimal or 0x hex) anywhere, for a token other than
// default_auth_token.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace netipc::bench::driver {

struct ServerArgs {
    std::string run_dir;
    std::string service;
    std::uint32_t duration_s = 0;
    std::uint64_t auth_token = 0;
};

struct ClientArgs {
    std::string run_dir;
    std::string service;
    std::uint32_t duration_s = 0;
    std::uint64_t target_rps = 0; // 0: as fast as possible
    std::uint32_t depth = 1;      // pipeline clients only
    std::uint64_t auth_token = 0;
};

// The subcommand's arguments after `--auth` was taken out; a message saying
// what is wrong otherwise.
struct Parsed {
    std::vector<std::string> positional; // after the subcommand
    std::uint64_t auth_token = 0;
};
std::optional<Parsed> split_options(std::span<char* const> arguments, std::string& error);

std::optional<ServerArgs> server_args(const Parsed& parsed, std::string& error);
std::optional<ClientArgs> client_args(const Parsed& parsed, bool pipeline, std::string& error);
std::optional<std::uint32_t> duration_only(const Parsed& parsed, std::string& error);

} // namespace netipc::bench::driver
