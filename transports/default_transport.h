// The platform's default transport for Level 2 services: the baseline
// connection for the handshake, with the platform's shared-memory data plane
// available when both peers offer it (configuration may narrow it back to
// the baseline alone).
//
// Bazel builds the matching libraries for the target platform (select() in
// transports/BUILD.bazel); this header only names the composition.
#pragma once

#include "netipc/concepts/data_plane.h"
#include "netipc/concepts/transport.h"
#include "transports/platform/defaults.h"

namespace netipc::transports {

static_assert(Transport<DefaultTransport>);
static_assert(NegotiatedDataPlane<DefaultTransport::Connection>);

} // namespace netipc::transports
