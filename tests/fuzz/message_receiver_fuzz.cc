// Fuzz target: Level 1 message reassembly (framing::MessageReceiver) fed a
// hostile packet sequence through the in-memory loopback connection.
//
// Input format: byte 0 picks the packet size (33 + byte * 4), bytes 1-4 the
// payload ceiling (u32, reduced to at most 64 KiB), then packets, each a u16
// length followed by that many bytes. Seeds that are plain messages still
// exercise the first packet: a missing length prefix just makes one packet
// of whatever is left.
//
// Invariants: no crash, no read past what was received (ASan), and an
// accepted message is self-consistent: payload size equals payload_len and
// is within the ceiling, and a multi-item batch has a valid directory.
#include <algorithm>
#include <chrono>
#include <vector>

#include "framing/message_receiver.h"
#include "netipc/wire/batch.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/loopback_connection.h"

using namespace netipc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    if (in.size() < 5) {
        return 0;
    }
    const std::uint32_t packet_size = 33U + static_cast<std::uint32_t>(in[0]) * 4U;
    const std::uint32_t ceiling = fuzz::read_at<std::uint32_t>(in, 1) % (64U * 1024U + 1U);
    const wire::DirectionalLimits limits{ceiling, 1024};

    auto [peer, end] = testing::LoopbackConnection::make_pair(1U << 20U);
    std::size_t offset = 5;
    while (offset < in.size()) {
        std::size_t length = in.size() - offset;
        if (in.size() - offset >= 2) {
            length = std::min<std::size_t>(fuzz::read_at<std::uint16_t>(in, offset),
                                           in.size() - offset - 2);
            offset += 2;
        }
        end.inject_incoming(
            std::vector<std::byte>(in.begin() + static_cast<std::ptrdiff_t>(offset),
                                   in.begin() + static_cast<std::ptrdiff_t>(offset + length)));
        offset += length;
    }
    peer.close(); // no more packets: a short sequence ends in disconnected

    framing::MessageReceiver receiver(limits, packet_size);
    // Several messages may be in the sequence; stop at the first error.
    for (int i = 0; i < 8; ++i) {
        auto message = receiver.receive(end, Deadline::after(std::chrono::seconds(5)));
        if (!message) {
            return 0;
        }
        fuzz::touch(message->payload);
        NETIPC_FUZZ_CHECK(message->payload.size() == message->header.payload_len);
        NETIPC_FUZZ_CHECK(message->header.payload_len <= ceiling);
        if (message->header.is_batch() && message->header.item_count > 1) {
            auto batch = wire::BatchView::parse(message->payload, message->header.item_count);
            NETIPC_FUZZ_CHECK(batch.has_value());
            for (std::uint32_t item = 0; item < batch->size(); ++item) {
                fuzz::touch((*batch)[item]);
            }
        }
    }
    return 0;
}
