// Fuzz target: Level 1 message reassembly (framing::MessageReceiver) fed a
// hostile packet sequence through the in-memory loopback connection.
//
// Input format: byte 0 picks the packet size (33 + byte), bytes 1-4 the
// payload ceiling (u32, reduced to at most 64 KiB), then packets as
// fuzz::split_packets() reads them (u16 length, bytes). Seeds that are plain
// messages still exercise the first packet.
//
// Invariants: no crash, no read past what was received (ASan), and every
// message the receiver returns, or the error it stops at, is what the
// reference model of reassembly (reassembly_model.h) derives from the same
// packets: the same error category, or the same header fields and exactly
// the same payload bytes; an accepted batch has a valid directory.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

#include "framing/message_receiver.h"
#include "netipc/wire/batch.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/reassembly_model.h"
#include "tests/support/loopback_connection.h"

using namespace netipc;

namespace {

constexpr std::uint32_t max_batch_items = 1024;

void check_same(const framing::ReceivedMessage& message, const fuzz::ExpectedMessage& expected) {
    NETIPC_FUZZ_CHECK(!expected.error.has_value());
    fuzz::touch(message.payload);
    NETIPC_FUZZ_CHECK(message.payload.size() == expected.payload.size());
    NETIPC_FUZZ_CHECK(
        message.payload.empty()
        || std::memcmp(message.payload.data(), expected.payload.data(), expected.payload.size())
               == 0);
    NETIPC_FUZZ_CHECK(static_cast<std::uint16_t>(message.header.kind) == expected.kind);
    NETIPC_FUZZ_CHECK(message.header.code == expected.code);
    NETIPC_FUZZ_CHECK(message.header.item_count == expected.item_count);
    NETIPC_FUZZ_CHECK(message.header.message_id == expected.message_id);
    NETIPC_FUZZ_CHECK(message.batch.has_value()
                      == (message.header.is_batch() && message.header.item_count > 1));
    if (message.batch) {
        NETIPC_FUZZ_CHECK(message.batch->size() == message.header.item_count);
        for (std::uint32_t item = 0; item < message.batch->size(); ++item) {
            fuzz::touch((*message.batch)[item]);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    if (in.size() < 5) {
        return 0;
    }
    const std::uint32_t packet_size = 33U + static_cast<std::uint32_t>(in[0]);
    const std::uint32_t ceiling = fuzz::read_at<std::uint32_t>(in, 1) % (64U * 1024U + 1U);
    const std::vector<wire::Bytes> packets = fuzz::split_packets(in.subspan(5));

    auto [peer, end] = testing::LoopbackConnection::make_pair(1U << 20U);
    for (const wire::Bytes packet : packets) {
        end.inject_incoming(std::vector<std::byte>(packet.begin(), packet.end()));
    }
    peer.close(); // no more packets: a short sequence ends in disconnected

    framing::MessageReceiver receiver({ceiling, max_batch_items}, packet_size);
    fuzz::ReassemblyModel model(packets, packet_size, ceiling, max_batch_items);
    // Several messages may be in the sequence; the session ends at the
    // first error, on both sides.
    for (int i = 0; i < 8; ++i) {
        const fuzz::ExpectedMessage expected = model.next();
        auto message = receiver.receive(end, Deadline::after(std::chrono::seconds(5)));
        if (!message) {
            NETIPC_FUZZ_CHECK(expected.error.has_value());
            NETIPC_FUZZ_CHECK(message.error().code == *expected.error);
            NETIPC_FUZZ_CHECK(message.error().detail != nullptr);
            return 0;
        }
        check_same(*message, expected);
    }
    return 0;
}
