// The conformance suite's transport, session and Level 2 cases over Win32
// named pipes, the Windows baseline transport. (The lookup cases use the
// built-in lookup services, which need the Windows default transport: it
// comes with the Windows shared-memory data plane.)
#include "tests/conformance/level1_suite.h"
#include "tests/conformance/level2_suite.h"
#include "tests/support/pipe_namespace.h"
#include "transports/windows/named_pipe.h"

namespace {

struct NamedPipeFixture {
    using Transport = netipc::transports::NamedPipe;
    static constexpr bool data_plane = false;

    // A fresh pipe name per address: a namespace of its own.
    static Transport::Address address() { return netipc::testing::unique_pipe_address(); }
};

} // namespace

NETIPC_LEVEL1_CONFORMANCE_SUITE(NamedPipeFixture, "[named-pipe]")
NETIPC_LEVEL2_CONFORMANCE(NamedPipeFixture, "[named-pipe]")
