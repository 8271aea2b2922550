// Reference byte images (tests/data/protocol/vectors/*.hex, produced by the
// reference C peer): our encoders must reproduce each one byte for byte from
// the logical inputs its '#' lines name, and our decoders must accept it and
// recover those inputs. The bytes are only ever read from the files.
//
// Each image has exactly one VECTOR_TEST; the macro also records the name, so
// a final test fails when an image exists that no test covers (or a test
// names an image that does not exist).
#include <algorithm>
#include <cstdint>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "codecs/cgroups_snapshot.h"
#include "codecs/increment.h"
#include "codecs/simple_hash.h"
#include "codecs/string_reverse.h"
#include "netipc/wire/batch.h"
#include "netipc/wire/chunk_header.h"
#include "netipc/wire/hello.h"
#include "netipc/wire/message_header.h"
#include "tests/support/hex_vectors.h"
#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using namespace netipc::wire;
using namespace netipc::codecs;
using netipc::test::Buffer;
using netipc::testing::HexVector;

std::set<std::string>& covered_vectors() {
    static std::set<std::string> names;
    return names;
}

bool cover(const char* name) {
    covered_vectors().insert(name);
    return true;
}

// The image's description must still name the inputs this test hard-codes;
// if the reference image is regenerated with other inputs, this says so
// instead of reporting a puzzling byte mismatch.
void require_described_as(const HexVector& vector, std::string_view fragment) {
    const bool found = std::ranges::any_of(vector.comments, [&](const std::string& line) {
        return line.find(fragment) != std::string::npos;
    });
    INFO("vector " << vector.name << " should mention: " << fragment);
    REQUIRE(found);
}

void require_same_bytes(std::span<const std::byte> actual, const std::vector<std::byte>& expected) {
    REQUIRE(test::to_hex(actual) == test::to_hex(expected));
}

template <class T>
Buffer encoded(const T& value) {
    Buffer out(wire_size<T>);
    REQUIRE_OK(encode(value, out));
    return out;
}

} // namespace

#define VECTOR_TEST(name, description)                                       \
    static void vector_test_##name(const HexVector& vector);                 \
    [[maybe_unused]] static const bool vector_covered_##name = cover(#name); \
    TEST_CASE("vector " #name ": " description, "[vectors]") {               \
        vector_test_##name(netipc::testing::load_vector(#name));             \
    }                                                                        \
    static void vector_test_##name(const HexVector& vector)

// --- message headers -----------------------------------------------------------------

VECTOR_TEST(header_request_increment, "REQUEST INCREMENT header") {
    require_described_as(vector, "message_id=42");
    const MessageHeader header = make_request_header(MethodCode::increment, 42, 8);
    require_same_bytes(encoded(header), vector.bytes());

    auto decoded = decode_message_header(vector.bytes());
    REQUIRE_OK(decoded);
    REQUIRE(decoded->kind == MessageKind::request);
    REQUIRE(decoded->flags == 0);
    REQUIRE(decoded->code == static_cast<std::uint16_t>(MethodCode::increment));
    REQUIRE(decoded->transport_status == TransportStatus::ok);
    REQUIRE(decoded->payload_len == 8);
    REQUIRE(decoded->item_count == 1);
    REQUIRE(decoded->message_id == 42);
}

VECTOR_TEST(header_response_batch, "RESPONSE BATCH STRING_REVERSE LIMIT_EXCEEDED header") {
    require_described_as(vector, "message_id=0x0102030405060708");
    MessageHeader header = make_response_header(MethodCode::string_reverse, 0x0102030405060708ULL,
                                                0x01020304U, TransportStatus::limit_exceeded);
    header.flags = flags::batch;
    header.item_count = 3;
    require_same_bytes(encoded(header), vector.bytes());

    auto decoded = decode_message_header(vector.bytes());
    REQUIRE_OK(decoded);
    REQUIRE(decoded->kind == MessageKind::response);
    REQUIRE(decoded->is_batch());
    REQUIRE(decoded->code == static_cast<std::uint16_t>(MethodCode::string_reverse));
    REQUIRE(decoded->transport_status == TransportStatus::limit_exceeded);
    REQUIRE(decoded->payload_len == 0x01020304U);
    REQUIRE(decoded->item_count == 3);
    REQUIRE(decoded->message_id == 0x0102030405060708ULL);
}

VECTOR_TEST(header_control_hello, "CONTROL HELLO header") {
    require_described_as(vector, "kind=CONTROL(3) code=HELLO(1) payload_len=44");
    require_same_bytes(encoded(make_control_header(ControlCode::hello, hello_size)),
                       vector.bytes());

    auto decoded = decode_message_header(vector.bytes());
    REQUIRE_OK(decoded);
    REQUIRE(decoded->kind == MessageKind::control);
    REQUIRE(decoded->code == static_cast<std::uint16_t>(ControlCode::hello));
    REQUIRE(decoded->payload_len == 44);
    REQUIRE(decoded->item_count == 1);
    REQUIRE(decoded->message_id == 0);
}

VECTOR_TEST(message_increment_response, "whole INCREMENT response message") {
    require_described_as(vector, "message_id=9 status=OK, payload INCREMENT value=100");
    Buffer message(message_header_size + Increment::payload_size);
    REQUIRE_OK(encode(make_response_header(MethodCode::increment, 9, Increment::payload_size),
                      MutableBytes(message).first(message_header_size)));
    IncrementBuilder builder(MutableBytes(message).subspan(message_header_size));
    builder.set(100);
    REQUIRE_OK(builder.finish());
    require_same_bytes(message, vector.bytes());

    const std::vector<std::byte> bytes = vector.bytes();
    auto header = decode_message_header(bytes);
    REQUIRE_OK(header);
    REQUIRE(header->kind == MessageKind::response);
    REQUIRE(header->code == static_cast<std::uint16_t>(MethodCode::increment));
    REQUIRE(header->transport_status == TransportStatus::ok);
    REQUIRE(header->message_id == 9);
    REQUIRE(header->payload_len == bytes.size() - message_header_size);
    auto payload = Increment::decode_response(Bytes(bytes).subspan(message_header_size));
    REQUIRE_OK(payload);
    REQUIRE(payload->value == 100);
}

// --- chunking ----------------------------------------------------------------------

VECTOR_TEST(chunk_header, "chunk continuation header") {
    require_described_as(vector, "message_id=7 total_message_len=1000 chunk_index=1 chunk_count=4");
    // A 1000-byte message is a 32-byte header plus 968 payload bytes.
    const MessageHeader message = make_request_header(MethodCode::string_reverse, 7, 968);
    require_same_bytes(encoded(make_chunk_header(message, 1, 4, 224)), vector.bytes());

    auto decoded = decode_chunk_header(vector.bytes());
    REQUIRE_OK(decoded);
    REQUIRE(decoded->message_id == 7);
    REQUIRE(decoded->total_message_len == 1000);
    REQUIRE(decoded->chunk_index == 1);
    REQUIRE(decoded->chunk_count == 4);
    REQUIRE(decoded->chunk_payload_len == 224);
}

VECTOR_TEST(chunked_string_reverse_packet64, "STRING_REVERSE request over 64-byte packets") {
    require_described_as(vector, "message_id=5");
    require_described_as(vector, "agreed_packet_size=64");
    constexpr std::uint32_t packet_size = 64;
    constexpr std::size_t budget = packet_size - message_header_size; // == chunk header size too

    // The logical message: 150 characters 'abc...z' repeated.
    std::string text(150, '\0');
    for (std::size_t i = 0; i < text.size(); ++i) {
        text[i] = static_cast<char>('a' + i % 26);
    }
    Buffer payload(StringReverse::request_size(text));
    REQUIRE_OK(StringReverse::encode_request(text, payload));
    REQUIRE(payload.size() == 159);
    const MessageHeader header = make_request_header(MethodCode::string_reverse, 5,
                                                     static_cast<std::uint32_t>(payload.size()));

    // Sender side: split into packets exactly as the reference peer does.
    auto count = chunk_count_for(header.payload_len, packet_size);
    REQUIRE_OK(count);
    REQUIRE(*count == 5);
    std::vector<Buffer> packets;
    std::size_t sent = 0;
    for (std::uint32_t index = 0; index < *count; ++index) {
        const std::size_t chunk_len = std::min(budget, payload.size() - sent);
        Buffer packet = index == 0
                            ? encoded(header)
                            : encoded(make_chunk_header(header, index, *count,
                                                        static_cast<std::uint32_t>(chunk_len)));
        packet.insert(packet.end(), payload.begin() + static_cast<std::ptrdiff_t>(sent),
                      payload.begin() + static_cast<std::ptrdiff_t>(sent + chunk_len));
        sent += chunk_len;
        packets.push_back(std::move(packet));
    }
    REQUIRE(sent == payload.size());
    REQUIRE(packets.size() == vector.packets.size());
    for (std::size_t i = 0; i < packets.size(); ++i) {
        INFO("packet " << i);
        require_same_bytes(packets[i], vector.packets[i]);
    }

    // Receiver side, from the reference bytes: the first packet carries the
    // message header, every continuation must pass both chunk checks.
    const std::vector<std::byte>& first = vector.packets[0];
    auto message = decode_message_header(first);
    REQUIRE_OK(message);
    REQUIRE(message->message_id == 5);
    REQUIRE(message->payload_len == 159);
    Buffer reassembled(first.begin() + message_header_size, first.end());
    ChunkExpectation expected;
    expected.message_id = message->message_id;
    expected.total_message_len =
        static_cast<std::uint32_t>(message_header_size) + message->payload_len;
    expected.chunk_count = *chunk_count_for(message->payload_len, packet_size);
    expected.next_chunk_index = 1;
    expected.remaining_payload =
        message->payload_len - static_cast<std::uint32_t>(reassembled.size());

    for (std::size_t i = 1; i < vector.packets.size(); ++i) {
        INFO("continuation " << i);
        const std::vector<std::byte>& packet = vector.packets[i];
        auto chunk = decode_chunk_header(packet);
        REQUIRE_OK(chunk);
        REQUIRE(chunk->total_message_len == 191); // header + payload, repeated in every chunk
        REQUIRE_OK(check_continuation(*chunk, expected));
        REQUIRE(packet.size() == chunk_header_size + chunk->chunk_payload_len);
        reassembled.insert(reassembled.end(), packet.begin() + chunk_header_size, packet.end());
        expected.next_chunk_index += 1;
        expected.remaining_payload -= chunk->chunk_payload_len;
    }
    REQUIRE(expected.remaining_payload == 0);
    REQUIRE(expected.next_chunk_index == expected.chunk_count);
    require_same_bytes(reassembled, payload);

    auto view = StringReverse::decode_request(reassembled);
    REQUIRE_OK(view);
    REQUIRE(view->text == text);
}

// --- handshake ---------------------------------------------------------------------

VECTOR_TEST(hello, "HELLO payload") {
    require_described_as(vector, "auth_token=0xDEADBEEFCAFEBABE packet_size=212992");
    Hello hello{};
    hello.supported_profiles = 0x03;
    hello.preferred_profiles = 0x02;
    hello.max_request_payload_bytes = 1024;
    hello.max_request_batch_items = 1;
    hello.max_response_payload_bytes = 65536;
    hello.max_response_batch_items = 1;
    hello.auth_token = 0xDEADBEEFCAFEBABEULL;
    hello.packet_size = 212992;
    require_same_bytes(encoded(hello), vector.bytes());

    auto decoded = decode_hello(vector.bytes());
    REQUIRE_OK(decoded);
    REQUIRE(decoded->supported_profiles == (profile::baseline | profile::shm_hybrid));
    REQUIRE(decoded->preferred_profiles == profile::shm_hybrid);
    REQUIRE(decoded->max_request_payload_bytes == defaults::max_payload_bytes);
    REQUIRE(decoded->max_request_batch_items == 1);
    REQUIRE(decoded->max_response_payload_bytes == defaults::service_response_bytes);
    REQUIRE(decoded->max_response_batch_items == 1);
    REQUIRE(decoded->auth_token == 0xDEADBEEFCAFEBABEULL);
    REQUIRE(decoded->packet_size == 212992);
}

VECTOR_TEST(hello_ack, "HELLO_ACK payload") {
    require_described_as(vector, "agreed_packet_size=212992 session_id=1");
    HelloAck ack{};
    ack.server_supported_profiles = 0x03;
    ack.intersection_profiles = 0x03;
    ack.selected_profile = 0x02;
    ack.agreed_max_request_payload_bytes = 1024;
    ack.agreed_max_request_batch_items = 1;
    ack.agreed_max_response_payload_bytes = 65536;
    ack.agreed_max_response_batch_items = 1;
    ack.agreed_packet_size = 212992;
    ack.session_id = 1;
    require_same_bytes(encoded(ack), vector.bytes());

    auto decoded = decode_hello_ack(vector.bytes());
    REQUIRE_OK(decoded);
    REQUIRE(decoded->server_supported_profiles == 0x03);
    REQUIRE(decoded->intersection_profiles == 0x03);
    REQUIRE(decoded->selected_profile == profile::shm_hybrid);
    REQUIRE(decoded->agreed_max_request_payload_bytes == 1024);
    REQUIRE(decoded->agreed_max_request_batch_items == 1);
    REQUIRE(decoded->agreed_max_response_payload_bytes == 65536);
    REQUIRE(decoded->agreed_max_response_batch_items == 1);
    REQUIRE(decoded->agreed_packet_size == 212992);
    REQUIRE(decoded->session_id == 1);
}

// --- INCREMENT and STRING_REVERSE payloads -----------------------------------------------

VECTOR_TEST(increment, "INCREMENT payload") {
    require_described_as(vector, "value=0x0123456789ABCDEF");
    constexpr std::uint64_t value = 0x0123456789ABCDEFULL;
    Buffer request(Increment::request_size(value));
    REQUIRE_OK(Increment::encode_request(value, request));
    require_same_bytes(request, vector.bytes());
    Buffer response(Increment::payload_size);
    REQUIRE_OK(Increment::encode_response(value, response));
    require_same_bytes(response, vector.bytes());

    auto as_request = Increment::decode_request(vector.bytes());
    REQUIRE_OK(as_request);
    REQUIRE(as_request->value == value);
    auto as_response = Increment::decode_response(vector.bytes());
    REQUIRE_OK(as_response);
    REQUIRE(Increment::to_owned(*as_response) == value);
}

VECTOR_TEST(string_reverse_hello, "STRING_REVERSE \"hello\"") {
    require_described_as(vector, "\"hello\"");
    Buffer bytes(StringReverse::request_size("hello"));
    REQUIRE_OK(StringReverse::encode_request("hello", bytes));
    require_same_bytes(bytes, vector.bytes());

    const std::vector<std::byte> image = vector.bytes();
    auto view = StringReverse::decode_response(image);
    REQUIRE_OK(view);
    REQUIRE(view->text == "hello");
    REQUIRE(std::string(view->c_str()) == "hello");
}

VECTOR_TEST(string_reverse_empty, "STRING_REVERSE empty string") {
    require_described_as(vector, "empty string");
    Buffer out(64);
    StringReverseBuilder builder(out);
    REQUIRE_OK(builder.set(""));
    auto length = builder.finish();
    REQUIRE_OK(length);
    require_same_bytes(test::first_bytes(out, *length), vector.bytes());

    const std::vector<std::byte> image = vector.bytes();
    auto view = StringReverse::decode_request(image);
    REQUIRE_OK(view);
    REQUIRE(view->text.empty());
    REQUIRE(view->c_str()[0] == '\0');
}

// --- batches ---------------------------------------------------------------------

VECTOR_TEST(batch_increment_1_2_3, "batch of INCREMENT 1, 2, 3") {
    require_described_as(vector, "3 INCREMENT items with values 1, 2, 3");
    Buffer out(256);
    BatchBuilder builder(out);
    for (std::uint64_t value : {1ULL, 2ULL, 3ULL}) {
        auto slot = builder.reserve(Increment::payload_size);
        REQUIRE_OK(slot);
        REQUIRE_OK(Increment::encode_request(value, *slot));
    }
    auto length = builder.finish();
    REQUIRE_OK(length);
    require_same_bytes(test::first_bytes(out, *length), vector.bytes());

    // The one-pass layout of a fixed-size codec's batches makes the same bytes.
    Buffer uniform_out(256, std::byte{0xAA});
    auto uniform = UniformBatch<Increment::fixed_request_size>::lay_out(uniform_out, 3);
    REQUIRE_OK(uniform);
    for (std::uint32_t i = 0; i < 3; ++i) {
        REQUIRE_OK(Increment::encode_request(i + 1, uniform->item(i)));
    }
    require_same_bytes(test::first_bytes(uniform_out, uniform->payload_length()), vector.bytes());

    const std::vector<std::byte> image = vector.bytes();
    auto view = BatchView::parse(image, 3);
    REQUIRE_OK(view);
    REQUIRE(view->size() == 3);
    for (std::uint32_t i = 0; i < 3; ++i) {
        auto item = Increment::decode_request((*view)[i]);
        REQUIRE_OK(item);
        REQUIRE(item->value == i + 1);
    }
}

VECTOR_TEST(batch_string_reverse_padding, "batch of STRING_REVERSE with padding") {
    require_described_as(vector, R"("a", "hello world", "")");
    const std::vector<std::string_view> texts{"a", "hello world", ""};
    Buffer out(256);
    BatchBuilder builder(out);
    for (std::string_view text : texts) {
        Buffer item(StringReverse::request_size(text));
        REQUIRE_OK(StringReverse::encode_request(text, item));
        REQUIRE_OK(builder.add(item));
    }
    auto length = builder.finish();
    REQUIRE_OK(length);
    REQUIRE(*length == 80); // padded after the last item too
    require_same_bytes(test::first_bytes(out, *length), vector.bytes());

    const std::vector<std::byte> image = vector.bytes();
    auto view = BatchView::parse(image, 3);
    REQUIRE_OK(view);
    const std::vector<std::size_t> item_lengths{10, 20, 9};
    for (std::uint32_t i = 0; i < 3; ++i) {
        auto item = view->at(i);
        REQUIRE_OK(item);
        REQUIRE(item->size() == item_lengths[i]);
        auto text = StringReverse::decode_request(*item);
        REQUIRE_OK(text);
        REQUIRE(text->text == texts[i]);
    }
}

// --- CGROUPS_SNAPSHOT ------------------------------------------------------------

namespace {

CgroupsSnapshotData reference_snapshot() {
    CgroupsSnapshotData data;
    data.systemd_enabled = 1;
    data.generation = 0x1122334455667788ULL;
    data.items.push_back({0x67c26a92, 0x1, 1, "system.slice_docker.service",
                          "/sys/fs/cgroup/system.slice/docker.service"});
    data.items.push_back({0, 0, 0, "", ""});
    data.items.push_back(
        {0xb7078c72, 0x12, 1, "k8s_pod_1234", "/sys/fs/cgroup/kubepods/burstable/pod1234"});
    return data;
}

} // namespace

VECTOR_TEST(cgroups_snapshot_request, "CGROUPS_SNAPSHOT request") {
    require_described_as(vector, "layout_version=1 flags=0");
    Buffer bytes(CgroupsSnapshot::request_size({}));
    REQUIRE_OK(CgroupsSnapshot::encode_request({}, bytes));
    require_same_bytes(bytes, vector.bytes());

    auto decoded = CgroupsSnapshot::decode_request(vector.bytes());
    REQUIRE_OK(decoded);
    REQUIRE(decoded->layout_version == 1);
}

VECTOR_TEST(cgroups_snapshot_response_3_items, "CGROUPS_SNAPSHOT response with 3 items") {
    require_described_as(vector, "systemd_enabled=1 generation=0x1122334455667788, 3 items");
    require_described_as(
        vector, "hash=0x67c26a92 options=0x1 enabled=1 name=\"system.slice_docker.service\"");
    require_described_as(vector, R"(hash=0 options=0 enabled=0 name="" path="")");
    require_described_as(vector, "hash=0xb7078c72 options=0x12 enabled=1 name=\"k8s_pod_1234\"");
    require_described_as(vector, "builder reserved 8 slots");
    const CgroupsSnapshotData data = reference_snapshot();
    const std::vector<std::byte> image = vector.bytes();

    // The reference builder reserved 8 slots; the directory is compacted to
    // item_count entries, so every reservation gives the same bytes, in a
    // roomy buffer and in one of exactly the payload size.
    for (std::uint32_t reserved : {8U, 0U, 1U, 2U, 3U, 100U}) {
        for (std::size_t capacity : {std::size_t{4096}, image.size()}) {
            INFO("reserved " << reserved << ", buffer " << capacity);
            Buffer out(capacity, std::byte{0xEE});
            CgroupsSnapshotBuilder builder(out, reserved);
            builder.set_systemd_enabled(1);
            builder.set_generation(0x1122334455667788ULL);
            for (const CgroupsItem& item : data.items) {
                REQUIRE_OK(builder.add(item));
            }
            auto length = builder.finish();
            REQUIRE_OK(length);
            require_same_bytes(test::first_bytes(out, *length), image);
        }
    }

    // The owned encoder and its size prediction agree with the image.
    REQUIRE(CgroupsSnapshot::encoded_size(data) == image.size());
    Buffer owned(image.size());
    REQUIRE_OK(CgroupsSnapshot::encode_response(data, owned));
    require_same_bytes(owned, image);

    auto view = CgroupsSnapshot::decode_response(image);
    REQUIRE_OK(view);
    REQUIRE(view->systemd_enabled() == 1);
    REQUIRE(view->generation() == 0x1122334455667788ULL);
    REQUIRE(view->size() == 3);
    REQUIRE(CgroupsSnapshot::to_owned(*view) == data);
    // The identity hash is simple_hash(name), computed by the reference peer.
    REQUIRE((*view)[0].hash == simple_hash((*view)[0].name));
    REQUIRE((*view)[2].hash == simple_hash((*view)[2].name));
}

VECTOR_TEST(cgroups_snapshot_response_empty, "CGROUPS_SNAPSHOT response with 0 items") {
    require_described_as(vector,
                         "0 items, systemd_enabled=1, generation=7 (builder reserved 4 slots)");
    const std::vector<std::byte> image = vector.bytes();
    for (std::size_t capacity : {std::size_t{256}, image.size()}) {
        INFO("buffer " << capacity);
        Buffer out(capacity, std::byte{0xEE});
        CgroupsSnapshotBuilder builder(out, 4);
        builder.set_systemd_enabled(1);
        builder.set_generation(7);
        auto length = builder.finish();
        REQUIRE_OK(length);
        require_same_bytes(test::first_bytes(out, *length), image);
    }

    CgroupsSnapshotData data;
    data.systemd_enabled = 1;
    data.generation = 7;
    Buffer owned(CgroupsSnapshot::encoded_size(data));
    REQUIRE_OK(CgroupsSnapshot::encode_response(data, owned));
    require_same_bytes(owned, image);

    auto view = CgroupsSnapshot::decode_response(image);
    REQUIRE_OK(view);
    REQUIRE(view->empty());
    REQUIRE(view->systemd_enabled() == 1);
    REQUIRE(view->generation() == 7);
}

// --- coverage of the vectors directory -------------------------------------------------

TEST_CASE("every reference image has a vector test", "[vectors]") {
    std::set<std::string> on_disk;
    for (const HexVector& vector : netipc::testing::load_all_vectors()) {
        on_disk.insert(vector.name);
    }
    REQUIRE_FALSE(on_disk.empty());
    for (const std::string& name : on_disk) {
        INFO("reference image without a test: " << name << ".hex");
        CHECK(covered_vectors().count(name) == 1);
    }
    for (const std::string& name : covered_vectors()) {
        INFO("test for a missing reference image: " << name << ".hex");
        CHECK(on_disk.count(name) == 1);
    }
}

TEST_CASE("every reference image has the size its description states", "[vectors]") {
    // Guards the loader: a mis-parsed file would otherwise surface as a
    // confusing byte mismatch in one of the tests above.
    const std::regex size_line(R"(^\s*(\d+) bytes\s*$)");
    for (const HexVector& vector : netipc::testing::load_all_vectors()) {
        INFO("vector " << vector.name);
        REQUIRE_FALSE(vector.comments.empty());
        std::size_t stated = 0;
        bool has_size_line = false;
        for (const std::string& line : vector.comments) {
            std::smatch match;
            if (std::regex_match(line, match, size_line)) {
                stated = std::stoul(match[1].str());
                has_size_line = true;
            }
        }
        if (has_size_line) {
            REQUIRE(vector.bytes().size() == stated);
        } else {
            // Chunked images state a size per packet instead.
            REQUIRE(vector.packets.size() > 1);
        }
    }
}
