// The 32-byte outer message header: construction helpers, round trips,
// envelope validation and the negotiated-limit check.
#include "netipc/wire/message_header.h"

#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using namespace netipc::wire;
using netipc::test::Buffer;

Buffer encoded(const MessageHeader& header) {
    Buffer out(message_header_size);
    auto written = encode(header, out);
    REQUIRE_OK(written);
    REQUIRE(*written == message_header_size);
    return out;
}

Buffer valid_request() {
    return encoded(make_request_header(MethodCode::increment, 42, 8));
}

} // namespace

TEST_CASE("make_request_header fills a single-item OK request", "[wire]") {
    const MessageHeader header = make_request_header(MethodCode::string_reverse, 77, 123);
    REQUIRE(header.kind == MessageKind::request);
    REQUIRE(header.flags == 0);
    REQUIRE_FALSE(header.is_batch());
    REQUIRE(header.code == static_cast<std::uint16_t>(MethodCode::string_reverse));
    REQUIRE(header.transport_status == TransportStatus::ok);
    REQUIRE(header.payload_len == 123);
    REQUIRE(header.item_count == 1);
    REQUIRE(header.message_id == 77);
}

TEST_CASE("make_response_header carries the status", "[wire]") {
    const MessageHeader ok = make_response_header(MethodCode::increment, 9, 8);
    REQUIRE(ok.kind == MessageKind::response);
    REQUIRE(ok.transport_status == TransportStatus::ok);
    const MessageHeader failed =
        make_response_header(MethodCode::increment, 9, 0, TransportStatus::internal_error);
    REQUIRE(failed.transport_status == TransportStatus::internal_error);
    REQUIRE(failed.payload_len == 0);
    REQUIRE(failed.item_count == 1);
    REQUIRE(failed.message_id == 9);
}

TEST_CASE("make_control_header uses message_id 0", "[wire]") {
    const MessageHeader header = make_control_header(ControlCode::hello_ack, 48);
    REQUIRE(header.kind == MessageKind::control);
    REQUIRE(header.code == static_cast<std::uint16_t>(ControlCode::hello_ack));
    REQUIRE(header.payload_len == 48);
    REQUIRE(header.item_count == 1);
    REQUIRE(header.message_id == 0);
}

TEST_CASE("message header round trip", "[wire]") {
    MessageHeader header = make_response_header(MethodCode::cgroups_snapshot, 0xFFFFFFFFFFFFFFFFULL,
                                                0xFFFFFFFFU, TransportStatus::limit_exceeded);
    header.flags = flags::batch;
    header.item_count = 0xFFFFFFFFU;
    const Buffer bytes = encoded(header);
    REQUIRE(test::peek<std::uint32_t>(bytes, 0) == message_magic);
    REQUIRE(test::peek<std::uint16_t>(bytes, 4) == envelope_version);
    REQUIRE(test::peek<std::uint16_t>(bytes, 6) == 32);

    auto decoded = decode_message_header(bytes);
    REQUIRE_OK(decoded);
    REQUIRE(decoded->kind == MessageKind::response);
    REQUIRE(decoded->is_batch());
    REQUIRE(decoded->code == static_cast<std::uint16_t>(MethodCode::cgroups_snapshot));
    REQUIRE(decoded->transport_status == TransportStatus::limit_exceeded);
    REQUIRE(decoded->payload_len == 0xFFFFFFFFU);
    REQUIRE(decoded->item_count == 0xFFFFFFFFU);
    REQUIRE(decoded->message_id == 0xFFFFFFFFFFFFFFFFULL);
}

TEST_CASE("message header accepts every valid kind and ignores trailing bytes", "[wire]") {
    for (auto kind : {MessageKind::request, MessageKind::response, MessageKind::control}) {
        Buffer bytes = valid_request();
        test::patch<std::uint16_t>(bytes, 8, static_cast<std::uint16_t>(kind));
        bytes.resize(bytes.size() + 8, std::byte{0xAB}); // the payload that follows
        auto decoded = decode_message_header(bytes);
        REQUIRE_OK(decoded);
        REQUIRE(decoded->kind == kind);
    }
}

TEST_CASE("message header encode needs 32 bytes", "[wire]") {
    Buffer short_by_one(message_header_size - 1);
    REQUIRE_ERRC(encode(make_request_header(MethodCode::increment, 1, 8), short_by_one),
                 Errc::overflow);
}

TEST_CASE("message header rejects a truncated header", "[wire]") {
    const Buffer bytes = valid_request();
    REQUIRE_ERRC(decode_message_header(test::first_bytes(bytes, 31)), Errc::truncated);
    REQUIRE_ERRC(decode_message_header(Bytes{}), Errc::truncated);
}

TEST_CASE("message header rejects a bad magic", "[wire]") {
    Buffer bytes = valid_request();
    // The chunk magic is a plausible mix-up and must not be accepted here.
    test::patch<std::uint32_t>(bytes, 0, chunk_magic);
    REQUIRE_ERRC(decode_message_header(bytes), Errc::bad_magic);
}

TEST_CASE("message header rejects a bad version", "[wire]") {
    Buffer bytes = valid_request();
    test::patch<std::uint16_t>(bytes, 4, 2);
    REQUIRE_ERRC(decode_message_header(bytes), Errc::bad_version);
    test::patch<std::uint16_t>(bytes, 4, 0);
    REQUIRE_ERRC(decode_message_header(bytes), Errc::bad_version);
}

TEST_CASE("message header rejects a header_len other than 32", "[wire]") {
    Buffer bytes = valid_request();
    test::patch<std::uint16_t>(bytes, 6, 64);
    REQUIRE_ERRC(decode_message_header(bytes), Errc::bad_header_len);
    test::patch<std::uint16_t>(bytes, 6, 31);
    REQUIRE_ERRC(decode_message_header(bytes), Errc::bad_header_len);
}

TEST_CASE("message header rejects kind 0 and kind 4", "[wire]") {
    for (std::uint16_t kind : {std::uint16_t{0}, std::uint16_t{4}, std::uint16_t{0xFFFF}}) {
        Buffer bytes = valid_request();
        test::patch<std::uint16_t>(bytes, 8, kind);
        INFO("kind " << kind);
        REQUIRE_ERRC(decode_message_header(bytes), Errc::bad_kind);
    }
}

TEST_CASE("check_limits accepts values at the ceiling", "[wire]") {
    MessageHeader header = make_request_header(MethodCode::increment, 1, 1024);
    header.item_count = 16;
    REQUIRE_OK(check_limits(header, DirectionalLimits{1024, 16}));
}

TEST_CASE("check_limits rejects payload_len above the ceiling", "[wire]") {
    const MessageHeader header = make_request_header(MethodCode::increment, 1, 1025);
    REQUIRE_ERRC(check_limits(header, DirectionalLimits{1024, 16}), Errc::limit_exceeded);
}

TEST_CASE("check_limits rejects item_count above the ceiling", "[wire]") {
    MessageHeader header = make_request_header(MethodCode::increment, 1, 8);
    header.item_count = 2;
    // The default limits allow a single item.
    REQUIRE_ERRC(check_limits(header, DirectionalLimits{}), Errc::limit_exceeded);
}

TEST_CASE("DirectionalLimits defaults are the named protocol defaults", "[wire]") {
    const DirectionalLimits limits;
    REQUIRE(limits.max_payload_bytes == defaults::max_payload_bytes);
    REQUIRE(limits.max_payload_bytes == 1024);
    REQUIRE(limits.max_batch_items == 1);
}

TEST_CASE("check_limits refuses a payload whose message length would wrap a u32", "[wire]") {
    auto header = netipc::wire::make_request_header(netipc::wire::MethodCode::increment, 1,
                                                    netipc::wire::max_message_payload + 1);
    const netipc::wire::DirectionalLimits unlimited{0xffffffffU, 1};
    auto checked = netipc::wire::check_limits(header, unlimited);
    REQUIRE_FALSE(checked.has_value());
    CHECK(checked.error().code == netipc::Errc::limit_exceeded);
    header.payload_len = netipc::wire::max_message_payload;
    CHECK(netipc::wire::check_limits(header, unlimited).has_value());
}

// The per-message path encodes and decodes the header as one 32-byte copy
// (encode_message_header, decode_message_header); the Hana layout's
// field-by-field encode<>/decode<> is the reference. Both must agree on
// every byte and, for bad input, on which error comes first.
namespace {

std::vector<MessageHeader> sample_headers() {
    MessageHeader batch =
        make_request_header(MethodCode::cgroups_lookup, 0x0102030405060708ULL, 0xA1B2C3D4U);
    batch.flags = 0xBEEF;
    batch.item_count = 0x11223344U;
    MessageHeader extremes = make_response_header(MethodCode::apps_lookup, ~0ULL, 0xFFFFFFFFU,
                                                  TransportStatus::internal_error);
    extremes.flags = 0xFFFF;
    extremes.code = 0xFFFF;
    extremes.item_count = 0xFFFFFFFFU;
    return {make_request_header(MethodCode::increment, 1, 8),
            make_response_header(MethodCode::string_reverse, 77, 0, TransportStatus::unsupported),
            make_control_header(ControlCode::hello, 44), batch, extremes};
}

} // namespace

TEST_CASE("encode_message_header writes the Hana layout's bytes", "[wire]") {
    for (const MessageHeader& header : sample_headers()) {
        Buffer fast(message_header_size);
        encode_message_header(header, fast.data());
        REQUIRE(fast == encoded(header));
    }
}

TEST_CASE("decode_message_header reads what the Hana layout reads", "[wire]") {
    for (const MessageHeader& header : sample_headers()) {
        const Buffer bytes = encoded(header);
        auto fast = decode_message_header(bytes);
        auto reference = decode<MessageHeader>(bytes);
        REQUIRE_OK(fast);
        REQUIRE_OK(reference);
        // Every field is encoded, so equal bytes are equal fields.
        REQUIRE(encoded(*fast) == encoded(*reference));
        REQUIRE(encoded(*fast) == bytes);
    }
}

TEST_CASE("decode_message_header fails where field-by-field decoding fails first", "[wire]") {
    // Corruptions of the checked fields (magic, version, header_len, kind),
    // one byte or two at once, so the order of the checks is compared too.
    const Buffer good = valid_request();
    for (std::size_t first = 0; first < 10; ++first) {
        for (std::size_t second = first; second < 10; ++second) {
            Buffer bytes = good;
            bytes[first] ^= std::byte{0x5A};
            bytes[second] ^= std::byte{0xA5};
            auto fast = decode_message_header(bytes);
            auto reference = decode<MessageHeader>(bytes);
            if (reference) {
                continue; // the two flips cancelled out on one byte
            }
            REQUIRE_FALSE(fast);
            REQUIRE(fast.error().code == reference.error().code);
        }
    }
}
