// The APPS_LOOKUP service ("apps-lookup"): a consumer asks about the pids it
// just saw and the provider answers each process's identity and cgroup
// metadata, in the order asked.
//
// Consumers call Client<AppsLookupService>::lookup(pids): one answer per
// pid, however many request/response cycles that takes. A provider's
// handler returns an owned codecs::AppsLookupData (one item per pid, in
// request order, each echoing its pid); respond() writes it within the
// session's response ceiling, marking the items past it PAYLOAD_EXCEEDED
// (and a first item that cannot fit at all OVERSIZED_ITEM).
#pragma once

#include <string_view>

#include "codecs/apps_lookup.h"
#include "services/service.h"
#include "transports/default_transport.h"

namespace netipc::services {

struct AppsLookupService {
    using Codec = codecs::AppsLookup;
    using DefaultTransport = transports::DefaultTransport;
    static constexpr std::string_view default_name = "apps-lookup";

    static Result<void> respond(codecs::AppsLookupBuilder& out,
                                const codecs::AppsLookupData& answer) noexcept {
        out.set_generation(answer.generation);
        return out.add_within_budget(answer.items);
    }
};

static_assert(Service<AppsLookupService>);
static_assert(RespondsWith<AppsLookupService, const codecs::AppsLookupData&>);

} // namespace netipc::services
