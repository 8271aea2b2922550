// A reference model of Level 1 message reassembly over a packet-limited
// connection, for the message_receiver fuzz target: given the packets a
// peer sent, what the receiver must make of them, message by message.
//
// Written from the envelope and chunking rules (netdata/plugin-ipc
// docs/level1-wire-envelope.md, docs/level1-transport.md), field by field
// with plain memcpy reads, independently of the library's decoders; only a
// batch directory is judged by wire::BatchView, which the batch target
// models on its own.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "netipc/error.h"
#include "netipc/wire/batch.h"
#include "tests/fuzz/fuzz_support.h"

namespace netipc::fuzz {

// What the receiver must return for one message: an error category, or the
// reassembled payload and the header fields a caller reads.
struct ExpectedMessage {
    std::optional<Errc> error;
    std::vector<std::byte> payload;
    std::uint16_t kind = 0;
    std::uint16_t code = 0;
    std::uint32_t item_count = 0;
    std::uint64_t message_id = 0;
};

class ReassemblyModel {
public:
    // `packets` as the peer sent them, then its close; the receiver's
    // packet size and directional limits.
    ReassemblyModel(std::span<const wire::Bytes> packets, std::uint32_t packet_size,
                    std::uint32_t max_payload, std::uint32_t max_items)
        : packets_(packets),
          packet_size_(packet_size),
          max_payload_(max_payload),
          max_items_(max_items) {}

    // The next message (after an error the receiver's session is over, so
    // callers stop there).
    ExpectedMessage next() {
        ExpectedMessage out;
        auto error = next_into(out);
        if (error) {
            out = ExpectedMessage{};
            out.error = error;
        }
        return out;
    }

private:
    static constexpr std::uint32_t message_magic = 0x4e495043; // "NIPC"
    static constexpr std::uint32_t chunk_magic = 0x4e43484b;   // "NCHK"
    static constexpr std::size_t header_size = 32;

    std::optional<wire::Bytes> take() {
        if (next_ == packets_.size()) {
            return std::nullopt;
        }
        return packets_[next_++];
    }

    std::optional<Errc> next_into(ExpectedMessage& out) {
        const auto first = take();
        if (!first) {
            return Errc::disconnected; // the peer closed
        }
        if (first->size() > packet_size_) {
            return Errc::protocol_violation; // longer than any packet may be
        }
        if (first->size() < header_size) {
            return Errc::truncated;
        }
        const wire::Bytes p = *first;
        if (read_at<std::uint32_t>(p, 0) != message_magic) {
            return Errc::bad_magic;
        }
        if (read_at<std::uint16_t>(p, 4) != 1) {
            return Errc::bad_version;
        }
        if (read_at<std::uint16_t>(p, 6) != header_size) {
            return Errc::bad_header_len;
        }
        out.kind = read_at<std::uint16_t>(p, 8);
        if (out.kind < 1 || out.kind > 3) {
            return Errc::bad_kind;
        }
        const bool batch = (read_at<std::uint16_t>(p, 10) & 1U) != 0;
        out.code = read_at<std::uint16_t>(p, 12);
        const auto payload_len = read_at<std::uint32_t>(p, 16);
        out.item_count = read_at<std::uint32_t>(p, 20);
        out.message_id = read_at<std::uint64_t>(p, 24);
        if (std::uint64_t{payload_len} + header_size > 0xffffffffU || payload_len > max_payload_
            || out.item_count > max_items_) {
            return Errc::limit_exceeded;
        }
        const std::uint64_t total = header_size + std::uint64_t{payload_len};
        if (total <= packet_size_) {
            if (p.size() < total) {
                return Errc::protocol_violation; // shorter than its payload_len
            }
            append(out.payload, p.subspan(header_size, payload_len));
        } else if (auto error = reassemble(out, p, payload_len)) {
            return error;
        }
        if (batch && out.item_count > 1) {
            auto directory = wire::BatchView::parse(out.payload, out.item_count);
            if (!directory) {
                return directory.error().code;
            }
        }
        return std::nullopt;
    }

    // A chunked message: a full first packet, then continuations in order,
    // each a chunk header naming the same message and the bytes it adds.
    std::optional<Errc> reassemble(ExpectedMessage& out, wire::Bytes first,
                                   std::uint32_t payload_len) {
        if (first.size() != packet_size_) {
            return Errc::bad_chunk;
        }
        const std::uint64_t budget = packet_size_ - header_size;
        const auto count = static_cast<std::uint32_t>((payload_len + budget - 1) / budget);
        const auto total = static_cast<std::uint32_t>(header_size + payload_len);
        append(out.payload, first.subspan(header_size));
        std::uint32_t index = 1;
        while (out.payload.size() < payload_len) {
            const auto packet = take();
            if (!packet) {
                return Errc::disconnected;
            }
            const std::size_t remaining = payload_len - out.payload.size();
            if (packet->size() > std::min<std::size_t>(packet_size_, header_size + remaining)) {
                return Errc::protocol_violation; // more than the message has left
            }
            const wire::Bytes c = *packet;
            if (c.size() < header_size) {
                return Errc::truncated;
            }
            if (read_at<std::uint32_t>(c, 0) != chunk_magic) {
                return Errc::bad_magic;
            }
            if (read_at<std::uint16_t>(c, 4) != 1) {
                return Errc::bad_version;
            }
            if (read_at<std::uint16_t>(c, 6) != 0) {
                return Errc::reserved_not_zero;
            }
            const auto message_id = read_at<std::uint64_t>(c, 8);
            const auto total_len = read_at<std::uint32_t>(c, 16);
            const auto chunk_index = read_at<std::uint32_t>(c, 20);
            const auto chunk_count = read_at<std::uint32_t>(c, 24);
            const auto chunk_len = read_at<std::uint32_t>(c, 28);
            const bool malformed =
                chunk_count == 0 || chunk_index >= chunk_count || chunk_len == 0 || total_len == 0;
            const bool foreign = message_id != out.message_id || total_len != total
                                 || chunk_count != count || chunk_index != index;
            const bool last = chunk_index + 1 == chunk_count;
            const bool wrong_length = chunk_len > remaining || (last && chunk_len != remaining)
                                      || c.size() != header_size + std::size_t{chunk_len};
            if (malformed || foreign || wrong_length) {
                return Errc::bad_chunk;
            }
            append(out.payload, c.subspan(header_size));
            ++index;
        }
        if (index != count) {
            return Errc::bad_chunk; // complete before its last chunk
        }
        return std::nullopt;
    }

    static void append(std::vector<std::byte>& to, wire::Bytes bytes) {
        to.insert(to.end(), bytes.begin(), bytes.end());
    }

    std::span<const wire::Bytes> packets_;
    std::size_t next_ = 0;
    std::uint32_t packet_size_;
    std::uint32_t max_payload_;
    std::uint32_t max_items_;
};

} // namespace netipc::fuzz
