// The hostile-client cases, shared by the two server victims (a Level 1
// server session and the managed server): what the client sends, the error
// the server's session must end with, and what the client must hear back
// (a terminal status for the message_id, or nothing before the close).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/hostile/hostile_fixture.h"

namespace netipc::testing::hostile {

enum class Phase { handshake, serving };

struct ServerCase {
    std::string name;
    Script script;
    Errc code;
    std::string fragment;
    Phase phase = Phase::serving;
    // The status the victim answers with before it closes; none: it closes
    // without answering (or the client is gone already).
    std::optional<wire::TransportStatus> answer;
    // Whether the script ends by watching the victim close.
    bool watches_close = true;
};

inline const Packet& chunked_request_payload() {
    static const Packet payload(200, std::byte{0x5a}); // three packets of 128
    return payload;
}

inline std::vector<Packet> chunked_request(bool batch = false) {
    auto header = increment_request(1, chunked_request_payload().size());
    if (batch) {
        header = as_batch(header, 2);
    }
    return chunked_message(header, chunked_request_payload(), packet_size);
}

// After a compliant HELLO: the chunked request with continuation 1 patched.
template <class T>
Script request_with_broken_chunk(std::size_t offset, T value) {
    // The victim stops at the broken continuation: the rest is never sent.
    auto packets = chunked_request();
    return send_all({packets[0], patched(packets[1], offset, value)});
}

inline Packet batch_request(Packet payload, std::uint32_t items = 2) {
    return message_packet(as_batch(increment_request(1, payload.size()), items), payload);
}

// Case builders, so that each case names only what sets it apart.
inline ServerCase in_handshake(std::string name, Script script, Errc code, std::string fragment,
                               std::optional<wire::TransportStatus> answer = std::nullopt) {
    return {std::move(name),
            std::move(script),
            code,
            std::move(fragment),
            Phase::handshake,
            answer,
            true};
}
inline ServerCase serving(std::string name, Script script, Errc code, std::string fragment,
                          std::optional<wire::TransportStatus> answer = std::nullopt) {
    return {std::move(name),
            std::move(script),
            code,
            std::move(fragment),
            Phase::serving,
            answer,
            true};
}
// The client leaves in the middle of a message: the victim sees it go.
inline ServerCase leaving(std::string name, Script script) {
    return {std::move(name),
            std::move(script),
            Errc::disconnected,
            "peer closed",
            Phase::serving,
            std::nullopt,
            false};
}

inline std::vector<ServerCase> server_cases() {
    using wire::TransportStatus;
    const Packet hello = hello_packet(client_config(), packet_size);
    const Packet request = increment_request_packet(1, 41);
    const Packet batch = increment_batch({1, 2});
    const auto limit = TransportStatus::limit_exceeded;
    const auto bad = TransportStatus::bad_envelope;
    ServerCase close_before_hello =
        in_handshake("close before HELLO", {Close{}}, Errc::disconnected, "peer closed");
    close_before_hello.watches_close = false;
    std::vector<ServerCase> cases = {
        close_before_hello,
        in_handshake("HELLO with a wrong magic", {Send{patched(hello, header_at::magic, 0U)}},
                     Errc::bad_magic, "unexpected value"),
        in_handshake("HELLO with non-zero flags",
                     {Send{patched(hello, hello_at::flags, std::uint16_t{1})}},
                     Errc::protocol_violation, "rejected", bad),
        in_handshake("HELLO cut short", {Send{truncated(hello, 40)}}, Errc::truncated,
                     "shorter than the fixed layout"),
        in_handshake("a request instead of HELLO", {Send{request}}, Errc::protocol_violation,
                     "not a HELLO"),
        serving("wrong magic", {Send{patched(request, header_at::magic, 0xdeadbeefU)}},
                Errc::bad_magic, "unexpected value"),
        serving("wrong version", {Send{patched(request, header_at::version, std::uint16_t{2})}},
                Errc::bad_version, "unexpected value"),
        serving("wrong header_len",
                {Send{patched(request, header_at::header_len, std::uint16_t{16})}},
                Errc::bad_header_len, "unexpected value"),
        serving("unknown kind", {Send{patched(request, header_at::kind, std::uint16_t{0})}},
                Errc::bad_kind, "kind is not"),
        serving("a response instead of a request",
                {Send{patched(request, header_at::kind, std::uint16_t{2})}},
                Errc::protocol_violation, "expected a request"),
        serving("payload_len beyond the ceiling",
                {Send{patched(request, header_at::payload_len, request_ceiling + 1)}},
                Errc::limit_exceeded, "payload_len exceeds", limit),
        serving("item_count beyond the ceiling", {Send{batch_request(batch, batch_items + 1)}},
                Errc::limit_exceeded, "item_count exceeds", limit),
        serving("batch item out of bounds",
                {Send{batch_request(patched(batch, directory_length_at(1), 64U))}},
                Errc::out_of_bounds, "past the packed item area", bad),
        serving("batch item misaligned",
                {Send{batch_request(patched(batch, directory_offset_at(1), 12U))}},
                Errc::bad_alignment, "multiple of 8", bad),
        serving("chunk with a wrong index", request_with_broken_chunk(chunk_at::chunk_index, 2U),
                Errc::bad_chunk, "out of order", bad),
        serving("chunk with a wrong count", request_with_broken_chunk(chunk_at::chunk_count, 4U),
                Errc::bad_chunk, "chunk_count differs", bad),
        serving("chunk with a wrong message_id",
                request_with_broken_chunk(chunk_at::message_id, std::uint64_t{2}), Errc::bad_chunk,
                "message_id differs", bad),
        serving("chunk with a wrong length",
                request_with_broken_chunk(chunk_at::chunk_payload_len, 105U), Errc::bad_chunk,
                "more bytes", bad),
        serving("packet shorter than its payload_len", {Send{truncated(request, 36)}},
                Errc::protocol_violation, "shorter than its payload_len", bad),
        serving("packet shorter than a header", {Send{truncated(request, 31)}}, Errc::truncated,
                "shorter than the fixed layout"),
        leaving("close after the header", {Send{chunked_request()[0]}, Close{}}),
        leaving("close mid-chunk",
                send_all({chunked_request()[0], chunked_request()[1]}) + Script{Close{}}),
        leaving("close mid-batch", {Send{chunked_request(true)[0]}, Close{}}),
    };
    // Every serving case starts with a compliant handshake; every case that
    // stays connected reads the answer (if any), then watches the close.
    for (ServerCase& c : cases) {
        Script script = c.phase == Phase::serving ? say_hello() + c.script : c.script;
        if (c.answer) {
            script.push_back(Receive{});
        }
        if (c.watches_close) {
            script.push_back(ExpectClosed{});
        }
        c.script = std::move(script);
    }
    return cases;
}

// The checks on what the hostile client heard.
inline void require_heard(const ServerCase& c, const PeerLog& log) {
    require_finished(log);
    const std::size_t handshake_answers = c.phase == Phase::serving ? 1 : 0;
    REQUIRE(log.received.size() == handshake_answers + (c.answer ? 1 : 0));
    if (c.answer) {
        CHECK(status_of(log.received.back()) == *c.answer);
        if (c.phase == Phase::serving) {
            // The terminal status answers the offending message_id.
            CHECK(wire::decode_message_header(log.received.back())->message_id == 1);
        }
    }
    CHECK(log.victim_closed == c.watches_close);
}

} // namespace netipc::testing::hostile
