// Fuzz target: the STRING_REVERSE codec
// (u32 str_offset = 8, u32 str_length, bytes, NUL; trailing bytes allowed).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "codecs/string_reverse.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using netipc::Errc;
using netipc::codecs::StringReverse;
using netipc::codecs::StringReverseBuilder;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;

constexpr std::size_t header_size = netipc::codecs::string_reverse_header_size;

std::optional<Errc> expected_error(wire::Bytes in) {
    if (in.size() < header_size) {
        return Errc::truncated;
    }
    if (fuzz::read_at<std::uint32_t>(in, 0) != header_size) {
        return Errc::bad_layout;
    }
    const std::uint64_t nul_at = header_size + std::uint64_t{fuzz::read_at<std::uint32_t>(in, 4)};
    if (nul_at >= in.size()) {
        return Errc::out_of_bounds;
    }
    if (in[nul_at] != std::byte{0}) {
        return Errc::missing_nul;
    }
    return std::nullopt;
}

// The canonical encoding is a prefix of any accepted input: header, text,
// NUL. Both encoders must produce exactly that prefix, and it must decode
// to the same string.
void check_reencodes(const std::string& text, wire::Bytes in) {
    const std::size_t encoded_size = StringReverse::request_size(text);
    NETIPC_FUZZ_CHECK(encoded_size <= in.size());

    std::vector<std::byte> encoded(encoded_size);
    const auto written = StringReverse::encode_request(text, encoded);
    NETIPC_FUZZ_CHECK(written && *written == encoded_size);
    NETIPC_FUZZ_CHECK(std::memcmp(encoded.data(), in.data(), encoded_size) == 0);

    const auto again = StringReverse::decode_request(encoded);
    NETIPC_FUZZ_CHECK(again.has_value());
    NETIPC_FUZZ_CHECK(StringReverse::to_owned(*again) == text);

    // The in-place builder path: reserve room for the text, write it, finish.
    std::vector<std::byte> built(encoded_size);
    StringReverseBuilder builder(built);
    auto room = builder.text_buffer(text.size());
    NETIPC_FUZZ_CHECK(room.has_value() && room->size() == text.size());
    if (!text.empty()) {
        std::memcpy(room->data(), text.data(), text.size());
    }
    const auto finished = builder.finish();
    NETIPC_FUZZ_CHECK(finished && *finished == encoded_size);
    NETIPC_FUZZ_CHECK(built == encoded);

    // One byte short must be refused, never written past.
    std::vector<std::byte> short_buffer(encoded_size - 1);
    const auto refused = StringReverse::encode_request(text, short_buffer);
    NETIPC_FUZZ_CHECK(!refused && refused.error().code == Errc::overflow);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    const auto request = StringReverse::decode_request(in);
    fuzz::check_verdict(request, expected_error(in));
    const auto response = StringReverse::decode_response(in);
    fuzz::check_verdict(response, expected_error(in));
    if (!request) {
        return 0;
    }
    const std::string_view text = request->text;
    fuzz::touch(text);
    NETIPC_FUZZ_CHECK(text.size() == fuzz::read_at<std::uint32_t>(in, 4));
    NETIPC_FUZZ_CHECK(reinterpret_cast<const std::byte*>(text.data()) == in.data() + header_size);
    NETIPC_FUZZ_CHECK(text.data()[text.size()] == '\0'); // c_str() promise
    NETIPC_FUZZ_CHECK(request->c_str() == text.data());
    NETIPC_FUZZ_CHECK(response->text == text);

    const std::string owned = StringReverse::to_owned(*request);
    NETIPC_FUZZ_CHECK(owned == text);
    check_reencodes(owned, in);
    return 0;
}
