// How the driver's Level 2 clients and managed servers are configured, and
// how a client waits for its server: one place, so every scenario offers the
// same token, profiles and ceilings the other drivers do.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>
#include <type_traits>

#include "bench/driver/args.h"
#include "bench/driver/bench_config.h"
#include "netipc/error.h"
#include "services/client_config.h"
#include "services/server_config.h"

namespace netipc::bench::driver {

// `batch_items` > 1 provisions the session for batches of that many items
// from the first handshake, so no call ever reconnects to grow it.
inline services::ClientConfig client_config(const ClientArgs& args, Plane plane,
                                            std::uint32_t batch_items = 1) {
    services::ClientConfig config;
    config.auth_token = args.auth_token;
    config.profiles = profiles_for(plane);
    config.preferred_profiles = profiles_for(plane);
    config.batch_items = batch_items;
    if (batch_items > 1) {
        config.request_payload_bytes = batch_payload_bytes;
        config.response_payload_bytes = batch_payload_bytes;
    }
    return config;
}

inline services::ServerConfig server_config(const ServerArgs& args, Plane plane) {
    services::ServerConfig config;
    config.auth_token = args.auth_token;
    config.profiles = profiles_for(plane);
    config.preferred_profiles = profiles_for(plane);
    config.response_payload_bytes = batch_payload_bytes;
    return config;
}

// A client started right after its server may find no socket yet: calls
// `attempt` (returning Result<void>) every 10 ms for up to two seconds, as
// the other drivers do. False, said on stderr, when it never succeeded.
template <class Attempt>
bool retry_connect(const ClientArgs& args, Attempt attempt) {
    constexpr int attempts = 200;
    for (int tried = 1;; ++tried) {
        auto connected = attempt();
        if (connected) {
            return true;
        }
        if (tried == attempts) {
            (void)std::fprintf(stderr, "client: cannot connect to %s/%s: %s\n",
                               args.run_dir.c_str(), args.service.c_str(),
                               connected.error().message().c_str());
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// retry_connect() for a connection made by `make` (returning Result<T>):
// the connection, or nullopt when it never came.
template <class Make>
auto retry_connect_made(const ClientArgs& args, Make make)
    -> std::optional<typename std::invoke_result_t<Make&>::value_type> {
    std::optional<typename std::invoke_result_t<Make&>::value_type> made;
    (void)retry_connect(args, [&]() -> Result<void> {
        auto attempt = make();
        if (!attempt) {
            return std::unexpected(attempt.error());
        }
        made.emplace(std::move(*attempt));
        return {};
    });
    return made;
}

// Connects a Level 2 client. False (said on stderr) when the server never
// became reachable, or the session is not on the plane the scenario
// measures.
template <class ClientT>
bool connect_client(const ClientArgs& args, ClientT& client, Plane plane) {
    if (!retry_connect(args, [&] { return client.refresh(); })) {
        return false;
    }
    const auto session = client.status().session;
    const std::uint32_t wanted =
        uses_shm(plane) ? wire::profile::shm_hybrid : wire::profile::baseline;
    if (!session || session->selected_profile != wanted) {
        // A server that does not offer the plane would turn an SHM row into
        // a UDS one without anyone noticing.
        (void)std::fprintf(stderr, "client: the server did not select profile 0x%x\n", wanted);
        return false;
    }
    return true;
}

} // namespace netipc::bench::driver
