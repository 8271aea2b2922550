#include "tests/chaos/chaos_run.h"

#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "cache/snapshot_cache.h"
#include "netipc/wire/constants.h"
#include "services/cgroups_snapshot_service.h"
#include "services/client.h"
#include "tests/support/process_resources.h"
#include "tests/support/runfiles.h"
#include "tests/support/temp_run_dir.h"
#include "tools/cli/child_process.h"
#include "transports/posix/uds_seqpacket.h"

namespace netipc::testing::chaos {

namespace {

using namespace std::chrono_literals;
using cli::ChildProcess;
using Clock = std::chrono::steady_clock;

constexpr std::string_view service_name = "chaos";
// Per-attempt bounds of the clients. A call blocked on a killed provider
// ends long before these (EOF on the socket, the region owner's death seen
// within ~100 ms); they only matter if something hangs.
constexpr auto call_timeout = 5s;
constexpr auto connect_timeout = 5s;
// An attempt in progress for longer than this has hung: a connect and a
// call (with its one retry) are each bounded by the timeouts above.
constexpr auto hung_after = connect_timeout * 2 + call_timeout * 2 + 20s;
// A client that found no provider waits for the next one at most this long
// before it tries again on its own (a real consumer's retry pace; no test
// ordering depends on it: restarts wake the waiters at once).
constexpr auto retry_pause = 50ms;
constexpr auto provider_start_limit = 30s;

// The run's shared clock of provider generations: epoch k is the k-th
// provider, declared once it printed READY.
class Epochs {
public:
    [[nodiscard]] std::uint64_t current() const {
        const std::lock_guard lock(mutex_);
        return epoch_;
    }
    void advance() {
        {
            const std::lock_guard lock(mutex_);
            ++epoch_;
        }
        changed_.notify_all();
    }
    void stop() {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
    }
    [[nodiscard]] bool stopping() const {
        const std::lock_guard lock(mutex_);
        return stopping_;
    }
    // A client that failed during `seen` waits for the next provider (or
    // its own retry pause, or the end of the run).
    void wait_for_next(std::uint64_t seen) {
        std::unique_lock lock(mutex_);
        (void)changed_.wait_for(lock, retry_pause, [&] { return stopping_ || epoch_ != seen; });
    }
    // Clients report successes here (after storing them), the coordinator
    // waits on them; taking the lock orders the store before its next check.
    void record_success() {
        {
            const std::lock_guard lock(mutex_);
        }
        changed_.notify_all();
    }
    template <class Predicate>
    bool wait_until(Clock::time_point deadline, Predicate done) {
        std::unique_lock lock(mutex_);
        return changed_.wait_until(lock, deadline, done);
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t epoch_ = 0;
    bool stopping_ = false;
};

// One calling thread and what it has seen. `attempt` makes one call and
// says whether it was answered (and whether over shared memory); it runs on
// the client's own thread only.
class ChaosClient {
public:
    struct Outcome {
        bool answered = false;
        bool over_shm = false;
        std::optional<std::string> violation; // a broken promise seen by the attempt
    };
    using Attempt = std::function<Outcome()>;

    ChaosClient(std::string name, Attempt attempt, std::function<std::uint64_t()> reconnects)
        : name_(std::move(name)),
          attempt_(std::move(attempt)),
          reconnects_(std::move(reconnects)) {}

    void start(Epochs& epochs) {
        thread_ = std::thread([this, &epochs] { loop(epochs); });
    }
    void join() {
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    [[nodiscard]] const std::string& name() const { return name_; }
    // The epoch at which this client's latest successful attempt started
    // (0: none yet). An attempt that started at epoch k was answered by
    // provider k or a later one: earlier ones were dead before k began.
    [[nodiscard]] std::uint64_t success_epoch() const { return success_epoch_.load(); }
    // How long the attempt in progress has been running (zero when idle).
    [[nodiscard]] Clock::duration in_progress() const {
        const auto started = attempt_started_.load();
        if (started == Clock::time_point{}.time_since_epoch().count()) {
            return Clock::duration::zero();
        }
        return Clock::now().time_since_epoch() - Clock::duration(started);
    }
    [[nodiscard]] ClientFigures figures() const {
        return {name_, successes_.load(), failures_.load(), reconnects_(), shm_successes_.load()};
    }
    // Read after join().
    [[nodiscard]] const std::vector<std::string>& violations() const { return violations_; }

private:
    void loop(Epochs& epochs) {
        while (!epochs.stopping()) {
            const std::uint64_t epoch = epochs.current();
            attempt_started_.store(Clock::now().time_since_epoch().count());
            const Outcome outcome = attempt_();
            attempt_started_.store(Clock::time_point{}.time_since_epoch().count());
            if (outcome.violation && violations_.size() < max_violations) {
                violations_.push_back(fmt::format("{}: {}", name_, *outcome.violation));
            }
            if (outcome.answered) {
                successes_.fetch_add(1);
                if (outcome.over_shm) {
                    shm_successes_.fetch_add(1);
                }
                success_epoch_.store(std::max(success_epoch_.load(), epoch));
                epochs.record_success();
            } else {
                failures_.fetch_add(1);
                epochs.wait_for_next(epoch);
            }
        }
    }

    std::string name_;
    Attempt attempt_;
    std::function<std::uint64_t()> reconnects_; // read after the thread ended
    std::thread thread_;
    std::atomic<std::uint64_t> success_epoch_{0};
    std::atomic<Clock::rep> attempt_started_{0};
    std::atomic<std::uint64_t> successes_{0};
    std::atomic<std::uint64_t> failures_{0};
    std::atomic<std::uint64_t> shm_successes_{0};
    std::vector<std::string> violations_; // this thread's only, until join()
    static constexpr std::size_t max_violations = 10;
};

services::ClientConfig client_config() {
    services::ClientConfig config;
    config.call_timeout = call_timeout;
    config.connect_timeout = connect_timeout;
    return config;
}

// A Level 2 client on transport T making snapshot calls.
template <class T>
std::unique_ptr<ChaosClient> level2_client(const std::string& name,
                                           const transports::ServiceAddress& address) {
    using ClientType = services::Client<services::CgroupsSnapshotService, T>;
    auto client = ClientType::create(address, client_config());
    if (!client) {
        return nullptr;
    }
    auto shared = std::make_shared<ClientType>(std::move(*client));
    auto attempt = [shared]() -> ChaosClient::Outcome {
        if (!shared->refresh()) {
            return {};
        }
        auto answer = shared->call(codecs::CgroupsSnapshotRequest{});
        if (!answer || answer->empty()) {
            return {};
        }
        const auto status = shared->status();
        const bool over_shm = status.session.has_value()
                              && status.session->selected_profile == wire::profile::shm_hybrid;
        return {true, over_shm, std::nullopt};
    };
    auto reconnects = [shared] { return shared->status().counters.reconnects; };
    return std::make_unique<ChaosClient>(name, std::move(attempt), std::move(reconnects));
}

// A Level 3 cache refreshing; once populated it must never read as empty.
std::unique_ptr<ChaosClient> cache_client(const transports::ServiceAddress& address) {
    auto cache = cache::CgroupsSnapshotCache::create(address, client_config());
    if (!cache) {
        return nullptr;
    }
    std::shared_ptr<cache::CgroupsSnapshotCache> shared(std::move(*cache));
    auto attempt = [shared]() -> ChaosClient::Outcome {
        ChaosClient::Outcome outcome;
        outcome.answered = shared->refresh().has_value();
        const auto session = shared->client().status().session;
        outcome.over_shm = outcome.answered && session.has_value()
                           && session->selected_profile == wire::profile::shm_hybrid;
        // Failed refreshes included: the previous snapshot must stay.
        if (shared->ready()) {
            const auto guard = shared->read();
            if (guard->empty()) {
                outcome.violation = "the cache read as empty after its first success";
            }
        }
        return outcome;
    };
    auto reconnects = [shared] { return shared->client().status().counters.reconnects; };
    return std::make_unique<ChaosClient>("level3-cache", std::move(attempt), std::move(reconnects));
}

// The owner pid a region file's header names (offset 8), if readable.
std::optional<std::int32_t> region_owner(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::array<char, 12> head{};
    if (!file.read(head.data(), head.size())) {
        return std::nullopt;
    }
    std::int32_t owner = 0;
    std::memcpy(&owner, head.data() + 8, sizeof(owner));
    return owner;
}

// Region files in `dir` whose header names `owner` as their creator.
std::size_t regions_owned_by(const TempRunDir& dir, pid_t owner) {
    std::size_t count = 0;
    for (const auto& name : dir.entries()) {
        if (transports::is_session_shm_file_name(service_name, name)
            && region_owner(dir.file(name)) == std::optional<std::int32_t>(owner)) {
            ++count;
        }
    }
    return count;
}

// A provider process, READY before start() returns.
std::optional<ChildProcess> start_provider(const ChaosOptions& options, const TempRunDir& dir,
                                           std::vector<std::string>& violations) {
    auto child = ChildProcess::spawn(options.netipc_binary,
                                     {"serve", "cgroups-snapshot", "--run-dir", dir.path(),
                                      "--service", std::string(service_name), "--transport", "shm"},
                                     true);
    if (!child) {
        violations.push_back("cannot start the provider: " + child.error().message());
        return std::nullopt;
    }
    auto line = child->read_line(provider_start_limit);
    if (line != std::optional<std::string>("READY")) {
        violations.push_back("the provider did not say READY; stderr: " + child->err());
        return std::nullopt;
    }
    return std::move(*child);
}

// Waits until every client has succeeded against provider `epoch` or later;
// a client in one attempt for longer than `hung_after` is a violation.
bool wait_for_recovery(Epochs& epochs, std::vector<std::unique_ptr<ChaosClient>>& clients,
                       std::uint64_t epoch, const ChaosOptions& options,
                       std::vector<std::string>& violations) {
    const auto limit = Clock::now() + options.recovery_limit;
    auto all_recovered = [&] {
        return std::ranges::all_of(clients,
                                   [&](const auto& c) { return c->success_epoch() >= epoch; });
    };
    for (;;) {
        // One-second slices only so hung attempts are noticed while waiting.
        if (epochs.wait_until(std::min(limit, Clock::now() + 1s), all_recovered)) {
            return true;
        }
        for (const auto& client : clients) {
            if (client->in_progress() > hung_after) {
                violations.push_back(fmt::format(
                    "{}: one attempt has not returned for over {} s", client->name(),
                    std::chrono::duration_cast<std::chrono::seconds>(hung_after).count()));
                return false;
            }
        }
        if (Clock::now() >= limit) {
            for (const auto& client : clients) {
                if (client->success_epoch() < epoch) {
                    violations.push_back(
                        fmt::format("{}: no successful call against provider #{} within {} s",
                                    client->name(), epoch, options.recovery_limit.count()));
                }
            }
            return false;
        }
    }
}

} // namespace

std::string netipc_binary_from_runfiles(const char* argv0) {
    // Read before any thread starts.
    if (testing::main_repository_runfiles() || argv0 == nullptr) {
        return testing::built_program("tools/netipc");
    }
    // Started directly from bazel-bin: the runfiles tree sits beside it.
    return std::string(argv0) + ".runfiles/netipc/tools/netipc";
}

ChaosReport run_chaos(const ChaosOptions& options) {
    ChaosReport report;
    auto& violations = report.violations;
    const std::size_t descriptors_before = open_descriptor_count();
    TempRunDir dir("netipc-chaos");
    const auto address = dir.address(std::string(service_name));
    {
        Epochs epochs;
        std::vector<std::unique_ptr<ChaosClient>> clients;
        clients.push_back(level2_client<transports::UdsSeqpacket>("level2-baseline", address));
        clients.push_back(level2_client<services::CgroupsSnapshotService::DefaultTransport>(
            "level2-shm", address));
        clients.push_back(cache_client(address));
        if (std::ranges::any_of(clients, [](const auto& c) { return c == nullptr; })) {
            violations.emplace_back("cannot create the clients");
            return report;
        }

        auto provider = start_provider(options, dir, violations);
        if (provider) {
            epochs.advance(); // provider #1
            for (auto& client : clients) {
                client->start(epochs);
            }
        }
        while (provider
               && wait_for_recovery(epochs, clients, epochs.current(), options, violations)) {
            if (report.restarts_survived == options.restarts) {
                break;
            }
            const pid_t killed = provider->pid();
            const std::size_t left_behind = regions_owned_by(dir, killed);
            (void)provider->signal(SIGKILL);
            const auto exit = provider->wait(provider_start_limit);
            provider.reset();
            if (!exit || exit->signal != SIGKILL) {
                violations.emplace_back("the killed provider did not end by SIGKILL");
                break;
            }
            provider = start_provider(options, dir, violations);
            if (!provider) {
                break;
            }
            // The new provider's start has run the stale-region scan.
            if (const std::size_t still_there = regions_owned_by(dir, killed); still_there != 0) {
                violations.push_back(
                    fmt::format("{} region file(s) of the killed provider survived the next start",
                                still_there));
            }
            report.stale_regions_removed += left_behind;
            epochs.advance();
            ++report.restarts_survived;
        }
        // A shortfall is already explained by a violation.
        if (report.restarts_survived < options.restarts && violations.empty()) {
            violations.emplace_back("the run ended early");
        }

        epochs.stop();
        for (auto& client : clients) {
            client->join();
            report.clients.push_back(client->figures());
            for (const auto& violation : client->violations()) {
                violations.push_back(violation);
            }
        }
        clients.clear(); // closes every session: nothing of ours stays mapped
        if (provider) {
            (void)provider->signal(SIGTERM);
            const auto exit = provider->wait(provider_start_limit);
            if (!exit || !exit->exited_with(0)) {
                violations.emplace_back("the last provider did not stop cleanly on SIGTERM");
            }
            provider.reset();
        }
        report.leaked_mappings = mappings_under(dir.path());
        report.leftover_files = dir.entries();
    }
    const std::size_t descriptors_after = open_descriptor_count();
    report.leaked_descriptors =
        descriptors_after > descriptors_before ? descriptors_after - descriptors_before : 0;
    return report;
}

} // namespace netipc::testing::chaos
