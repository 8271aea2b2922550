// Victim: a Level 1 client session (UDS SEQPACKET) talking to a hostile
// server. For every way the server can lie (broken envelopes, limits,
// batch directories, chunk sequences, truncations, message_ids, HELLO_ACKs,
// a close at every point of a message) the client reports the specific
// error, the process goes on, and no descriptor is left behind.
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/hostile/hostile_fixture.h"

using namespace netipc;
using namespace netipc::testing::hostile;
using netipc::testing::Resources;
using netipc::testing::TempRunDir;

namespace {

enum class Call { single, batch };

// One case: what the server does once the request arrived, the call the
// victim makes, and what it must report.
struct ClientCase {
    std::string name;
    Script answer;
    Errc code;
    std::string fragment;
    Call call;
};

ClientCase single(std::string name, Script answer, Errc code, std::string fragment) {
    return {std::move(name), std::move(answer), code, std::move(fragment), Call::single};
}
ClientCase batched(std::string name, Script answer, Errc code, std::string fragment) {
    return {std::move(name), std::move(answer), code, std::move(fragment), Call::batch};
}

// A payload large enough to need three packets (96 + 96 + 8 bytes).
const Packet chunked_payload(200, std::byte{0x5a});

std::vector<Packet> chunked_response(bool batch = false) {
    auto header = increment_response(1, chunked_payload.size());
    if (batch) {
        header = as_batch(header, 2);
    }
    return chunked_message(header, chunked_payload, packet_size);
}

// The chunked response with continuation 1 patched.
template <class T>
Script broken_chunk(std::size_t offset, T value) {
    // The victim stops at the broken continuation: the rest is never sent.
    auto packets = chunked_response();
    return send_all({packets[0], patched(packets[1], offset, value)});
}

Packet batch_response(Packet payload) {
    return message_packet(as_batch(increment_response(1, payload.size()), 2), payload);
}

std::vector<ClientCase> response_cases() {
    const Packet good = increment_response_packet(1, 42);
    const Packet batch = increment_batch({2, 3});
    return {
        single("wrong magic", {Send{patched(good, header_at::magic, 0xdeadbeefU)}}, Errc::bad_magic,
               "unexpected value"),
        single("wrong version", {Send{patched(good, header_at::version, std::uint16_t{2})}},
               Errc::bad_version, "unexpected value"),
        single("wrong header_len", {Send{patched(good, header_at::header_len, std::uint16_t{64})}},
               Errc::bad_header_len, "unexpected value"),
        single("unknown kind", {Send{patched(good, header_at::kind, std::uint16_t{9})}},
               Errc::bad_kind, "kind is not"),
        single("a request instead of a response",
               {Send{patched(good, header_at::kind, std::uint16_t{1})}}, Errc::protocol_violation,
               "not a response"),
        single("payload_len beyond the ceiling",
               {Send{patched(good, header_at::payload_len, response_ceiling + 1)}},
               Errc::limit_exceeded, "payload_len exceeds"),
        batched("item_count beyond the ceiling",
                {Send{message_packet(as_batch(increment_response(1, batch.size()), batch_items + 1),
                                     batch)}},
                Errc::limit_exceeded, "item_count exceeds"),
        batched("batch item out of bounds",
                {Send{batch_response(patched(batch, directory_length_at(1), 64U))}},
                Errc::out_of_bounds, "past the packed item area"),
        batched("batch item misaligned",
                {Send{batch_response(patched(batch, directory_offset_at(1), 9U))}},
                Errc::bad_alignment, "multiple of 8"),
        single("chunk with a wrong index", broken_chunk(chunk_at::chunk_index, 2U), Errc::bad_chunk,
               "out of order"),
        single("chunk with a wrong count", broken_chunk(chunk_at::chunk_count, 4U), Errc::bad_chunk,
               "chunk_count differs"),
        single("chunk with a wrong message_id",
               broken_chunk(chunk_at::message_id, std::uint64_t{7}), Errc::bad_chunk,
               "message_id differs"),
        single("chunk with a wrong length", broken_chunk(chunk_at::chunk_payload_len, 95U),
               Errc::bad_chunk, "length disagrees"),
        single("packet shorter than its payload_len", {Send{truncated(good, 36)}},
               Errc::protocol_violation, "shorter than its payload_len"),
        single("packet shorter than a header", {Send{truncated(good, 20)}}, Errc::truncated,
               "shorter than the fixed layout"),
        single("a response to a message_id never sent", {Send{increment_response_packet(99, 42)}},
               Errc::protocol_violation, "not in flight"),
        single("close before the response", {Close{}}, Errc::disconnected, "peer closed"),
        single("close after the header", {Send{chunked_response()[0]}, Close{}}, Errc::disconnected,
               "peer closed"),
        single("close mid-chunk",
               send_all({chunked_response()[0], chunked_response()[1]}) + Script{Close{}},
               Errc::disconnected, "peer closed"),
        batched("close mid-batch", {Send{chunked_response(true)[0]}, Close{}}, Errc::disconnected,
                "peer closed"),
    };
}

template <class Session>
Result<void> make_call(Session& session, Call call) {
    if (call == Call::single) {
        auto answer = session.call(41, soon());
        if (!answer) {
            return std::unexpected(answer.error());
        }
        return {};
    }
    const std::vector<std::uint64_t> values{1, 2};
    return session.call_batch(values, [](std::uint32_t, const auto&) {}, soon());
}

} // namespace

TEST_CASE("a client session reports each lie of a hostile server", "[hostile][client]") {
    for (const ClientCase& c : response_cases()) {
        DYNAMIC_SECTION(c.name) {
            TempRunDir dir;
            HostileServer server(dir.address("inc"),
                                 {answer_hello() + Script{Receive{}} + c.answer});
            const Resources before = Resources::of(dir.path());
            {
                auto session = UdsIncrement::connect(dir.address("inc"), client_config(), soon());
                REQUIRE(session);
                require_error(make_call(*session, c.call), c.code, c.fragment);
            }
            const auto logs = server.join();
            REQUIRE(logs.size() == 1);
            require_finished(logs[0]);
            CHECK(Resources::of(dir.path()) == before);
        }
    }
}

TEST_CASE("a duplicate response fails the next call", "[hostile][client]") {
    TempRunDir dir;
    const Packet answer = increment_response_packet(1, 42);
    HostileServer server(
        dir.address("inc"),
        {answer_hello() + Script{Receive{}, Send{answer}, Send{answer}, Receive{}}});
    const Resources before = Resources::of(dir.path());
    {
        auto session = UdsIncrement::connect(dir.address("inc"), client_config(), soon());
        REQUIRE(session);
        auto first = session->call(41, soon());
        REQUIRE(first);
        CHECK(first->value == 42);
        require_error(session->call(42, soon()), Errc::protocol_violation, "not in flight");
    }
    require_finished(server.join().at(0));
    CHECK(Resources::of(dir.path()) == before);
}

namespace {

struct HandshakeCase {
    std::string name;
    Script script;
    Errc code;
    std::string fragment;
};

std::vector<HandshakeCase> handshake_cases() {
    const Packet ack = compliant_ack();
    return {
        {"close before HELLO_ACK", {Receive{}, Close{}}, Errc::disconnected, "peer closed"},
        {"HELLO_ACK with non-zero flags",
         answer_hello(patched(ack, hello_ack_at::flags, std::uint16_t{1})), Errc::reserved_not_zero,
         "not zero"},
        {"HELLO_ACK with non-zero padding", answer_hello(patched(ack, hello_ack_at::padding, 1U)),
         Errc::reserved_not_zero, "not zero"},
        {"HELLO_ACK with a packet size of a bare header",
         answer_hello(patched(ack, hello_ack_at::agreed_packet_size, 32U)), Errc::incompatible,
         "packet size"},
        {"HELLO_ACK with a packet size above the proposal",
         answer_hello(patched(ack, hello_ack_at::agreed_packet_size, 0xffffffffU)),
         Errc::incompatible, "packet size"},
        {"HELLO_ACK with a wrong magic", answer_hello(patched(ack, header_at::magic, 0U)),
         Errc::bad_magic, "unexpected value"},
        {"HELLO_ACK cut short", answer_hello(truncated(ack, 40)), Errc::truncated,
         "shorter than the fixed layout"},
    };
}

} // namespace

TEST_CASE("a client refuses each broken HELLO_ACK", "[hostile][client][handshake]") {
    for (const HandshakeCase& c : handshake_cases()) {
        DYNAMIC_SECTION(c.name) {
            TempRunDir dir;
            HostileServer server(dir.address("inc"), {c.script});
            const Resources before = Resources::of(dir.path());
            require_error(UdsIncrement::connect(dir.address("inc"), client_config(), soon()),
                          c.code, c.fragment);
            require_finished(server.join().at(0));
            CHECK(Resources::of(dir.path()) == before);
        }
    }
}
