// A worked example of a service that is not built in: CLOCK, which tells a
// client the provider's monotonic time, so a plugin can estimate the offset
// and round-trip time to a helper process. docs/adding-a-service.md walks
// through this file.
//
// Method code 0x7000 is private to this example: the NetIPC method codes
// 1..5 are Netdata's, and a private service must stay clear of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/hana/define_struct.hpp>

#include "netipc/concepts/codec.h"
#include "netipc/wire/layout.h"
#include "services/service.h"
#include "transports/default_transport.h"

namespace netipc::examples {

// --- 1. The payloads, declared once; the layout walker derives sizes,
// offsets, encoding and decoding from these declarations.
struct ClockRequestPayload {
    BOOST_HANA_DEFINE_STRUCT(ClockRequestPayload, (std::uint64_t, client_sent_ns));
};
struct ClockResponsePayload {
    BOOST_HANA_DEFINE_STRUCT(ClockResponsePayload, (std::uint64_t, client_sent_ns),
                             (std::uint64_t, server_now_ns));
};
static_assert(wire::wire_size<ClockRequestPayload> == 8);
static_assert(wire::wire_size<ClockResponsePayload> == 16);

// --- 2. Views (decoded payloads) and the response builder.
struct ClockRequestView {
    std::uint64_t client_sent_ns = 0;
};
struct ClockReading {
    std::uint64_t client_sent_ns = 0; // echoed, so a client can pair answers
    std::uint64_t server_now_ns = 0;
};

class ClockBuilder {
public:
    explicit ClockBuilder(wire::MutableBytes out) noexcept : out_(out) {}
    void set(const ClockReading& reading) noexcept { reading_ = reading; }
    Result<std::size_t> finish() noexcept {
        if (!reading_) {
            return fail(Errc::invalid_argument, "CLOCK response finished without a reading");
        }
        return wire::encode(ClockResponsePayload{reading_->client_sent_ns, reading_->server_now_ns},
                            out_);
    }

private:
    wire::MutableBytes out_;
    std::optional<ClockReading> reading_;
};

// --- 3. The codec: pure bytes <-> values, checked by the Codec concept.
struct Clock {
    static constexpr auto method = static_cast<wire::MethodCode>(0x7000);
    static constexpr bool batchable = true;

    using Request = std::uint64_t; // the client's send time
    using RequestView = ClockRequestView;
    using OwnedRequest = ClockRequestView;
    using ResponseView = ClockReading;
    using OwnedResponse = ClockReading;
    using ResponseBuilder = ClockBuilder;

    static std::size_t request_size(const Request&) noexcept {
        return wire::wire_size<ClockRequestPayload>;
    }
    static Result<std::size_t> encode_request(const Request& sent,
                                              wire::MutableBytes out) noexcept {
        return wire::encode(ClockRequestPayload{sent}, out);
    }
    static Result<ClockRequestView> decode_request(wire::Bytes in) noexcept {
        auto payload = wire::decode<ClockRequestPayload>(in);
        if (!payload) {
            return std::unexpected(payload.error());
        }
        return ClockRequestView{payload->client_sent_ns};
    }
    static Result<ClockReading> decode_response(wire::Bytes in) noexcept {
        auto payload = wire::decode<ClockResponsePayload>(in);
        if (!payload) {
            return std::unexpected(payload.error());
        }
        return ClockReading{payload->client_sent_ns, payload->server_now_ns};
    }
    static ClockRequestView to_owned(const ClockRequestView& view) noexcept { return view; }
    static ClockReading to_owned(const ClockReading& view) noexcept { return view; }
};
static_assert(Codec<Clock>);

// --- 4. The service: the codec, a default endpoint name and transport, and
// how a handler's returned value becomes a response.
struct ClockService {
    using Codec = Clock;
    using DefaultTransport = transports::DefaultTransport;
    static constexpr std::string_view default_name = "clock";

    static Result<void> respond(ClockBuilder& out, const ClockReading& reading) noexcept {
        out.set(reading);
        return {};
    }
};
static_assert(services::Service<ClockService>);

} // namespace netipc::examples
