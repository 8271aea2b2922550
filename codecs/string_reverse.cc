#include "codecs/string_reverse.h"

#include <cstring>
#include <limits>

namespace netipc::codecs {

namespace {

// Room for a header, `length` characters and the NUL, or Errc::overflow.
Result<void> check_room(wire::MutableBytes out, std::size_t length) noexcept {
    if (length > std::numeric_limits<std::uint32_t>::max()) {
        return fail(Errc::invalid_argument, "string longer than a u32 length can describe");
    }
    if (out.size() < string_reverse_header_size + 1
        || length > out.size() - string_reverse_header_size - 1) {
        return fail(Errc::overflow, "buffer too small for the STRING_REVERSE payload");
    }
    return {};
}

} // namespace

Result<std::size_t> StringReverse::encode_request(const Request& text,
                                                  wire::MutableBytes out) noexcept {
    StringReverseBuilder builder(out);
    if (auto set = builder.set(text); !set) {
        return std::unexpected(set.error());
    }
    return builder.finish();
}

Result<StringReverseView> StringReverse::decode(wire::Bytes in) noexcept {
    auto header = wire::decode<StringReverseHeader>(in);
    if (!header) {
        return std::unexpected(header.error());
    }
    const std::uint64_t end = std::uint64_t{string_reverse_header_size} + header->str_length;
    if (end + 1 > in.size()) {
        return fail(Errc::out_of_bounds, "string extends past the STRING_REVERSE payload");
    }
    if (in[end] != std::byte{0}) {
        return fail(Errc::missing_nul, "STRING_REVERSE string lacks its NUL terminator");
    }
    const auto* chars = reinterpret_cast<const char*>(in.data() + string_reverse_header_size);
    return StringReverseView{std::string_view(chars, header->str_length)};
}

Result<void> StringReverseBuilder::set(std::string_view text) noexcept {
    auto room = text_buffer(text.size());
    if (!room) {
        return std::unexpected(room.error());
    }
    if (!text.empty()) {
        std::memcpy(room->data(), text.data(), text.size());
    }
    return {};
}

Result<std::span<char>> StringReverseBuilder::text_buffer(std::size_t length) noexcept {
    if (auto room = check_room(out_, length); !room) {
        return std::unexpected(room.error());
    }
    length_ = length;
    has_text_ = true;
    auto* chars = reinterpret_cast<char*>(out_.data() + string_reverse_header_size);
    return std::span<char>(chars, length);
}

Result<std::size_t> StringReverseBuilder::finish() noexcept {
    if (!has_text_) {
        return fail(Errc::invalid_argument, "STRING_REVERSE payload finished without text");
    }
    StringReverseHeader header{};
    header.str_length = static_cast<std::uint32_t>(length_);
    wire::encode_unchecked(header, out_.data());
    out_[string_reverse_header_size + length_] = std::byte{0};
    return string_reverse_header_size + length_ + 1;
}

} // namespace netipc::codecs
