// The framing's own cost, without a transport: sending a message (header
// written in front of the payload, chunked above the packet size) into a
// connection that only counts bytes, and reassembling one from packets a
// connection replays from memory. What a real transport adds (syscalls,
// wakes) is in uds_pingpong_bench and shm_pingpong_bench.
//
//   ./bazelw run //bench:framing_bench -- --benchmark_min_time=0.5
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>

#include "framing/message_receiver.h"
#include "framing/send_message.h"
#include "netipc/wire/message_header.h"

namespace {

using namespace netipc;

// Accepts every packet and only adds up its size.
class CountingConnection {
public:
    using native_handle_type = int;
    Result<void> send_packet(std::span<const wire::Bytes> pieces, Deadline /*deadline*/) {
        for (const wire::Bytes piece : pieces) {
            bytes_ += piece.size();
        }
        benchmark::DoNotOptimize(pieces.data());
        return {};
    }
    static Result<std::size_t> receive_packet(wire::MutableBytes, Deadline, const AbortSignal*) {
        return fail(Errc::disconnected, "send only");
    }
    [[nodiscard]] static std::uint32_t max_packet_size() noexcept { return 0xffffffffU; }
    [[nodiscard]] static native_handle_type native_handle() noexcept { return -1; }
    void interrupt() noexcept {}
    void close() {}
    [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }

private:
    std::uint64_t bytes_ = 0;
};

// Hands out the packets of one message again and again, copying each into
// the receiver's buffer as a socket would.
class ReplayConnection {
public:
    using native_handle_type = int;
    explicit ReplayConnection(std::vector<std::vector<std::byte>> packets)
        : packets_(std::move(packets)) {}
    Result<void> send_packet(std::span<const wire::Bytes> pieces, Deadline /*deadline*/) {
        // Records what a sender hands over: the packets to replay.
        std::vector<std::byte> packet;
        for (const wire::Bytes piece : pieces) {
            packet.insert(packet.end(), piece.begin(), piece.end());
        }
        packets_.push_back(std::move(packet));
        return {};
    }
    Result<std::size_t> receive_packet(wire::MutableBytes out, Deadline, const AbortSignal*) {
        const auto& packet = packets_[next_];
        next_ = (next_ + 1) % packets_.size();
        std::memcpy(out.data(), packet.data(), packet.size());
        return packet.size();
    }
    [[nodiscard]] static std::uint32_t max_packet_size() noexcept { return 0xffffffffU; }
    [[nodiscard]] static native_handle_type native_handle() noexcept { return -1; }
    void interrupt() noexcept {}
    void close() {}

private:
    std::vector<std::vector<std::byte>> packets_;
    std::size_t next_ = 0;
};

// args: payload bytes, packet size.
void send_in_place(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    const auto packet_size = static_cast<std::uint32_t>(state.range(1));
    std::vector<std::byte> message(wire::message_header_size + payload, std::byte{0x5a});
    const auto header = wire::make_request_header(wire::MethodCode::string_reverse, 1,
                                                  static_cast<std::uint32_t>(payload));
    CountingConnection connection;
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores)
        if (!framing::send_message_in_place(connection, header, message, packet_size,
                                            Deadline::never())) {
            state.SkipWithError("send failed");
            break;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(connection.bytes()));
}
BENCHMARK(send_in_place)->Args({8, 212992})->Args({4096, 212992})->Args({65536, 16384});

void receive_message(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    const auto packet_size = static_cast<std::uint32_t>(state.range(1));
    std::vector<std::byte> message(wire::message_header_size + payload, std::byte{0x5a});
    const auto header = wire::make_request_header(wire::MethodCode::string_reverse, 1,
                                                  static_cast<std::uint32_t>(payload));
    ReplayConnection connection({});
    if (!framing::send_message_in_place(connection, header, message, packet_size,
                                        Deadline::never())) {
        state.SkipWithError("cannot record the packets");
        return;
    }
    framing::MessageReceiver receiver({1U << 20U, 1}, packet_size);
    for (auto _ : state) { // NOLINT(clang-analyzer-deadcode.DeadStores)
        auto received = receiver.receive(connection, Deadline::never());
        if (!received || received->payload.size() != payload) {
            state.SkipWithError("receive failed");
            break;
        }
        benchmark::DoNotOptimize(received->payload.data());
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(payload));
}
BENCHMARK(receive_message)->Args({8, 212992})->Args({4096, 212992})->Args({65536, 16384});

} // namespace

BENCHMARK_MAIN();
