// Typed handlers the tests and benchmarks serve: INCREMENT answers value + 1,
// STRING_REVERSE answers the reversed text.
#pragma once

#include <algorithm>

#include "codecs/increment.h"
#include "codecs/string_reverse.h"

namespace netipc::testing {

inline Result<void> increment(const codecs::IncrementView& request,
                              codecs::IncrementBuilder& response) {
    response.set(request.value + 1);
    return {};
}

inline Result<void> reverse(const codecs::StringReverseView& request,
                            codecs::StringReverseBuilder& response) {
    auto room = response.text_buffer(request.text.size());
    if (!room) {
        return std::unexpected(room.error());
    }
    std::ranges::reverse_copy(request.text, room->begin());
    return {};
}

} // namespace netipc::testing
