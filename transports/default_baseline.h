// The platform's baseline transport: the one every session handshakes over.
//
// Bazel builds the matching transport library for the target platform
// (select() in transports/BUILD.bazel); this header only names it.
#pragma once

#include "netipc/concepts/transport.h"
#include "transports/platform/defaults.h"

namespace netipc::transports {

static_assert(Transport<DefaultBaseline>);

} // namespace netipc::transports
