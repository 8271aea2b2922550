// An in-process Transport double: listeners registered by name, connections
// made of LoopbackConnection pairs. Lets Session and the levels above be
// tested without sockets, and with a packet size of the test's choosing.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "netipc/concepts/transport.h"
#include "netipc/wire/constants.h"
#include "tests/support/loopback_connection.h"

namespace netipc::testing {

struct LoopbackTransport {
    static constexpr std::uint32_t profile_bits = wire::profile::baseline;
    static constexpr bool packet_limited = true;

    struct Address {
        std::string name;
        std::uint32_t packet_size = 65536;
    };
    using Connection = LoopbackConnection;

    class Listener {
    public:
        Result<Connection> accept(Deadline deadline, const AbortSignal* abort) {
            if (!queue_) {
                return fail(Errc::invalid_argument, "loopback listener is closed");
            }
            std::unique_lock lock(queue_->mutex);
            while (queue_->pending.empty()) {
                if (abort != nullptr && abort->raised()) {
                    return fail(Errc::aborted, "abort signal raised");
                }
                if (deadline.expired()) {
                    return fail(Errc::timeout, "no connection before the deadline");
                }
                const auto slice = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
                queue_->ready.wait_until(
                    lock, deadline.is_never() ? slice : std::min(slice, deadline.when()));
            }
            Connection connection = std::move(queue_->pending.front());
            queue_->pending.pop_front();
            return connection;
        }

        [[nodiscard]] const Address& address() const noexcept { return address_; }

        // Frees the name (later connects find nothing) and ends the
        // connections nobody accepted yet. Idempotent.
        void close() {
            if (!queue_) {
                return;
            }
            std::lock_guard lock(queue_->mutex);
            for (auto& pending : queue_->pending) {
                pending.close();
            }
            queue_->pending.clear();
            queue_.reset();
        }

    private:
        friend struct LoopbackTransport;
        struct Queue {
            std::mutex mutex;
            std::condition_variable ready;
            std::deque<Connection> pending;
        };
        std::shared_ptr<Queue> queue_ = std::make_shared<Queue>();
        Address address_;
    };

    static Result<Listener> listen(const Address& address) {
        std::lock_guard lock(registry_mutex());
        auto& slot = registry()[address.name];
        if (slot.lock()) {
            return fail(Errc::address_in_use, "a loopback listener already has this name");
        }
        Listener listener;
        listener.address_ = address;
        slot = listener.queue_;
        return listener;
    }

    static Result<Connection> connect(const Address& address, Deadline /*deadline*/) {
        std::shared_ptr<Listener::Queue> queue;
        {
            std::lock_guard lock(registry_mutex());
            queue = registry()[address.name].lock();
        }
        if (!queue) {
            return fail(Errc::not_found, "no loopback listener with this name");
        }
        auto [client, server] = LoopbackConnection::make_pair(address.packet_size);
        std::lock_guard lock(queue->mutex);
        queue->pending.push_back(std::move(server));
        queue->ready.notify_all();
        return std::move(client);
    }

private:
    static std::mutex& registry_mutex() {
        static std::mutex mutex;
        return mutex;
    }
    static std::map<std::string, std::weak_ptr<Listener::Queue>>& registry() {
        static std::map<std::string, std::weak_ptr<Listener::Queue>> names;
        return names;
    }
};

static_assert(Transport<LoopbackTransport>);

} // namespace netipc::testing
