#include "netipc/wire/message_header.h"

namespace netipc::wire {

Result<MessageHeader> decode_message_header(Bytes in) noexcept {
    auto header = decode<MessageHeader>(in);
    if (!header) {
        return header;
    }
    switch (header->kind) {
        case MessageKind::request:
        case MessageKind::response:
        case MessageKind::control:
            return header;
    }
    return fail(Errc::bad_kind, "message kind is not REQUEST, RESPONSE or CONTROL");
}

Result<void> check_limits(const MessageHeader& header, const DirectionalLimits& limits) noexcept {
    // A whole message (header + payload) must be describable by the chunk
    // header's u32 total_message_len, whatever the negotiated ceiling.
    if (header.payload_len > max_message_payload) {
        return fail(Errc::limit_exceeded, "payload_len leaves no room for the header in a u32");
    }
    if (header.payload_len > limits.max_payload_bytes) {
        return fail(Errc::limit_exceeded, "payload_len exceeds the negotiated payload ceiling");
    }
    if (header.item_count > limits.max_batch_items) {
        return fail(Errc::limit_exceeded, "item_count exceeds the negotiated batch-item ceiling");
    }
    return {};
}

MessageHeader make_request_header(MethodCode code, std::uint64_t message_id,
                                  std::uint32_t payload_len) noexcept {
    MessageHeader header{};
    header.kind = MessageKind::request;
    header.code = static_cast<std::uint16_t>(code);
    header.transport_status = TransportStatus::ok;
    header.payload_len = payload_len;
    header.item_count = 1;
    header.message_id = message_id;
    return header;
}

MessageHeader make_response_header(MethodCode code, std::uint64_t message_id,
                                   std::uint32_t payload_len, TransportStatus status) noexcept {
    MessageHeader header = make_request_header(code, message_id, payload_len);
    header.kind = MessageKind::response;
    header.transport_status = status;
    return header;
}

MessageHeader make_control_header(ControlCode code, std::uint32_t payload_len,
                                  TransportStatus status) noexcept {
    MessageHeader header{};
    header.kind = MessageKind::control;
    header.code = static_cast<std::uint16_t>(code);
    header.transport_status = status;
    header.payload_len = payload_len;
    header.item_count = 1;
    header.message_id = 0;
    return header;
}

} // namespace netipc::wire
