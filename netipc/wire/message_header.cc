#include "netipc/wire/message_header.h"

namespace netipc::wire {

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
