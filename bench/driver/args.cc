#include "bench/driver/args.h"

#include <sys/stat.h>

#include <string_view>

#include "bench/driver/bench_config.h"
#include "tools/cli/numbers.h"

namespace netipc::bench::driver {

namespace {

template <class T>
std::optional<T> number(const std::string& text, const char* what, std::string& error) {
    auto value = cli::parse_unsigned<T>(text);
    if (!value) {
        error = std::string(what) + " must be an unsigned number, got '" + text + "'";
    }
    return value;
}

bool count_is(const Parsed& parsed, std::size_t low, std::size_t high, std::string& error) {
    const std::size_t count = parsed.positional.size();
    if (count < low || count > high) {
        error = "expected " + std::to_string(low)
                + (low == high ? "" : " to " + std::to_string(high)) + " arguments, got "
                + std::to_string(count);
        return false;
    }
    return true;
}

} // namespace

std::optional<Parsed> split_options(std::span<char* const> arguments, std::string& error) {
    Parsed parsed;
    parsed.auth_token = default_auth_token;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string_view argument = arguments[i];
        std::string token;
        if (argument == "--auth") {
            if (i + 1 == arguments.size()) {
                error = "--auth needs a token";
                return std::nullopt;
            }
            token = arguments[++i];
        } else if (argument.starts_with("--auth=")) {
            token = argument.substr(7);
        } else {
            parsed.positional.emplace_back(argument);
            continue;
        }
        auto value = number<std::uint64_t>(token, "--auth", error);
        if (!value) {
            return std::nullopt;
        }
        parsed.auth_token = *value;
    }
    return parsed;
}

std::optional<ServerArgs> server_args(const Parsed& parsed, std::string& error) {
    if (!count_is(parsed, 2, 3, error)) {
        return std::nullopt;
    }
    ServerArgs args{parsed.positional[0], parsed.positional[1], default_server_duration_s,
                    parsed.auth_token};
    if (parsed.positional.size() == 3) {
        auto duration = number<std::uint32_t>(parsed.positional[2], "duration_s", error);
        if (!duration) {
            return std::nullopt;
        }
        args.duration_s = *duration;
    }
    // The other drivers' servers create the run directory when it is
    // missing (mode 0700); an existing one is used as it is.
    (void)::mkdir(args.run_dir.c_str(), 0700);
    return args;
}

std::optional<ClientArgs> client_args(const Parsed& parsed, bool pipeline, std::string& error) {
    const std::size_t count = pipeline ? 5 : 4;
    if (!count_is(parsed, count, count, error)) {
        return std::nullopt;
    }
    auto duration = number<std::uint32_t>(parsed.positional[2], "duration_s", error);
    auto rps =
        duration ? number<std::uint64_t>(parsed.positional[3], "target_rps", error) : std::nullopt;
    if (!duration || !rps) {
        return std::nullopt;
    }
    if (*duration == 0) {
        error = "duration_s must be at least 1";
        return std::nullopt;
    }
    ClientArgs args{parsed.positional[0], parsed.positional[1], *duration, *rps, 1,
                    parsed.auth_token};
    if (pipeline) {
        auto depth = number<std::uint32_t>(parsed.positional[4], "depth", error);
        if (!depth) {
            return std::nullopt;
        }
        if (*depth == 0 || *depth > max_pipeline_depth) {
            error = "depth must be 1.." + std::to_string(max_pipeline_depth);
            return std::nullopt;
        }
        args.depth = *depth;
    }
    return args;
}

std::optional<std::uint32_t> duration_only(const Parsed& parsed, std::string& error) {
    if (!count_is(parsed, 1, 1, error)) {
        return std::nullopt;
    }
    auto duration = number<std::uint32_t>(parsed.positional[0], "duration_s", error);
    if (duration && *duration == 0) {
        error = "duration_s must be at least 1";
        return std::nullopt;
    }
    return duration;
}

} // namespace netipc::bench::driver
