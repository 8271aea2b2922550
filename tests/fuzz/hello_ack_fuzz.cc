// Fuzz target: the 48-byte HELLO_ACK handshake payload.
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

// layout_version at 0, flags at 2..3, padding at 36..39, in wire order.
std::optional<Errc> expected_error(wire::Bytes in) {
    if (in.size() < wire::hello_ack_size) {
        return Errc::truncated;
    }
    if (fuzz::read_at<std::uint16_t>(in, 0) != wire::payload_layout_version) {
        return Errc::bad_layout;
    }
    if (!fuzz::all_zero(in, 2, 2) || !fuzz::all_zero(in, 36, 4)) {
        return Errc::reserved_not_zero;
    }
    return std::nullopt;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::Bytes in = fuzz::input_bytes(data, size);
    const auto ack = wire::decode_hello_ack(in);
    fuzz::check_verdict(ack, expected_error(in));
    if (!ack) {
        return 0;
    }
    fuzz::check_reencodes(*ack, in);
    NETIPC_FUZZ_CHECK(ack->selected_profile == fuzz::read_at<std::uint32_t>(in, 12));
    NETIPC_FUZZ_CHECK(ack->session_id == fuzz::read_at<std::uint64_t>(in, 40));
    return 0;
}
