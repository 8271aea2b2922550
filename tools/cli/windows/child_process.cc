#include "tools/cli/child_process.h"

#define WIN32_LEAN_AND_MEAN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <algorithm>
#include <array>
#include <utility>

#include "tools/cli/windows/stop_event.h"

namespace netipc::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Closes a handle on every path out of spawn().
struct ScopedHandle {
    HANDLE handle = nullptr;
    ScopedHandle() = default;
    explicit ScopedHandle(HANDLE h) : handle(h) {}
    ScopedHandle(const ScopedHandle&) = delete;
    ScopedHandle& operator=(const ScopedHandle&) = delete;
    ScopedHandle(ScopedHandle&&) = delete;
    ScopedHandle& operator=(ScopedHandle&&) = delete;
    ~ScopedHandle() {
        if (handle != nullptr && handle != INVALID_HANDLE_VALUE) {
            CloseHandle(handle);
        }
    }
    HANDLE release() { return std::exchange(handle, nullptr); }
};

std::unexpected<Error> os_failure(const char* detail) {
    return fail(Errc::os_error, detail, static_cast<int>(GetLastError()));
}

// One argument quoted the way the C runtime splits a command line: inside
// quotes, backslashes are literal unless they precede a quote, where they
// are doubled and the quote escaped.
std::wstring quoted(const std::string& argument) {
    std::wstring text = L"\"";
    std::size_t backslashes = 0;
    for (const char c : argument) {
        if (c == '\\') {
            ++backslashes;
            continue;
        }
        if (c == '"') {
            text.append(backslashes * 2 + 1, L'\\');
        } else {
            text.append(backslashes, L'\\');
        }
        backslashes = 0;
        text.push_back(static_cast<wchar_t>(static_cast<unsigned char>(c)));
    }
    text.append(backslashes * 2, L'\\');
    text.push_back(L'"');
    return text;
}

std::wstring widened(const std::string& text) {
    if (text.empty()) {
        return {};
    }
    const int length =
        MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
    std::wstring wide(static_cast<std::size_t>(std::max(length, 0)), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), wide.data(),
                        length);
    return wide;
}

// An inheritable copy of `handle` for the child; the caller closes it after
// the child started.
HANDLE inheritable(HANDLE handle) {
    HANDLE copy = nullptr;
    if (handle == nullptr || handle == INVALID_HANDLE_VALUE
        || DuplicateHandle(GetCurrentProcess(), handle, GetCurrentProcess(), &copy, 0, TRUE,
                           DUPLICATE_SAME_ACCESS)
               == 0) {
        return nullptr;
    }
    return copy;
}

} // namespace

Result<ChildProcess> ChildProcess::spawn(const std::string& program,
                                         const std::vector<std::string>& arguments,
                                         bool capture_stderr) {
    SECURITY_ATTRIBUTES inherit{};
    inherit.nLength = sizeof(inherit);
    inherit.bInheritHandle = TRUE;

    // Pipes: the parent's read ends stay private, the write ends go to the
    // child and are closed here once it started, so end-of-output comes
    // when the child (and only the child) closes them.
    ScopedHandle out_read;
    ScopedHandle out_write;
    if (CreatePipe(&out_read.handle, &out_write.handle, &inherit, 0) == 0) {
        return os_failure("CreatePipe() failed for the child's stdout");
    }
    SetHandleInformation(out_read.handle, HANDLE_FLAG_INHERIT, 0);
    ScopedHandle err_read;
    ScopedHandle err_write;
    if (capture_stderr) {
        if (CreatePipe(&err_read.handle, &err_write.handle, &inherit, 0) == 0) {
            return os_failure("CreatePipe() failed for the child's stderr");
        }
        SetHandleInformation(err_read.handle, HANDLE_FLAG_INHERIT, 0);
    } else {
        err_write.handle = inheritable(GetStdHandle(STD_ERROR_HANDLE));
    }
    ScopedHandle null_input(CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                        &inherit, OPEN_EXISTING, 0, nullptr));

    std::wstring command_line = quoted(program);
    for (const auto& argument : arguments) {
        command_line += L' ';
        command_line += quoted(argument);
    }
    STARTUPINFOW startup{};
    startup.cb = sizeof(startup);
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = null_input.handle;
    startup.hStdOutput = out_write.handle;
    startup.hStdError = err_write.handle;
    PROCESS_INFORMATION started{};
    const std::wstring application = widened(program);
    if (CreateProcessW(application.c_str(), command_line.data(), nullptr, nullptr, TRUE,
                       CREATE_NO_WINDOW, nullptr, nullptr, &startup, &started)
        == 0) {
        return os_failure("CreateProcessW() failed");
    }
    CloseHandle(started.hThread);

    ChildProcess child;
    child.process_ = started.hProcess;
    child.pid_ = started.dwProcessId;
    child.output_ = std::make_unique<Output>();
    auto* output = child.output_.get();
    const auto start_reader = [&child, output](HANDLE pipe, std::string Output::* sink,
                                               bool Output::* open) {
        output->*open = true;
        child.readers_.emplace_back([output, pipe, sink, open] {
            std::array<char, 4096> chunk{};
            DWORD got = 0;
            while (ReadFile(pipe, chunk.data(), static_cast<DWORD>(chunk.size()), &got, nullptr)
                       != 0
                   && got > 0) {
                const std::lock_guard lock(output->mutex);
                (output->*sink).append(chunk.data(), got);
                output->changed.notify_all();
            }
            CloseHandle(pipe);
            const std::lock_guard lock(output->mutex);
            output->*open = false;
            output->changed.notify_all();
        });
    };
    start_reader(out_read.release(), &Output::out, &Output::out_open);
    if (capture_stderr) {
        start_reader(err_read.release(), &Output::err, &Output::err_open);
    }
    return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : process_(std::exchange(other.process_, nullptr)),
      pid_(std::exchange(other.pid_, 0)),
      output_(std::move(other.output_)),
      readers_(std::move(other.readers_)),
      line_start_(other.line_start_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        terminate_and_wait();
        process_ = std::exchange(other.process_, nullptr);
        pid_ = std::exchange(other.pid_, 0);
        output_ = std::move(other.output_);
        readers_ = std::move(other.readers_);
        line_start_ = other.line_start_;
    }
    return *this;
}

ChildProcess::~ChildProcess() {
    terminate_and_wait();
}

void ChildProcess::terminate_and_wait() noexcept {
    if (process_ != nullptr) {
        TerminateProcess(process_, 1);
        WaitForSingleObject(process_, INFINITE);
        CloseHandle(process_);
        process_ = nullptr;
    }
    // The child is gone, so its pipes end and the readers return.
    for (auto& reader : readers_) {
        if (reader.joinable()) {
            reader.join();
        }
    }
    readers_.clear();
}

bool ChildProcess::signal(int /*signal_number*/) const noexcept {
    if (process_ == nullptr || WaitForSingleObject(process_, 0) == WAIT_OBJECT_0) {
        return false;
    }
    const std::wstring name = stop_event_name(pid_);
    HANDLE event = OpenEventW(EVENT_MODIFY_STATE, FALSE, name.c_str());
    if (event == nullptr) {
        return false;
    }
    const bool set = SetEvent(event) != 0;
    CloseHandle(event);
    return set;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
    if (!output_) {
        return std::nullopt;
    }
    const auto deadline = Clock::now() + timeout;
    std::unique_lock lock(output_->mutex);
    for (;;) {
        const auto newline = output_->out.find('\n', line_start_);
        if (newline != std::string::npos) {
            std::string line = output_->out.substr(line_start_, newline - line_start_);
            line_start_ = newline + 1;
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            return line;
        }
        if (!output_->out_open
            || output_->changed.wait_until(lock, deadline) == std::cv_status::timeout) {
            if (output_->out.find('\n', line_start_) == std::string::npos) {
                return std::nullopt;
            }
        }
    }
}

std::optional<ChildProcess::Exit> ChildProcess::wait(std::chrono::milliseconds timeout) {
    if (process_ == nullptr || !output_) {
        return std::nullopt;
    }
    const auto deadline = Clock::now() + timeout;
    {
        std::unique_lock lock(output_->mutex);
        if (!output_->changed.wait_until(
                lock, deadline, [this] { return !output_->out_open && !output_->err_open; })) {
            return std::nullopt;
        }
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (WaitForSingleObject(process_, static_cast<DWORD>(std::max<long long>(left.count(), 0)))
        != WAIT_OBJECT_0) {
        return std::nullopt;
    }
    DWORD code = 0;
    GetExitCodeProcess(process_, &code);
    CloseHandle(process_);
    process_ = nullptr;
    for (auto& reader : readers_) {
        reader.join();
    }
    readers_.clear();
    return Exit{static_cast<int>(code), 0};
}

const std::string& ChildProcess::out() const noexcept {
    if (output_) {
        const std::lock_guard lock(output_->mutex);
        out_copy_ = output_->out;
    }
    return out_copy_;
}

const std::string& ChildProcess::err() const noexcept {
    if (output_) {
        const std::lock_guard lock(output_->mutex);
        err_copy_ = output_->err;
    }
    return err_copy_;
}

} // namespace netipc::cli
