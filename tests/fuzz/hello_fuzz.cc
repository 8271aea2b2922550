// Fuzz target: the 44-byte HELLO handshake payload, and the HELLO_ACK
// status a server derives from a decode failure.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "netipc/wire/constants.h"
#include "netipc/wire/hello.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using netipc::Errc;
namespace wire = netipc::wire;
namespace fuzz = netipc::fuzz;

// layout_version at 0, flags at 2..3, padding at 28..31, in wire order.
std::optional<Errc> expected_error(wire::Bytes in) {
    if (in.size() < wire::hello_size) {
        return Errc::truncated;
    }
    if (fuzz::read_at<std::uint16_t>(in, 0) != wire::payload_layout_version) {
        return Errc::bad_layout;
    }
    if (!fuzz::all_zero(in, 2, 2) || !fuzz::all_zero(in, 28, 4)) {
        return Errc::reserved_not_zero;
    }
    return std::nullopt;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    const auto hello = wire::decode_hello(in);
    fuzz::check_verdict(hello, expected_error(in));
    if (!hello) {
        // The rejection table: only an unknown layout is INCOMPATIBLE.
        const auto status = wire::handshake_status_for(hello.error().code);
        NETIPC_FUZZ_CHECK(status
                          == (hello.error().code == Errc::bad_layout
                                  ? wire::TransportStatus::incompatible
                                  : wire::TransportStatus::bad_envelope));
        return 0;
    }
    fuzz::check_reencodes(*hello, in);
    NETIPC_FUZZ_CHECK(hello->packet_size == fuzz::read_at<std::uint32_t>(in, 40));
    NETIPC_FUZZ_CHECK(hello->auth_token == fuzz::read_at<std::uint64_t>(in, 32));
    return 0;
}
