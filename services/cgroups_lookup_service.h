// The CGROUPS_LOOKUP service ("cgroups-lookup"): a consumer asks about the
// cgroup paths it just saw and the provider answers each one's status,
// orchestrator, name and labels, in the order asked.
//
// Consumers call Client<CgroupsLookupService>::lookup(paths): one answer
// per path, however many request/response cycles that takes. A provider's
// handler returns an owned codecs::CgroupsLookupData (one item per path,
// in request order, each echoing its path); respond() writes it within the
// session's response ceiling, marking the items past it PAYLOAD_EXCEEDED
// (and a first item that cannot fit at all OVERSIZED_ITEM), which the
// client then asks for again.
#pragma once

#include <string_view>

#include "codecs/cgroups_lookup.h"
#include "services/service.h"
#include "transports/default_transport.h"

namespace netipc::services {

struct CgroupsLookupService {
    using Codec = codecs::CgroupsLookup;
    using DefaultTransport = transports::DefaultTransport;
    static constexpr std::string_view default_name = "cgroups-lookup";

    static Result<void> respond(codecs::CgroupsLookupBuilder& out,
                                const codecs::CgroupsLookupData& answer) noexcept {
        out.set_generation(answer.generation);
        return out.add_within_budget(answer.items);
    }
};

static_assert(Service<CgroupsLookupService>);
static_assert(RespondsWith<CgroupsLookupService, const codecs::CgroupsLookupData&>);

} // namespace netipc::services
