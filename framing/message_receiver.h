// Receiving one logical message from a packet connection, reassembling
// chunks, with every envelope and continuation check of the Level 1 spec.
//
// The receiver owns one buffer, sized once for the largest message the
// session's limits allow, and reuses it for every message: receiving does
// not allocate. Continuations are received straight into place (the 32
// bytes their chunk header overwrites are saved and restored), so the
// payload is never copied during reassembly either.
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <vector>

#include "netipc/concepts/transport.h"
#include "netipc/force_inline.h"
#include "netipc/wire/batch.h"
#include "netipc/wire/chunk_header.h"
#include "netipc/wire/message_header.h"

namespace netipc::framing {

// A received message: a view of what the receiver keeps, so handing it
// from layer to layer moves four words instead of the whole message. Every
// member borrows the receiver: valid until the next receive() on it.
struct ReceivedMessage {
    const wire::MessageHeader& header;
    wire::Bytes payload;
    // The items of a batch of more than one item, its directory already
    // validated (so nobody parses it twice); empty for any other message.
    // Borrows `payload`'s bytes.
    const std::optional<wire::BatchView>& batch;
};
// Session passes it by value through every layer of a round trip.
static_assert(sizeof(ReceivedMessage) <= 4 * sizeof(void*), "ReceivedMessage is a small view");

class MessageReceiver {
public:
    // For messages within `limits` over packets of `packet_size`. The buffer
    // starts at one whole packet (so an oversized message is still read and
    // reported as limit_exceeded rather than cut short) and grows to
    // the largest chunked message actually received, never beyond the
    // limits: a peer's generous ceiling costs nothing until it is used, and
    // after warm-up receiving does not allocate.
    MessageReceiver(const wire::DirectionalLimits& limits, std::uint32_t packet_size)
        : buffer_(packet_size), limits_(limits), packet_size_(packet_size) {}

    // Receives the next message. Errors: the transport's (timeout, aborted,
    // disconnected, os_error), an envelope that fails validation, a payload
    // or item count over the limits (Errc::limit_exceeded), a packet whose
    // length disagrees with its header, a broken chunk sequence
    // (Errc::bad_chunk), or a batch whose directory is inconsistent. Every
    // error leaves the session unusable: the caller closes it.
    // Inline (with the single-packet path): the caller gets the message
    // without a frame or a copy of its own.
    template <PacketConnection Connection>
    NETIPC_FORCE_INLINE Result<ReceivedMessage> receive(Connection& connection, Deadline deadline,
                                                        const AbortSignal* abort = nullptr);

    // After a receive() that failed once the message's header had decoded
    // (payload or item count over the limits, a length that disagrees with
    // the packet, a broken chunk sequence or batch directory, or a transport
    // failure between chunks): that header, so a server can still answer
    // its message_id with a terminal status. Empty after a successful
    // receive() and after a failure before any header decoded.
    [[nodiscard]] const std::optional<wire::MessageHeader>& failed_header() const noexcept {
        return failed_header_;
    }

    [[nodiscard]] const wire::DirectionalLimits& limits() const noexcept { return limits_; }

private:
    // The rest of the message whose first packet (`first_len` bytes in
    // buffer_) carried header_: inline, because nearly every message is one
    // packet and that path is a few compares.
    template <PacketConnection Connection>
    NETIPC_FORCE_INLINE Result<void> receive_body(Connection& connection, std::size_t first_len,
                                                  Deadline deadline, const AbortSignal* abort);
    // The continuations of a chunked message; out of line, off the
    // single-packet path.
    template <PacketConnection Connection>
    [[gnu::noinline]] Result<void> receive_chunked(Connection& connection, std::size_t first_len,
                                                   Deadline deadline, const AbortSignal* abort);
    template <PacketConnection Connection>
    Result<void> receive_continuations(Connection& connection, const wire::MessageHeader& header,
                                       std::uint32_t chunk_count, Deadline deadline,
                                       const AbortSignal* abort);
    // A batch's directory, checked once here so nobody parses it twice.
    [[gnu::noinline]] Result<void> parse_batch() {
        auto batch = wire::BatchView::parse(
            wire::Bytes(buffer_.data() + wire::message_header_size, header_.payload_len),
            header_.item_count);
        if (!batch) {
            return std::unexpected(batch.error());
        }
        batch_ = *batch;
        return {};
    }

    std::vector<std::byte> buffer_;
    wire::DirectionalLimits limits_;
    std::uint32_t packet_size_;
    std::optional<wire::MessageHeader> failed_header_;
    // The last message received, which ReceivedMessage views.
    wire::MessageHeader header_{};
    std::optional<wire::BatchView> batch_;
};

template <PacketConnection Connection>
inline Result<ReceivedMessage> MessageReceiver::receive(Connection& connection, Deadline deadline,
                                                        const AbortSignal* abort) {
    failed_header_.reset();
    // A first packet gets one packet's room, never the whole buffer (which
    // grows to the largest chunked message seen): a packet longer than the
    // agreed size is a violation whatever the session received before.
    const wire::MutableBytes first_room(buffer_.data(), packet_size_);
    auto received = connection.receive_packet(first_room, deadline, abort);
    if (!received) {
        return std::unexpected(received.error());
    }
    auto header = wire::decode_message_header(wire::Bytes(buffer_.data(), *received));
    if (!header) {
        return std::unexpected(header.error());
    }
    header_ = *header;
    if (auto body = receive_body(connection, *received, deadline, abort); !body) {
        failed_header_ = header_;
        return std::unexpected(body.error());
    }
    return ReceivedMessage{
        header_, wire::Bytes(buffer_.data() + wire::message_header_size, header_.payload_len),
        batch_};
}

template <PacketConnection Connection>
inline Result<void> MessageReceiver::receive_body(Connection& connection, std::size_t first_len,
                                                  Deadline deadline, const AbortSignal* abort) {
    if (auto within = wire::check_limits(header_, limits_); !within) {
        return within;
    }
    batch_.reset();
    const std::size_t total = wire::message_header_size + std::size_t{header_.payload_len};
    if (total > packet_size_) {
        if (auto rest = receive_chunked(connection, first_len, deadline, abort); !rest) {
            return rest;
        }
    } else if (first_len < total) {
        // Trailing bytes after the payload are ignored, as the reference
        // receiver does; a short packet is a violation.
        return fail(Errc::protocol_violation, "packet shorter than its payload_len");
    }
    // A directory exists only when a batch holds more than one item (the
    // reference receiver checks it under the same condition).
    if (header_.is_batch() && header_.item_count > 1) {
        return parse_batch();
    }
    return {};
}

template <PacketConnection Connection>
Result<void> MessageReceiver::receive_chunked(Connection& connection, std::size_t first_len,
                                              Deadline deadline, const AbortSignal* abort) {
    const std::size_t total = wire::message_header_size + std::size_t{header_.payload_len};
    if (buffer_.size() < total) {
        buffer_.resize(total); // keeps the first packet; grows once per new maximum
    }
    // A chunked message fills its first packet completely.
    if (first_len != packet_size_) {
        return fail(Errc::bad_chunk, "first chunk of a chunked message is not a full packet");
    }
    auto chunk_count = wire::chunk_count_for(header_.payload_len, packet_size_);
    if (!chunk_count) {
        return std::unexpected(chunk_count.error());
    }
    return receive_continuations(connection, header_, *chunk_count, deadline, abort);
}

template <PacketConnection Connection>
Result<void> MessageReceiver::receive_continuations(Connection& connection,
                                                    const wire::MessageHeader& header,
                                                    std::uint32_t chunk_count, Deadline deadline,
                                                    const AbortSignal* abort) {
    wire::ChunkExpectation expected;
    expected.message_id = header.message_id;
    expected.total_message_len =
        static_cast<std::uint32_t>(wire::message_header_size) + header.payload_len;
    expected.chunk_count = chunk_count;
    expected.next_chunk_index = 1;
    std::size_t filled = packet_size_; // bytes of the message in buffer_ so far
    expected.remaining_payload = expected.total_message_len - static_cast<std::uint32_t>(filled);

    while (expected.remaining_payload > 0) {
        // Land the continuation so its payload follows the bytes already
        // received; its header temporarily overwrites the last 32 of them.
        std::byte* landing = buffer_.data() + filled - wire::chunk_header_size;
        std::array<std::byte, wire::chunk_header_size> saved{};
        std::memcpy(saved.data(), landing, saved.size());
        const std::size_t room = std::min<std::size_t>(
            packet_size_, wire::chunk_header_size + std::size_t{expected.remaining_payload});
        auto received =
            connection.receive_packet(wire::MutableBytes(landing, room), deadline, abort);
        std::array<std::byte, wire::chunk_header_size> chunk_bytes{};
        if (received) {
            std::memcpy(chunk_bytes.data(), landing,
                        std::min<std::size_t>(*received, chunk_bytes.size()));
        }
        std::memcpy(landing, saved.data(), saved.size());
        if (!received) {
            return std::unexpected(received.error());
        }
        auto chunk = wire::decode_chunk_header(
            wire::Bytes(chunk_bytes).first(std::min<std::size_t>(*received, chunk_bytes.size())));
        if (!chunk) {
            return std::unexpected(chunk.error());
        }
        if (auto consistent = wire::check_continuation(*chunk, expected); !consistent) {
            return consistent;
        }
        if (*received != wire::chunk_header_size + std::size_t{chunk->chunk_payload_len}) {
            return fail(Errc::bad_chunk, "continuation length disagrees with chunk_payload_len");
        }
        filled += chunk->chunk_payload_len;
        expected.remaining_payload -= chunk->chunk_payload_len;
        ++expected.next_chunk_index;
    }
    if (expected.next_chunk_index != chunk_count) {
        return fail(Errc::bad_chunk, "message completed before its last chunk");
    }
    return {};
}

} // namespace netipc::framing
