#include "tests/fuzz/seeds.h"

#include <cstdint>
#include <cstring>
#include <set>

#include "netipc/wire/bytes.h"
#include "netipc/wire/chunk_header.h"
#include "netipc/wire/message_header.h"
#include "tests/support/hex_vectors.h"

namespace netipc::fuzz {

namespace {

using ByteVector = std::vector<std::byte>;

std::uint32_t read_u32(const ByteVector& bytes, std::size_t offset) {
    std::uint32_t value;
    std::memcpy(&value, bytes.data() + offset, sizeof(value));
    return value;
}

// The payload of a whole message: after the header of the first packet and
// after the chunk header of every continuation. Empty when the first
// packet is not a message.
ByteVector message_payload(const testing::HexVector& vector) {
    ByteVector payload;
    const auto& first = vector.packets.front();
    if (!wire::decode_message_header(first)) {
        return payload;
    }
    payload.assign(first.begin() + wire::message_header_size, first.end());
    for (std::size_t i = 1; i < vector.packets.size(); ++i) {
        const auto& packet = vector.packets[i];
        if (!wire::decode_chunk_header(packet)) {
            return {};
        }
        payload.insert(payload.end(), packet.begin() + wire::chunk_header_size, packet.end());
    }
    return payload;
}

// The item count under which `image` is a canonical batch payload (items
// back to back from offset 0, each 8-aligned, padded to 8 at the end), or
// 0. The batch vectors carry no outer header, so the count is recovered
// from the layout itself.
std::uint32_t canonical_batch_count(const ByteVector& image) {
    for (std::uint32_t count = 1; std::size_t{count} * 8 <= image.size(); ++count) {
        std::size_t expected_offset = 0;
        bool canonical = true;
        for (std::uint32_t i = 0; i < count && canonical; ++i) {
            const std::uint32_t offset = read_u32(image, i * 8);
            const std::uint32_t length = read_u32(image, i * 8 + 4);
            canonical = offset == expected_offset;
            expected_offset = wire::align8(std::size_t{offset} + length);
        }
        if (canonical && std::size_t{count} * 8 + expected_offset == image.size()) {
            return count;
        }
    }
    return 0;
}

ByteVector with_count_prefix(std::uint32_t count, const ByteVector& payload) {
    ByteVector prefixed(sizeof(count));
    std::memcpy(prefixed.data(), &count, sizeof(count));
    prefixed.insert(prefixed.end(), payload.begin(), payload.end());
    return prefixed;
}

// The packet-sequence shape the sequence targets read (split_packets() in
// fuzz_support.h): each packet behind its u16 length.
ByteVector as_sequence(const std::vector<ByteVector>& packets) {
    ByteVector sequence;
    for (const ByteVector& packet : packets) {
        const auto length = static_cast<std::uint16_t>(packet.size());
        const auto* bytes = reinterpret_cast<const std::byte*>(&length);
        sequence.insert(sequence.end(), bytes, bytes + sizeof(length));
        sequence.insert(sequence.end(), packet.begin(), packet.end());
    }
    return sequence;
}

// The message_receiver target's input: [packet size - 33][u32 ceiling] and
// the sequence. A chunked vector keeps its own packet size (its first
// packet is a full one); a single packet gets the largest the byte allows.
ByteVector as_receiver_input(const testing::HexVector& vector) {
    constexpr std::size_t smallest_packet = 33;
    constexpr std::uint32_t ceiling = 65536;
    std::size_t packet_size = smallest_packet + 255;
    if (vector.packets.size() > 1) {
        packet_size = vector.packets.front().size();
    }
    if (packet_size < smallest_packet || packet_size > smallest_packet + 255) {
        return {};
    }
    ByteVector input{static_cast<std::byte>(packet_size - smallest_packet)};
    const auto* bytes = reinterpret_cast<const std::byte*>(&ceiling);
    input.insert(input.end(), bytes, bytes + sizeof(ceiling));
    const ByteVector sequence = as_sequence(vector.packets);
    input.insert(input.end(), sequence.begin(), sequence.end());
    return input;
}

} // namespace

std::vector<Seed> collect_seeds() {
    std::vector<Seed> seeds;
    std::set<ByteVector> seen;
    auto add = [&](std::string name, ByteVector bytes) {
        if (seen.insert(bytes).second) {
            seeds.push_back({std::move(name), std::move(bytes)});
        }
    };
    for (const testing::HexVector& vector : testing::load_all_vectors()) {
        const ByteVector image = vector.bytes();
        add(vector.name, image);
        if (vector.packets.size() > 1) {
            for (std::size_t i = 0; i < vector.packets.size(); ++i) {
                add(vector.name + ".packet" + std::to_string(i), vector.packets[i]);
            }
        }
        // Codec targets take bare payloads; whole-message images hide them
        // behind the envelope (and, when chunked, behind chunk headers).
        const ByteVector payload = message_payload(vector);
        if (!payload.empty()) {
            add(vector.name + ".payload", payload);
        }
        add(vector.name + ".sequence", as_sequence(vector.packets));
        if (ByteVector input = as_receiver_input(vector); !input.empty()) {
            add(vector.name + ".receiver", std::move(input));
        }
        // The batch target takes [u32 item_count][payload].
        for (const ByteVector* candidate : {&image, &payload}) {
            if (const std::uint32_t count = canonical_batch_count(*candidate)) {
                add(vector.name + ".batch" + std::to_string(count),
                    with_count_prefix(count, *candidate));
            }
        }
    }
    // The lookup images are bare payloads already.
    for (const testing::HexVector& vector : testing::load_all_lookup_vectors()) {
        add(vector.name, vector.bytes());
    }
    return seeds;
}

} // namespace netipc::fuzz
