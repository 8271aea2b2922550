#include "tools/cli/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <thread>
#include <utility>

extern char**
    environ; // NOLINT(readability-redundant-declaration): POSIX, not in <unistd.h> by default

namespace netipc::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
    posix::UniqueFd read;
    posix::UniqueFd write;
};

Result<Pipe> make_pipe() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
        return fail(Errc::os_error, "pipe2() failed", errno);
    }
    return Pipe{posix::UniqueFd(fds[0]), posix::UniqueFd(fds[1])};
}

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
    posix_spawnattr_t attributes{};
    posix_spawn_file_actions_t actions{};
    SpawnSetup() {
        (void)posix_spawnattr_init(&attributes);
        (void)posix_spawn_file_actions_init(&actions);
    }
    ~SpawnSetup() {
        (void)posix_spawn_file_actions_destroy(&actions);
        (void)posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    SpawnSetup(SpawnSetup&&) = delete;
    SpawnSetup& operator=(SpawnSetup&&) = delete;
};

int milliseconds_until(Clock::time_point deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0));
}

} // namespace

Result<ChildProcess> ChildProcess::spawn(const std::string& program,
                                         const std::vector<std::string>& arguments,
                                         bool capture_stderr) {
    auto out = make_pipe();
    if (!out) {
        return std::unexpected(out.error());
    }
    Pipe err;
    if (capture_stderr) {
        auto made = make_pipe();
        if (!made) {
            return std::unexpected(made.error());
        }
        err = std::move(*made);
    }

    SpawnSetup setup;
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
        sigaddset(&defaults, signal_number);
    }
    (void)posix_spawnattr_setsigmask(&setup.attributes, &none);
    (void)posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
    (void)posix_spawnattr_setflags(&setup.attributes,
                                   POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    (void)posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    // dup2 clears close-on-exec on the copy; the originals close at exec.
    (void)posix_spawn_file_actions_adddup2(&setup.actions, out->write.get(), STDOUT_FILENO);
    if (capture_stderr) {
        (void)posix_spawn_file_actions_adddup2(&setup.actions, err.write.get(), STDERR_FILENO);
    }

    std::vector<std::string> storage;
    storage.reserve(arguments.size() + 1);
    storage.push_back(program);
    storage.insert(storage.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    argv.reserve(storage.size() + 1);
    for (auto& argument : storage) {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);

    pid_t pid = -1;
    const int spawned =
        posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attributes, argv.data(), environ);
    if (spawned != 0) {
        return fail(Errc::os_error, "posix_spawn() failed", spawned);
    }
    return ChildProcess(pid, std::move(out->read), std::move(err.read));
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      out_fd_(std::move(other.out_fd_)),
      err_fd_(std::move(other.err_fd_)),
      out_(std::move(other.out_)),
      err_(std::move(other.err_)),
      line_start_(other.line_start_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
        out_fd_ = std::move(other.out_fd_);
        err_fd_ = std::move(other.err_fd_);
        out_ = std::move(other.out_);
        err_ = std::move(other.err_);
        line_start_ = other.line_start_;
    }
    return *this;
}

ChildProcess::~ChildProcess() {
    kill_and_reap();
}

void ChildProcess::kill_and_reap() noexcept {
    if (pid_ > 0) {
        (void)::kill(pid_, SIGKILL);
        while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
    }
}

bool ChildProcess::signal(int signal_number) const noexcept {
    return pid_ > 0 && ::kill(pid_, signal_number) == 0;
}

bool ChildProcess::pump(Clock::time_point deadline) {
    std::array<pollfd, 2> watched{};
    std::array<posix::UniqueFd*, 2> owners{};
    std::array<std::string*, 2> sinks{};
    nfds_t count = 0;
    for (auto [fd, sink] : {std::pair{&out_fd_, &out_}, std::pair{&err_fd_, &err_}}) {
        if (fd->valid()) {
            watched[count] = pollfd{fd->get(), POLLIN, 0};
            owners[count] = fd;
            sinks[count] = sink;
            ++count;
        }
    }
    if (count == 0) {
        return false;
    }
    const int ready = ::poll(watched.data(), count, milliseconds_until(deadline));
    if (ready <= 0) {
        return ready == 0 || errno == EINTR;
    }
    for (nfds_t i = 0; i < count; ++i) {
        if (watched[i].revents == 0) {
            continue;
        }
        std::array<char, 4096> chunk{};
        const ssize_t got = ::read(watched[i].fd, chunk.data(), chunk.size());
        if (got > 0) {
            sinks[i]->append(chunk.data(), static_cast<std::size_t>(got));
        } else if (got == 0 || errno != EINTR) {
            owners[i]->reset(); // end of output
        }
    }
    return true;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const auto newline = out_.find('\n', line_start_);
        if (newline != std::string::npos) {
            std::string line = out_.substr(line_start_, newline - line_start_);
            line_start_ = newline + 1;
            return line;
        }
        if (!out_fd_.valid() || Clock::now() >= deadline) {
            return std::nullopt;
        }
        (void)pump(deadline);
    }
}

std::optional<ChildProcess::Exit> ChildProcess::wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (out_fd_.valid() || err_fd_.valid()) {
        if (Clock::now() >= deadline) {
            return std::nullopt;
        }
        (void)pump(deadline);
    }
    if (pid_ <= 0) {
        return std::nullopt;
    }
    // Both pipes are closed, so the process is exiting; reap it, bounded.
    for (;;) {
        int status = 0;
        const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
        if (reaped == pid_) {
            pid_ = -1;
            if (WIFSIGNALED(status)) {
                return Exit{-1, WTERMSIG(status)};
            }
            return Exit{WEXITSTATUS(status), 0};
        }
        if (reaped < 0 && errno != EINTR) {
            return std::nullopt;
        }
        if (Clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

} // namespace netipc::cli
