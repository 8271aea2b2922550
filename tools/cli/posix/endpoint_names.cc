#include "tools/cli/endpoint_names.h"

#include <fmt/format.h>

#include "transports/posix/endpoint.h"

namespace netipc::cli {

std::string describe_endpoint(const transports::ServiceAddress& address) {
    auto path = transports::socket_path(address);
    if (path) {
        return *path;
    }
    return fmt::format("{}/{}.sock", address.run_dir, address.service);
}

std::string_view baseline_transport_name() noexcept {
    return "UDS SEQPACKET";
}

std::string_view shm_transport_name() noexcept {
    return "SHM_HYBRID";
}

} // namespace netipc::cli
