// The conformance suite over the Windows SHM transport (under wine on
// Linux): the handshake on the Named Pipe, then every session's data
// through its own named mapping and events. The fixture says a data plane
// is expected, so each session and Level 2 test checks that SHM was really
// selected and is active.
#include <type_traits>

#include "tests/conformance/suite.h"
#include "tests/support/pipe_namespace.h"
#include "transports/default_transport.h"
#include "transports/windows/named_pipe.h"
#include "transports/windows/win_shm.h"

namespace {

struct WinShmFixture {
    using Transport = netipc::transports::WinShm<netipc::transports::NamedPipe>;
    static constexpr bool data_plane = true;

    // A fresh namespace per address: the pipe and the SHM objects of one
    // test never meet another's.
    static Transport::Address address() { return netipc::testing::unique_pipe_address(); }
};

// What Level 2 services use by default on Windows is exactly this.
static_assert(std::is_same_v<WinShmFixture::Transport, netipc::transports::DefaultTransport>);

} // namespace

NETIPC_CONFORMANCE_SUITE(WinShmFixture, "[winshm]")
