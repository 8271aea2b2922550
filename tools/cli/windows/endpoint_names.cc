#include "tools/cli/endpoint_names.h"

#include <fmt/format.h>

#include "transports/windows/pipe_name.h"

namespace netipc::cli {

std::string describe_endpoint(const transports::ServiceAddress& address) {
    auto name = transports::pipe_name(address);
    if (name) {
        return *name;
    }
    return fmt::format("\\\\.\\pipe\\netipc-?-{}", address.service);
}

std::string_view baseline_transport_name() noexcept {
    return "Named Pipe";
}

std::string_view shm_transport_name() noexcept {
    return "SHM_HYBRID";
}

} // namespace netipc::cli
