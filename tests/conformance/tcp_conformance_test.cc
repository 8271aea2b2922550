// The conformance suite over the example TCP transport (examples/tcp/): a
// transport defined outside the library, and a stream rather than a packet
// socket (not packet-limited: the session suite's big message crosses as one
// frame). Every address is port 0; the suite connects to the port each
// listener reports.
#include "examples/tcp/tcp_transport.h"
#include "tests/conformance/suite.h"

namespace {

struct TcpFixture {
    using Transport = netipc::examples::TcpTransport;
    static constexpr bool data_plane = false;

    static Transport::Address address() { return {}; }
};

} // namespace

NETIPC_CONFORMANCE_SUITE(TcpFixture, "[tcp]")
