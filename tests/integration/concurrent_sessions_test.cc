// Many client sessions on one listener at once, over the UDS baseline and
// over SHM: each session gets its own session id (and SHM region), and every
// answer reaches the client that asked.
#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "codecs/increment.h"
#include "framing/nipc.h"
#include "sessions/aliases.h"
#include "sessions/session.h"
#include "tests/support/handlers.h"
#include "tests/support/temp_run_dir.h"

using namespace netipc;
using namespace std::chrono_literals;

namespace {

constexpr int clients = 12;
constexpr int calls_per_client = 200;

template <class T>
using SessionOver = Session<T, framing::Nipc, codecs::Increment>;

// Per client: answers that matched, the session id it got, whether SHM was used.
struct ClientOutcome {
    int correct = 0;
    std::uint64_t session_id = 0;
    bool shm = false;
    bool connected = false;
};

// One client: connects, makes its calls, and reports what it saw.
template <class T>
ClientOutcome run_client(const transports::ServiceAddress& address,
                         const ClientHandshakeConfig& config, int index) {
    ClientOutcome outcome;
    auto session = SessionOver<T>::connect(address, config, Deadline::after(30s));
    if (!session) {
        return outcome;
    }
    outcome.connected = true;
    outcome.session_id = session->parameters().session_id;
    outcome.shm = session->data_plane_active();
    const std::uint64_t base = static_cast<std::uint64_t>(index) * 1'000'000;
    for (int i = 0; i < calls_per_client; ++i) {
        const std::uint64_t value = base + static_cast<std::uint64_t>(i);
        auto answer = session->call(value, Deadline::after(30s));
        if (answer && answer->value == value + 1) {
            ++outcome.correct;
        }
    }
    return outcome;
}

template <class T>
std::vector<ClientOutcome> run_clients_against_one_listener(
    const transports::ServiceAddress& address) {
    ServerHandshakeConfig server_config;
    server_config.supported_profiles = ~0U;
    server_config.preferred_profiles = ~0U;
    ClientHandshakeConfig client_config;
    client_config.supported_profiles = ~0U;
    client_config.preferred_profiles = ~0U;

    auto listener = T::listen(address).value();
    std::atomic<int> server_failures{0};
    std::vector<std::thread> workers;
    workers.reserve(clients);
    std::thread acceptor([&] {
        // One worker per session, like a managed server; ids count from 1.
        for (std::uint64_t id = 1; id <= clients; ++id) {
            auto session =
                SessionOver<T>::accept(listener, server_config, id, Deadline::after(30s));
            if (!session) {
                ++server_failures;
                continue;
            }
            workers.emplace_back([session = std::move(*session), &server_failures]() mutable {
                for (int i = 0; i < calls_per_client; ++i) {
                    if (!session.serve_one(&testing::increment, Deadline::after(30s))) {
                        ++server_failures;
                        return;
                    }
                }
            });
        }
    });

    std::vector<ClientOutcome> outcomes(clients);
    std::vector<std::thread> client_threads;
    client_threads.reserve(clients);
    for (int c = 0; c < clients; ++c) {
        client_threads.emplace_back([&, c] {
            outcomes[static_cast<std::size_t>(c)] = run_client<T>(address, client_config, c);
        });
    }
    for (auto& thread : client_threads) {
        thread.join();
    }
    acceptor.join();
    for (auto& worker : workers) {
        worker.join();
    }
    CHECK(server_failures.load() == 0);
    return outcomes;
}

void check_outcomes(const std::vector<ClientOutcome>& outcomes, bool expect_shm) {
    std::vector<std::uint64_t> ids;
    for (const auto& outcome : outcomes) {
        CHECK(outcome.connected);
        CHECK(outcome.correct == calls_per_client);
        CHECK(outcome.shm == expect_shm);
        ids.push_back(outcome.session_id);
    }
    std::ranges::sort(ids);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        CHECK(ids[i] == i + 1); // every session got its own id
    }
}

} // namespace

// The named compositions are the same types as the spelled-out ones.
static_assert(std::same_as<netipc::IncrementSession,
                           Session<transports::UdsSeqpacket, framing::Nipc, codecs::Increment>>);
static_assert(std::same_as<FastIncrementSession::TransportType,
                           transports::ShmHybrid<transports::UdsSeqpacket>>);

TEST_CASE("many concurrent UDS sessions on one listener", "[integration][uds][concurrency]") {
    testing::TempRunDir dir;
    check_outcomes(run_clients_against_one_listener<transports::UdsSeqpacket>(dir.address("many")),
                   false);
}

TEST_CASE("many concurrent SHM sessions on one listener", "[integration][shm][concurrency]") {
    testing::TempRunDir dir;
    using Hybrid = transports::ShmHybrid<transports::UdsSeqpacket>;
    check_outcomes(run_clients_against_one_listener<Hybrid>(dir.address("many")), true);
}
