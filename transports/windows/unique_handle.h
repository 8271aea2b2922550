// An owned Windows kernel object handle (mapping, event, process), closed
// with CloseHandle() on destruction. Both null and INVALID_HANDLE_VALUE mean
// "none", since Windows calls use either to report failure.
//
// Kept free of <windows.h> so that headers can hold one without pulling the
// whole Windows API (and its min/max macros) into their includers; the
// handle is stored as the void* that HANDLE is.
#pragma once

#include <utility>

namespace netipc::transports::windows {

class UniqueHandle {
public:
    UniqueHandle() noexcept = default;
    explicit UniqueHandle(void* handle) noexcept : handle_(handle) {}
    UniqueHandle(UniqueHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    UniqueHandle& operator=(UniqueHandle&& other) noexcept {
        if (this != &other) {
            reset(std::exchange(other.handle_, nullptr));
        }
        return *this;
    }
    UniqueHandle(const UniqueHandle&) = delete;
    UniqueHandle& operator=(const UniqueHandle&) = delete;
    ~UniqueHandle() { reset(); }

    [[nodiscard]] void* get() const noexcept { return handle_; }
    [[nodiscard]] bool valid() const noexcept { return handle_ != nullptr && handle_ != invalid(); }
    explicit operator bool() const noexcept { return valid(); }

    // Closes the current handle (if any) and takes `handle`.
    void reset(void* handle = nullptr) noexcept;

private:
    // INVALID_HANDLE_VALUE, spelt without <windows.h>.
    static void* invalid() noexcept {
        // NOLINTNEXTLINE(performance-no-int-to-ptr): the value Windows defines
        return reinterpret_cast<void*>(static_cast<long long>(-1));
    }

    void* handle_ = nullptr;
};

} // namespace netipc::transports::windows
