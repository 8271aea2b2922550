// The netipc side of the ping-pong benchmarks, shared by every transport:
// an INCREMENT server thread serving one session (in a private run
// directory) until the client closes it, and the single-call and batch-call
// loops.
//
// Templated on the Session type, so the UDS and SHM benchmarks measure the
// same client and server code and differ only in the transport.
#pragma once

#include <array>
#include <chrono>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "codecs/increment.h"
#include "framing/nipc.h"
#include "netipc/wire/batch.h"
#include "sessions/session.h"
#include "tests/support/temp_run_dir.h"

namespace netipc::bench {

using namespace std::chrono_literals;

inline constexpr std::uint64_t bench_token = 0x5EC2E7B0A7C4ULL;
// Every client call carries a deadline this far ahead, as Level 2 calls do
// (its default per-call timeout), so the benchmarks measure the waits real
// calls make (a bounded wait, not an unbounded one). The server waits for
// its next request without a deadline, as a server does.
inline constexpr std::chrono::milliseconds call_timeout{30000};
// The largest batch the benchmarks send; the handshake must allow it.
inline constexpr std::uint32_t max_batch_items = 256;

// What the raw ceilings send, so they move exactly the bytes netipc does.
// The netipc single message: 32-byte envelope + the 8-byte INCREMENT value.
inline constexpr std::size_t single_message_size =
    wire::message_header_size + codecs::Increment::payload_size;
static_assert(single_message_size == 40);

// The exact size of a netipc INCREMENT batch message of `items` items
// (envelope + directory + items + padding). Requests and responses share the
// layout, so one size serves both directions.
inline std::size_t batch_message_size(std::uint32_t items) {
    std::vector<std::byte> buffer(std::size_t{items} * 32 + 64);
    wire::BatchBuilder batch(buffer, items);
    const std::array<std::byte, codecs::Increment::payload_size> item{};
    for (std::uint32_t i = 0; i < items; ++i) {
        if (!batch.add(item)) {
            return 0; // cannot happen: the buffer has room for every item
        }
    }
    return wire::message_header_size + batch.finish().value();
}

// Both sides offer every profile; the Session narrows that to what its
// transport carries, so an SHM-capable transport ends up on SHM.
inline ClientHandshakeConfig bench_client_config() {
    ClientHandshakeConfig config;
    config.auth_token = bench_token;
    config.supported_profiles = ~0U;
    config.preferred_profiles = ~0U;
    // Room for the largest batch (directory + items) in both directions.
    config.max_request_payload_bytes = 65536;
    config.max_request_batch_items = max_batch_items;
    config.max_response_batch_items = max_batch_items;
    return config;
}

inline ServerHandshakeConfig bench_server_config() {
    ServerHandshakeConfig config;
    config.auth_token = bench_token;
    config.supported_profiles = ~0U;
    config.preferred_profiles = ~0U;
    return config;
}

// The server's handler. A lambda rather than a function, as servers are
// usually written: serve_one() then inlines it into its per-item loop,
// where a function pointer would cost an indirect call per batch item.
inline constexpr auto increment = [](const codecs::IncrementView& request,
                                     codecs::IncrementBuilder& response) -> Result<void> {
    response.set(request.value + 1);
    return {};
};

// One INCREMENT session served by a thread until the client closes it.
template <class SessionType>
class IncrementServer {
public:
    using Transport = typename SessionType::TransportType;

    explicit IncrementServer(const typename Transport::Address& address) {
        auto listener = Transport::listen(address);
        if (!listener) {
            error_ = listener.error().code;
            return;
        }
        // Optional: some listeners exist only as the result of listen().
        listener_.emplace(std::move(*listener));
        thread_ = std::thread([this] {
            auto session =
                SessionType::accept(*listener_, bench_server_config(), 1, Deadline::after(10s));
            if (!session) {
                error_ = session.error().code;
                return;
            }
            served_over_shm_ = session->data_plane_active();
            for (;;) {
                if (auto served = session->serve_one(increment, Deadline::never()); !served) {
                    // The client closing its session is how the benchmark ends.
                    if (served.error().code != Errc::disconnected) {
                        error_ = served.error().code;
                    }
                    return;
                }
            }
        });
    }
    IncrementServer(const IncrementServer&) = delete;
    IncrementServer& operator=(const IncrementServer&) = delete;
    ~IncrementServer() { join(); }

    // Waits for the server to finish; its error, if any.
    std::optional<Errc> join() {
        if (thread_.joinable()) {
            thread_.join();
        }
        return error_;
    }
    // Valid after join().
    [[nodiscard]] bool served_over_shm() const noexcept { return served_over_shm_; }

private:
    std::optional<typename Transport::Listener> listener_;
    std::thread thread_;
    std::optional<Errc> error_;
    bool served_over_shm_ = false;
};

// Sets up a server and a connected client, runs `body(state, session)`, then
// closes the client so serve_one() returns disconnected and the server
// thread ends. With `require_shm` the session must really use the SHM data
// plane: a silent fallback to the socket would measure the wrong thing.
template <class SessionType, class Body>
void with_session(benchmark::State& state, bool require_shm, Body body) {
    const auto dir = testing::TempRunDir::create("netipc-bench");
    if (!dir) {
        state.SkipWithError("mkdtemp() failed");
        return;
    }
    const typename SessionType::TransportType::Address address{dir->path(), "increment"};
    IncrementServer<SessionType> server(address);
    auto session = SessionType::connect(address, bench_client_config(), Deadline::after(10s));
    if (!session) {
        state.SkipWithError("connect failed");
        return;
    }
    if (require_shm && !session->data_plane_active()) {
        session->close();
        state.SkipWithError("the session did not select SHM");
        return;
    }
    body(state, *session);
    session->close();
    if (server.join().has_value()) {
        state.SkipWithError("server failed");
    } else if (require_shm && !server.served_over_shm()) {
        state.SkipWithError("the server did not serve over SHM");
    }
}

// One INCREMENT call per iteration.
template <class SessionType>
void increment_pingpong(benchmark::State& state, bool require_shm) {
    with_session<SessionType>(state, require_shm, [](benchmark::State& run, SessionType& session) {
        std::uint64_t value = 0;
        for (auto _ : run) {
            auto answer = session.call(value, Deadline::after(call_timeout));
            if (!answer || answer->value != value + 1) {
                run.SkipWithError("call failed");
                break;
            }
            value = answer->value;
        }
        run.SetItemsProcessed(run.iterations());
    });
}

// One batch of state.range(0) INCREMENT items per iteration.
template <class SessionType>
void increment_batch_pingpong(benchmark::State& state, bool require_shm) {
    with_session<SessionType>(state, require_shm, [](benchmark::State& run, SessionType& session) {
        std::vector<std::uint64_t> values(static_cast<std::size_t>(run.range(0)));
        // NOLINTNEXTLINE(modernize-use-ranges): no ranges::iota in libstdc++ 12
        std::iota(values.begin(), values.end(), std::uint64_t{0});
        for (auto _ : run) {
            // Counted without a branch per item: the check costs the same
            // whichever answers are wrong.
            std::uint32_t wrong = 0;
            auto done = session.call_batch(
                std::span<const std::uint64_t>(values),
                [&](std::uint32_t index, const codecs::IncrementView& view) {
                    wrong += view.value != values[index] + 1 ? 1U : 0U;
                },
                Deadline::after(call_timeout));
            if (!done || wrong != 0) {
                run.SkipWithError("call_batch failed");
                break;
            }
        }
        run.SetItemsProcessed(run.iterations() * run.range(0));
    });
}

} // namespace netipc::bench
