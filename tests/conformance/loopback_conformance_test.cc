// The conformance suite over the in-memory loopback transport, the test
// double Session and the levels above are unit-tested with: it must keep
// the same rules as the real transports, or those tests prove nothing.
#include <atomic>
#include <string>

#include "tests/conformance/suite.h"
#include "tests/support/loopback_transport.h"

namespace {

struct LoopbackFixture {
    using Transport = netipc::testing::LoopbackTransport;
    static constexpr bool data_plane = false;

    // Listener names are process-wide: unique across every test case.
    static Transport::Address address() {
        static std::atomic<int> next{0};
        return {"conformance-" + std::to_string(next++)};
    }
};

} // namespace

NETIPC_CONFORMANCE_SUITE(LoopbackFixture, "[loopback]")
