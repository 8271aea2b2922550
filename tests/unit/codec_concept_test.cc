// The Codec concept in positive/negative pairs: the three real codecs and a
// minimal test double satisfy it; near-misses that each break one clause do
// not. A generic round trip written only against the concept then runs on
// every real codec.
#include <cstdint>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "codecs/cgroups_snapshot.h"
#include "codecs/increment.h"
#include "codecs/string_reverse.h"
#include "netipc/concepts/codec.h"
#include "tests/unit/test_util.h"

namespace {

using namespace netipc;
using netipc::test::Buffer;

// --- a minimal codec double: a u8 echo --------------------------------------------

struct EchoView {
    std::uint8_t value = 0;
};

struct EchoBuilder {
    explicit EchoBuilder(wire::MutableBytes room) noexcept : out(room) {}
    [[nodiscard]] Result<std::size_t> finish() const noexcept {
        if (out.empty()) {
            return fail(Errc::overflow);
        }
        out[0] = std::byte{0x2A};
        return 1;
    }
    wire::MutableBytes out;
};

// Types every variant shares; each variant adds (or breaks) the functions.
struct EchoTypes {
    static constexpr wire::MethodCode method = wire::MethodCode::increment;
    static constexpr bool batchable = true;
    using Request = std::uint8_t;
    using RequestView = EchoView;
    using OwnedRequest = std::uint8_t;
    using ResponseView = EchoView;
    using OwnedResponse = std::uint8_t;
    using ResponseBuilder = EchoBuilder;
};

struct EchoCodec : EchoTypes {
    static std::size_t request_size(const Request&) noexcept { return 1; }
    static Result<std::size_t> encode_request(const Request& value,
                                              wire::MutableBytes out) noexcept {
        if (out.empty()) {
            return fail(Errc::overflow);
        }
        out[0] = static_cast<std::byte>(value);
        return 1;
    }
    static Result<EchoView> decode_request(wire::Bytes in) noexcept { return decode(in); }
    static Result<EchoView> decode_response(wire::Bytes in) noexcept { return decode(in); }
    static std::uint8_t to_owned(const EchoView& view) noexcept { return view.value; }

private:
    static Result<EchoView> decode(wire::Bytes in) noexcept {
        if (in.empty()) {
            return fail(Errc::truncated);
        }
        return EchoView{static_cast<std::uint8_t>(in[0])};
    }
};

// Near-miss: no decode_response.
struct EchoWithoutDecodeResponse : EchoTypes {
    static std::size_t request_size(const Request&) noexcept { return 1; }
    static Result<std::size_t> encode_request(const Request&, wire::MutableBytes) noexcept {
        return 1;
    }
    static Result<EchoView> decode_request(wire::Bytes) noexcept { return EchoView{}; }
    static std::uint8_t to_owned(const EchoView& view) noexcept { return view.value; }
};

// Near-miss: encode_request returns a bare size instead of Result<size_t>.
struct EchoWithBareEncode : EchoTypes {
    static std::size_t request_size(const Request&) noexcept { return 1; }
    static std::size_t encode_request(const Request&, wire::MutableBytes) noexcept { return 1; }
    static Result<EchoView> decode_request(wire::Bytes) noexcept { return EchoView{}; }
    static Result<EchoView> decode_response(wire::Bytes) noexcept { return EchoView{}; }
    static std::uint8_t to_owned(const EchoView& view) noexcept { return view.value; }
};

// Near-miss: request_size returns int (a convertible type is not enough).
struct EchoWithIntSize : EchoTypes {
    static int request_size(const Request&) noexcept { return 1; }
    static Result<std::size_t> encode_request(const Request&, wire::MutableBytes) noexcept {
        return 1;
    }
    static Result<EchoView> decode_request(wire::Bytes) noexcept { return EchoView{}; }
    static Result<EchoView> decode_response(wire::Bytes) noexcept { return EchoView{}; }
    static std::uint8_t to_owned(const EchoView& view) noexcept { return view.value; }
};

// Near-miss: a builder that cannot be constructed over a byte buffer.
struct DefaultOnlyBuilder {
    static Result<std::size_t> finish() noexcept { return 0; }
};
struct EchoWithWrongBuilder : EchoCodec {
    using ResponseBuilder = DefaultOnlyBuilder;
};

// Near-miss: no OwnedResponse type.
struct EchoWithoutOwnedResponse {
    static constexpr wire::MethodCode method = wire::MethodCode::increment;
    static constexpr bool batchable = true;
    using Request = std::uint8_t;
    using RequestView = EchoView;
    using OwnedRequest = std::uint8_t;
    using ResponseView = EchoView;
    using ResponseBuilder = EchoBuilder;
    static std::size_t request_size(const Request&) noexcept { return 1; }
    static Result<std::size_t> encode_request(const Request&, wire::MutableBytes) noexcept {
        return 1;
    }
    static Result<EchoView> decode_request(wire::Bytes) noexcept { return EchoView{}; }
    static Result<EchoView> decode_response(wire::Bytes) noexcept { return EchoView{}; }
    static std::uint8_t to_owned(const EchoView& view) noexcept { return view.value; }
};

// Near-miss: the method is a plain integer, not a MethodCode.
struct EchoWithIntegerMethod : EchoCodec {
    static constexpr int method = 1;
};

// The FixedSizePayloads capability: the double with constant sizes has it;
// with sizes that are not constant expressions it does not.
struct FixedEchoCodec : EchoCodec {
    static constexpr std::size_t fixed_request_size = 1;
    static constexpr std::size_t fixed_response_size = 1;
};
// Deliberately not constant; only named by the concept check, which stops
// at the first one.
struct EchoWithRuntimeSizes : EchoCodec {
    [[maybe_unused]] static inline std::size_t fixed_request_size = 1;  // NOLINT
    [[maybe_unused]] static inline std::size_t fixed_response_size = 1; // NOLINT
};
struct EchoWithRequestSizeOnly : EchoCodec {
    static constexpr std::size_t fixed_request_size = 1;
};

static_assert(Codec<codecs::Increment>);
static_assert(Codec<codecs::StringReverse>);
static_assert(Codec<codecs::CgroupsSnapshot>);
static_assert(Codec<EchoCodec>);

static_assert(!Codec<EchoWithoutDecodeResponse>);
static_assert(!Codec<EchoWithBareEncode>);
static_assert(!Codec<EchoWithIntSize>);
static_assert(!Codec<EchoWithWrongBuilder>);
static_assert(!Codec<EchoWithoutOwnedResponse>);
static_assert(!Codec<EchoWithIntegerMethod>);
static_assert(!Codec<int>);
static_assert(!Codec<EchoTypes>);

// Written only against the concept: encode a request into exactly
// request_size() bytes, decode it, copy it out.
template <Codec C>
typename C::OwnedRequest request_round_trip(const typename C::Request& request) {
    Buffer bytes(C::request_size(request));
    auto written = C::encode_request(request, bytes);
    REQUIRE_OK(written);
    REQUIRE(*written == bytes.size());
    auto view = C::decode_request(bytes);
    REQUIRE_OK(view);
    return C::to_owned(*view);
}

// Every codec's encoder fails cleanly on a buffer one byte short.
template <Codec C>
void short_buffer_overflows(const typename C::Request& request) {
    Buffer bytes(C::request_size(request) - 1);
    REQUIRE_ERRC(C::encode_request(request, bytes), Errc::overflow);
}

} // namespace

TEST_CASE("Codec concept: the real codecs and the double satisfy it", "[concept]") {
    STATIC_REQUIRE(Codec<codecs::Increment>);
    STATIC_REQUIRE(Codec<codecs::StringReverse>);
    STATIC_REQUIRE(Codec<codecs::CgroupsSnapshot>);
    STATIC_REQUIRE(Codec<EchoCodec>);
    // Batchability is part of each codec's contract.
    STATIC_REQUIRE(codecs::Increment::batchable);
    STATIC_REQUIRE(codecs::StringReverse::batchable);
    STATIC_REQUIRE_FALSE(codecs::CgroupsSnapshot::batchable);
    STATIC_REQUIRE(codecs::Increment::method == wire::MethodCode::increment);
    STATIC_REQUIRE(codecs::CgroupsSnapshot::method == wire::MethodCode::cgroups_snapshot);
    STATIC_REQUIRE(codecs::StringReverse::method == wire::MethodCode::string_reverse);
}

TEST_CASE("Codec concept: each near-miss is rejected", "[concept]") {
    STATIC_REQUIRE_FALSE(Codec<EchoWithoutDecodeResponse>);
    STATIC_REQUIRE_FALSE(Codec<EchoWithBareEncode>);
    STATIC_REQUIRE_FALSE(Codec<EchoWithIntSize>);
    STATIC_REQUIRE_FALSE(Codec<EchoWithWrongBuilder>);
    STATIC_REQUIRE_FALSE(Codec<EchoWithoutOwnedResponse>);
    STATIC_REQUIRE_FALSE(Codec<EchoWithIntegerMethod>);
    STATIC_REQUIRE_FALSE(Codec<int>);
}

TEST_CASE("FixedSizePayloads: constant sizes in both directions, or not at all", "[concept]") {
    STATIC_REQUIRE(FixedSizePayloads<codecs::Increment>);
    STATIC_REQUIRE(codecs::Increment::fixed_request_size == codecs::Increment::payload_size);
    STATIC_REQUIRE(FixedSizePayloads<FixedEchoCodec>);
    STATIC_REQUIRE_FALSE(FixedSizePayloads<codecs::StringReverse>);
    STATIC_REQUIRE_FALSE(FixedSizePayloads<codecs::CgroupsSnapshot>);
    STATIC_REQUIRE_FALSE(FixedSizePayloads<EchoCodec>);
    STATIC_REQUIRE_FALSE(FixedSizePayloads<EchoWithRuntimeSizes>);
    STATIC_REQUIRE_FALSE(FixedSizePayloads<EchoWithRequestSizeOnly>);
    // Still a Codec first: the sizes alone do not make one.
    STATIC_REQUIRE_FALSE(FixedSizePayloads<EchoTypes>);
}

TEST_CASE("Codec concept: generic request round trip on every codec", "[concept]") {
    REQUIRE(request_round_trip<codecs::Increment>(0xFEEDFACEULL) == 0xFEEDFACEULL);
    REQUIRE(request_round_trip<codecs::StringReverse>("generic") == "generic");
    REQUIRE(request_round_trip<codecs::CgroupsSnapshot>({}).layout_version == 1);
    REQUIRE(request_round_trip<EchoCodec>(0x2A) == 0x2A);
}

TEST_CASE("Codec concept: generic encoders report overflow on a short buffer", "[concept]") {
    short_buffer_overflows<codecs::Increment>(1);
    short_buffer_overflows<codecs::StringReverse>("x");
    short_buffer_overflows<codecs::CgroupsSnapshot>({});
    short_buffer_overflows<EchoCodec>(1);
}

TEST_CASE("Codec concept: response builders construct over a buffer", "[concept]") {
    Buffer out(8);
    EchoCodec::ResponseBuilder echo(out);
    auto length = echo.finish();
    REQUIRE_OK(length);
    REQUIRE(*length == 1);
    REQUIRE(out[0] == std::byte{0x2A});

    codecs::Increment::ResponseBuilder increment(out);
    increment.set(1);
    REQUIRE_OK(increment.finish());
}
