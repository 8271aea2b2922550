#include "bench/driver/server_cpu.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <string_view>

#include "bench/driver/pid_file.h"

namespace netipc::bench::driver {

namespace {

// Field `index` (0-based) of the space-separated text after the command
// name's closing parenthesis (which may itself hold spaces).
std::optional<unsigned long long> stat_field(std::string_view stat, int index) {
    const auto close = stat.rfind(')');
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view rest = stat.substr(close + 1);
    for (int field = 0;; ++field) {
        const auto start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) {
            return std::nullopt;
        }
        rest.remove_prefix(start);
        const auto end = std::min(rest.find(' '), rest.size());
        if (field == index) {
            unsigned long long value = 0;
            // from_chars reads the range [first, last): no terminator needed.
            // NOLINTNEXTLINE(bugprone-suspicious-stringview-data-usage)
            const auto [stop, error] = std::from_chars(rest.data(), rest.data() + end, value);
            if (error != std::errc{} || stop != rest.data() + end) {
                return std::nullopt;
            }
            return value;
        }
        rest.remove_prefix(end);
    }
}

} // namespace

std::optional<double> process_cpu_seconds(pid_t pid) noexcept {
    std::array<char, 64> path{};
    (void)std::snprintf(path.data(), path.size(), "/proc/%d/stat", static_cast<int>(pid));
    const int fd = ::open(path.data(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }
    std::array<char, 1024> text{};
    const ssize_t length = ::read(fd, text.data(), text.size() - 1);
    ::close(fd);
    if (length <= 0) {
        return std::nullopt;
    }
    // After the command name: state is field 0, utime 11 and stime 12
    // (proc(5) numbers them 3, 14 and 15).
    const std::string_view stat(text.data(), static_cast<std::size_t>(length));
    const auto user = stat_field(stat, 11);
    const auto system = stat_field(stat, 12);
    const long ticks = ::sysconf(_SC_CLK_TCK);
    if (!user || !system || ticks <= 0) {
        return std::nullopt;
    }
    return static_cast<double>(*user + *system) / static_cast<double>(ticks);
}

ServerCpu::ServerCpu(const std::string& run_dir, const std::string& service)
    : pid_(read_pid_file(run_dir, service).value_or(0)) {}

void ServerCpu::start() noexcept {
    if (pid_ > 0) {
        at_start_ = process_cpu_seconds(pid_);
    }
}

std::optional<double> ServerCpu::stop() const noexcept {
    if (!at_start_) {
        return std::nullopt;
    }
    const auto at_stop = process_cpu_seconds(pid_);
    if (!at_stop) {
        return std::nullopt;
    }
    return *at_stop - *at_start_;
}

} // namespace netipc::bench::driver
