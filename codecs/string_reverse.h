// STRING_REVERSE (method 3): a variable-length string ping-pong.
// Request and response share one layout:
//   u32 str_offset (always 8), u32 str_length (without NUL), bytes, NUL.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <boost/hana/define_struct.hpp>

#include "netipc/concepts/codec.h"
#include "netipc/wire/layout.h"

namespace netipc::codecs {

struct StringReverseHeader {
    BOOST_HANA_DEFINE_STRUCT(StringReverseHeader,
                             (wire::Fixed<std::uint32_t, 8, Errc::bad_layout>, str_offset),
                             (std::uint32_t, str_length));
};
inline constexpr std::size_t string_reverse_header_size = 8;
static_assert(wire::wire_size<StringReverseHeader> == string_reverse_header_size);

// A decoded STRING_REVERSE payload: borrows the payload bytes. Valid only
// while they are alive and unchanged (for a Level 2 client, until the next
// call on the same client); copy with StringReverse::to_owned() to keep it.
struct StringReverseView {
    std::string_view text; // text.data()[text.size()] is the NUL
    [[nodiscard]] const char* c_str() const noexcept { return text.data(); }
};

// Fills a STRING_REVERSE payload in a caller-owned buffer. Either set() the
// text, or ask for text_buffer(n) and write n characters in place.
class StringReverseBuilder {
public:
    explicit StringReverseBuilder(wire::MutableBytes out) noexcept : out_(out) {}

    Result<void> set(std::string_view text) noexcept;
    // Writable room for exactly `length` characters; the NUL is added by
    // finish(). Valid until the next call on this builder.
    Result<std::span<char>> text_buffer(std::size_t length) noexcept;
    Result<std::size_t> finish() noexcept;

private:
    wire::MutableBytes out_;
    std::size_t length_ = 0;
    bool has_text_ = false;
};

struct StringReverse {
    static constexpr wire::MethodCode method = wire::MethodCode::string_reverse;
    static constexpr bool batchable = true;

    using Request = std::string_view;
    using RequestView = StringReverseView;
    using OwnedRequest = std::string;
    using ResponseView = StringReverseView;
    using OwnedResponse = std::string;
    using ResponseBuilder = StringReverseBuilder;

    static std::size_t request_size(const Request& text) noexcept {
        return string_reverse_header_size + text.size() + 1;
    }
    static Result<std::size_t> encode_request(const Request& text, wire::MutableBytes out) noexcept;
    static Result<std::size_t> encode_response(std::string_view text,
                                               wire::MutableBytes out) noexcept {
        return encode_request(text, out);
    }
    static Result<StringReverseView> decode_request(wire::Bytes in) noexcept { return decode(in); }
    static Result<StringReverseView> decode_response(wire::Bytes in) noexcept { return decode(in); }
    static std::string to_owned(const StringReverseView& view) { return std::string(view.text); }

    // Validation: header present, str_offset == 8 (Errc::bad_layout), the
    // string and its NUL inside the payload (Errc::out_of_bounds), the NUL
    // present (Errc::missing_nul). Trailing bytes after the NUL are allowed.
    static Result<StringReverseView> decode(wire::Bytes in) noexcept;
};

static_assert(Codec<StringReverse>);

} // namespace netipc::codecs
