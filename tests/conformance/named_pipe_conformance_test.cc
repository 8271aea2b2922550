// The conformance suite's transport and session cases over Win32 named pipes,
// the Windows baseline transport. (The Level 2 and lookup cases need the
// Windows default transport, which comes with the Windows SHM data plane.)
#include "tests/conformance/level1_suite.h"
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
