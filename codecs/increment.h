// INCREMENT (method 1): a u64 ping-pong used for tests and benchmarks.
// Request and response share one layout: { u64 value }.
#pragma once

#include <cstdint>
#include <optional>

#include <boost/hana/define_struct.hpp>

#include "netipc/concepts/codec.h"
#include "netipc/force_inline.h"
#include "netipc/wire/layout.h"

namespace netipc::codecs {

struct IncrementPayload {
    BOOST_HANA_DEFINE_STRUCT(IncrementPayload, (std::uint64_t, value));
};
static_assert(wire::wire_size<IncrementPayload> == 8);

// A decoded INCREMENT payload. Holds the value by copy, so it has no
// lifetime constraint despite the View name the Codec seam requires.
struct IncrementView {
    std::uint64_t value = 0;
};

// Fills an INCREMENT response payload in a caller-owned buffer.
class IncrementBuilder {
public:
    explicit IncrementBuilder(wire::MutableBytes out) noexcept : out_(out) {}
    void set(std::uint64_t value) noexcept { value_ = value; }
    // Errc::invalid_argument when no value was set, Errc::overflow when the
    // buffer is shorter than 8 bytes.
    Result<std::size_t> finish() noexcept;

private:
    wire::MutableBytes out_;
    std::optional<std::uint64_t> value_;
};

struct Increment {
    static constexpr wire::MethodCode method = wire::MethodCode::increment;
    static constexpr bool batchable = true;
    static constexpr std::size_t payload_size = wire::wire_size<IncrementPayload>;
    // FixedSizePayloads: both directions are one u64, so batches are laid
    // out in one pass.
    static constexpr std::size_t fixed_request_size = payload_size;
    static constexpr std::size_t fixed_response_size = payload_size;

    using Request = std::uint64_t;
    using RequestView = IncrementView;
    using OwnedRequest = std::uint64_t;
    using ResponseView = IncrementView;
    using OwnedResponse = std::uint64_t;
    using ResponseBuilder = IncrementBuilder;

    static std::size_t request_size(const Request&) noexcept { return payload_size; }
    static Result<std::size_t> encode_request(const Request& value,
                                              wire::MutableBytes out) noexcept {
        return wire::encode(IncrementPayload{value}, out);
    }
    static Result<std::size_t> encode_response(std::uint64_t value,
                                               wire::MutableBytes out) noexcept {
        return wire::encode(IncrementPayload{value}, out);
    }
    // Accepts any payload of at least 8 bytes, as the reference peers do.
    // Forced inline like decode_value(): g++ left decode_response() out of
    // line in the Level 2 client's batch loop, a call per item.
    NETIPC_FORCE_INLINE static Result<IncrementView> decode_request(wire::Bytes in) noexcept {
        return decode_value(in);
    }
    NETIPC_FORCE_INLINE static Result<IncrementView> decode_response(wire::Bytes in) noexcept {
        return decode_value(in);
    }
    static std::uint64_t to_owned(const IncrementView& view) noexcept { return view.value; }

private:
    // Forced inline, as wire::decode() is: it runs once per batch item.
    NETIPC_FORCE_INLINE static Result<IncrementView> decode_value(wire::Bytes in) noexcept {
        auto payload = wire::decode<IncrementPayload>(in);
        if (!payload) {
            return std::unexpected(payload.error());
        }
        return IncrementView{payload->value};
    }
};

inline Result<std::size_t> IncrementBuilder::finish() noexcept {
    if (!value_) {
        return fail(Errc::invalid_argument, "INCREMENT response finished without a value");
    }
    return Increment::encode_response(*value_, out_);
}

static_assert(Codec<Increment>);
static_assert(FixedSizePayloads<Increment>);

} // namespace netipc::codecs
