// An in-memory PacketConnection pair: a test double for framing and the
// levels above, with the same failure vocabulary as a real transport
// (timeout, aborted, disconnected, oversize packet) and no OS objects.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "netipc/concepts/transport.h"

namespace netipc::testing {

class LoopbackConnection {
public:
    // There is no OS object to wait on: native_handle() is always -1.
    using native_handle_type = int;

    LoopbackConnection(LoopbackConnection&&) noexcept = default;
    LoopbackConnection& operator=(LoopbackConnection&& other) noexcept {
        if (this != &other) {
            close();
            outgoing_ = std::move(other.outgoing_);
            incoming_ = std::move(other.incoming_);
            max_packet_ = other.max_packet_;
            packets_sent_ = other.packets_sent_;
            pieces_sent_ = other.pieces_sent_;
        }
        return *this;
    }
    LoopbackConnection(const LoopbackConnection&) = delete;
    LoopbackConnection& operator=(const LoopbackConnection&) = delete;
    // Like a socket: the peer sees the end when this end goes away.
    ~LoopbackConnection() { close(); }

    // Two connected ends; each end sends at most `max_packet` bytes a packet.
    static std::pair<LoopbackConnection, LoopbackConnection> make_pair(std::uint32_t max_packet) {
        auto a_to_b = std::make_shared<Channel>();
        auto b_to_a = std::make_shared<Channel>();
        return {LoopbackConnection(a_to_b, b_to_a, max_packet),
                LoopbackConnection(b_to_a, a_to_b, max_packet)};
    }

    Result<void> send_packet(std::span<const wire::Bytes> pieces, Deadline /*deadline*/) {
        std::vector<std::byte> packet;
        for (const wire::Bytes piece : pieces) {
            packet.insert(packet.end(), piece.begin(), piece.end());
        }
        if (packet.size() > max_packet_) {
            return fail(Errc::invalid_argument, "packet larger than the transport allows");
        }
        std::lock_guard lock(outgoing_->mutex);
        if (outgoing_->closed) {
            return fail(Errc::disconnected, "peer closed the loopback");
        }
        outgoing_->packets.push_back(std::move(packet));
        ++packets_sent_;
        pieces_sent_ += pieces.size();
        outgoing_->ready.notify_all();
        return {};
    }

    Result<std::size_t> receive_packet(wire::MutableBytes out, Deadline deadline,
                                       const AbortSignal* abort) {
        // Like the real transports: a raised abort wins even over a packet
        // that is already waiting.
        if (abort != nullptr && abort->raised()) {
            return fail(Errc::aborted, "abort signal raised");
        }
        std::unique_lock lock(incoming_->mutex);
        while (incoming_->packets.empty()) {
            if (abort != nullptr && abort->raised()) {
                return fail(Errc::aborted, "abort signal raised");
            }
            if (incoming_->closed) {
                return fail(Errc::disconnected, "peer closed the loopback");
            }
            if (deadline.expired()) {
                return fail(Errc::timeout, "no packet before the deadline");
            }
            // Wake in short slices to notice an abort raised elsewhere.
            const auto slice = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
            incoming_->ready.wait_until(
                lock, deadline.is_never() ? slice : std::min(slice, deadline.when()));
        }
        std::vector<std::byte> packet = std::move(incoming_->packets.front());
        incoming_->packets.pop_front();
        if (packet.size() > out.size()) {
            return fail(Errc::protocol_violation, "packet larger than the receive buffer");
        }
        if (!packet.empty()) {
            std::memcpy(out.data(), packet.data(), packet.size());
        }
        return packet.size();
    }

    [[nodiscard]] std::uint32_t max_packet_size() const noexcept { return max_packet_; }
    // No descriptor: callers of the double cannot poll it.
    [[nodiscard]] static native_handle_type native_handle() noexcept { return -1; }
    [[nodiscard]] std::size_t packets_sent() const noexcept { return packets_sent_; }
    // Gather pieces handed to send_packet(), over all packets sent.
    [[nodiscard]] std::size_t pieces_sent() const noexcept { return pieces_sent_; }

    // Ends both directions: blocked and later calls on either end fail
    // with Errc::disconnected. Safe from any thread (the channels are
    // locked), so interrupt() is the same thing.
    void close() noexcept { interrupt(); }
    void interrupt() noexcept {
        for (Channel* channel : {outgoing_.get(), incoming_.get()}) {
            if (channel != nullptr) {
                std::lock_guard lock(channel->mutex);
                channel->closed = true;
                channel->ready.notify_all();
            }
        }
    }

    // Injects raw bytes as if the peer had sent them (malformed input tests).
    void inject_incoming(std::vector<std::byte> packet) {
        std::lock_guard lock(incoming_->mutex);
        incoming_->packets.push_back(std::move(packet));
        incoming_->ready.notify_all();
    }

private:
    struct Channel {
        std::mutex mutex;
        std::condition_variable ready;
        std::deque<std::vector<std::byte>> packets;
        bool closed = false;
    };

    LoopbackConnection(std::shared_ptr<Channel> outgoing, std::shared_ptr<Channel> incoming,
                       std::uint32_t max_packet)
        : outgoing_(std::move(outgoing)), incoming_(std::move(incoming)), max_packet_(max_packet) {}

    std::shared_ptr<Channel> outgoing_;
    std::shared_ptr<Channel> incoming_;
    std::uint32_t max_packet_;
    std::size_t packets_sent_ = 0;
    std::size_t pieces_sent_ = 0;
};

static_assert(PacketConnection<LoopbackConnection>);

} // namespace netipc::testing
