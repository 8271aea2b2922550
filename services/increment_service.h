// The INCREMENT service: a u64 in, a u64 out. Used for health checks, tests
// and benchmarks; a handler usually answers value + 1.
#pragma once

#include <cstdint>
#include <string_view>

#include "codecs/increment.h"
#include "services/service.h"
#include "transports/default_transport.h"

namespace netipc::services {

struct IncrementService {
    using Codec = codecs::Increment;
    using DefaultTransport = transports::DefaultTransport;
    static constexpr std::string_view default_name = "increment";

    static Result<void> respond(codecs::IncrementBuilder& out, std::uint64_t value) noexcept {
        out.set(value);
        return {};
    }
};

static_assert(Service<IncrementService>);
static_assert(RespondsWith<IncrementService, std::uint64_t>);

} // namespace netipc::services
