// Handlers and names shared by the Level 2 tests: what the reference
// providers answer for INCREMENT (value + 1) and STRING_REVERSE (the text
// reversed), in the two handler shapes a ManagedServer accepts.
#pragma once

#include <algorithm>

#include "codecs/increment.h"
#include "codecs/string_reverse.h"
#include "netipc/error.h"
#include "transports/default_transport.h"
#include "transports/posix/uds_seqpacket.h"

namespace netipc::testing {

using Baseline = transports::UdsSeqpacket;
using Fast = transports::DefaultTransport;

// The value-returning shape.
inline std::uint64_t plus_one(const codecs::IncrementView& request) {
    return request.value + 1;
}

// The builder-filling shape: reversed straight into the response.
inline Result<void> reverse(const codecs::StringReverseView& request,
                            codecs::StringReverseBuilder& out) {
    auto room = out.text_buffer(request.text.size());
    if (!room) {
        return std::unexpected(room.error());
    }
    std::ranges::reverse_copy(request.text, room->begin());
    return {};
}

} // namespace netipc::testing
