// The conformance suite over the SHM hybrid: the handshake on UDS SEQPACKET,
// then every session's data through its shared-memory region. The fixture
// says a data plane is expected, so each session and Level 2 test checks
// that SHM was really selected and is active.
#include <string>

#include "tests/conformance/suite.h"
#include "tests/support/temp_run_dir.h"
#include "transports/default_transport.h"
#include "transports/posix/shm_hybrid.h"
#include "transports/posix/uds_seqpacket.h"

namespace {

struct ShmFixture {
    using Transport = netipc::transports::ShmHybrid<netipc::transports::UdsSeqpacket>;
    static constexpr bool data_plane = true;

    Transport::Address address() { return dir.address("svc-" + std::to_string(next++)); }

    netipc::testing::TempRunDir dir;
    int next = 0;
};

// What Level 2 services use by default on Linux is exactly this.
static_assert(std::is_same_v<ShmFixture::Transport, netipc::transports::DefaultTransport>);

} // namespace

NETIPC_CONFORMANCE_SUITE(ShmFixture, "[shm]")
