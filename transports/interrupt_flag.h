// InterruptFlag: a sticky "this connection was interrupted" flag that one
// thread raises (interrupt() may come from any thread) and the owner's calls
// read. Moving carries the value over, so the connections that hold one stay
// movable (std::atomic itself is not). Platform-neutral; shared by the
// shared-memory transports.
#pragma once

#include <atomic>

namespace netipc::transports {

class InterruptFlag {
public:
    InterruptFlag() noexcept = default;
    InterruptFlag(InterruptFlag&& other) noexcept : raised_(other.raised()) {}
    InterruptFlag& operator=(InterruptFlag&& other) noexcept {
        raised_.store(other.raised(), std::memory_order_release);
        return *this;
    }
    InterruptFlag(const InterruptFlag&) = delete;
    InterruptFlag& operator=(const InterruptFlag&) = delete;
    ~InterruptFlag() = default;

    void raise() noexcept { raised_.store(true, std::memory_order_release); }
    [[nodiscard]] bool raised() const noexcept { return raised_.load(std::memory_order_acquire); }

private:
    std::atomic<bool> raised_{false};
};

} // namespace netipc::transports
