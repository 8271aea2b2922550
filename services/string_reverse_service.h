// The STRING_REVERSE service: a string in, a string out (the reference
// servers answer it reversed). Exercises variable-length payloads.
#pragma once

#include <string_view>

#include "codecs/string_reverse.h"
#include "services/service.h"
#include "transports/default_transport.h"

namespace netipc::services {

struct StringReverseService {
    using Codec = codecs::StringReverse;
    using DefaultTransport = transports::DefaultTransport;
    static constexpr std::string_view default_name = "string-reverse";

    // The text is copied into the response, so it may be a temporary.
    static Result<void> respond(codecs::StringReverseBuilder& out, std::string_view text) noexcept {
        return out.set(text);
    }
};

static_assert(Service<StringReverseService>);
static_assert(RespondsWith<StringReverseService, std::string_view>);

} // namespace netipc::services
