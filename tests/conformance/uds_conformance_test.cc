// The conformance suite over UDS SEQPACKET, the POSIX baseline transport.
#include <string>

#include "tests/conformance/suite.h"
#include "tests/support/temp_run_dir.h"
#include "transports/posix/uds_seqpacket.h"

namespace {

struct UdsFixture {
    using Transport = netipc::transports::UdsSeqpacket;
    static constexpr bool data_plane = false;

    // A fresh service name in a private run directory per address.
    Transport::Address address() { return dir.address("svc-" + std::to_string(next++)); }

    netipc::testing::TempRunDir dir;
    int next = 0;
};

} // namespace

NETIPC_CONFORMANCE_SUITE(UdsFixture, "[uds]")
