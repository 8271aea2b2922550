// netipc::services::ManagedServer<Service, Transport, Framing>: a provider's
// whole server side in one object. It listens on the service endpoint,
// accepts sessions, runs one worker thread per session (up to
// ServerConfig::max_sessions) and answers every request with a typed
// handler. The transport defaults to the service's, the framing to NetIPC's;
// any Transport and Framing pair works.
//
//   auto server = ManagedServer<IncrementService>::start(
//       {run_dir, "increment"}, {},
//       [](const codecs::IncrementView& request) { return request.value + 1; });
//   ...
//   (*server)->stop();   // or let it go out of scope
//
// Handlers come in two shapes:
//   - fill the builder:  Result<void>(const RequestView&, ResponseBuilder&)
//   - return a value:    V(const RequestView&) or Result<V>(...), written by
//                        Service::respond(builder, value)
// They run concurrently on session threads, so they must be thread-safe.
// Views passed to a handler are valid only during that call.
//
// As the Level 2 specification (netdata/plugin-ipc docs/level2-typed-api.md)
// and its newest refinements say: a handler failure is answered
// INTERNAL_ERROR with an empty payload; after any terminal status the
// session is closed; batch
// requests are dispatched item by item and answered in order. A malformed
// or hostile client only ever ends its own session. Session ids count up
// from 1.
//
// Handshakes cannot starve the server. Each session slot (a worker thread)
// first runs the handshake, bounded by ServerConfig::handshake_timeout
// (default 2 s), then serves. When every slot is taken and at least one of
// them is still waiting for its client's HELLO, the acceptor takes the next
// connection and ends the OLDEST such handshake to make room (counted in
// ServerStats::handshakes_failed): clients that connect and never speak
// hold no slot against a client that does, however many of them there are.
// A handshake counts as waiting for its HELLO only once its worker has
// looked and found none queued (transports modelling IdleCheck; others
// count as waiting at once): a client whose HELLO is already there is never
// evicted, however late its worker gets to run.
// Only when every slot serves a live session do new clients wait in the
// listen backlog.
//
// With ServerConfig::allowed_uids / allowed_gids set, each new connection's
// peer credentials are checked before its handshake: a peer the policy does
// not admit is answered AUTH_FAILED (the only refusal the protocol has) and
// counted in ServerStats::peers_refused.
//
// stop() (also run by the destructor) stops accepting, wakes every session
// through its connection's interrupt() (even one blocked sending to a client
// that never reads), joins every thread, and closes the listener, which
// removes what listen() created (a socket file, SHM regions).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "framing/nipc.h"
#include "netipc/abort_signal.h"
#include "netipc/concepts/framing.h"
#include "netipc/concepts/idle_check.h"
#include "netipc/concepts/peer_credentials.h"
#include "services/defaults.h"
#include "services/handshake_configs.h"
#include "services/peer_policy.h"
#include "services/server_config.h"
#include "services/service.h"
#include "sessions/session.h"

namespace netipc::services {

namespace detail {
template <class R>
struct IsResult : std::false_type {};
template <class V>
struct IsResult<Result<V>> : std::true_type {};
} // namespace detail

template <Service S, Transport T = typename S::DefaultTransport, class F = framing::Nipc>
    requires Framing<F, typename T::Connection>
class ManagedServer {
public:
    using CodecType = typename S::Codec;
    using RequestView = typename CodecType::RequestView;
    using ResponseBuilder = typename CodecType::ResponseBuilder;
    using Address = typename T::Address;
    using SessionType = Session<T, F, CodecType>;
    // Serves one request of a session with the user's handler and counts
    // the handler's failures. The handler's type is erased here, once per
    // message: Session::serve_one runs the concrete handler inline for each
    // item of a batch, where an erased call per item cost as much as the
    // item's own work.
    using ServeOne =
        std::function<Result<void>(SessionType&, std::atomic<std::uint64_t>& handler_failures)>;

    // Listens (with stale-endpoint recovery) and starts the acceptor. Fails
    // with the transport's error, e.g. Errc::address_in_use when a live
    // server owns the endpoint, and with Errc::unsupported when the config
    // asks for a peer-credential check the transport cannot make.
    template <class H>
    static Result<std::unique_ptr<ManagedServer>> start(const Address& address,
                                                        const ServerConfig& config, H handler) {
        if constexpr (!PeerCredentials<typename T::Connection>) {
            if (PeerPolicy(config).enabled()) {
                return fail(Errc::unsupported,
                            "allowed_uids/allowed_gids need a transport that reports its peers' "
                            "credentials");
            }
        }
        auto abort = AbortSignal::create();
        if (!abort) {
            return std::unexpected(abort.error());
        }
        auto listener = T::listen(address);
        if (!listener) {
            return std::unexpected(listener.error());
        }
        std::unique_ptr<ManagedServer> server(new ManagedServer(
            std::move(*listener), config, serving_with(std::move(handler)), std::move(*abort)));
        server->acceptor_ = std::thread([raw = server.get()] { raw->accept_loop(); });
        return server;
    }

    ManagedServer(const ManagedServer&) = delete;
    ManagedServer& operator=(const ManagedServer&) = delete;
    ManagedServer(ManagedServer&&) = delete;
    ManagedServer& operator=(ManagedServer&&) = delete;
    ~ManagedServer() { stop(); }

    // Where clients reach this server: the listener's own address, which is
    // concrete even when start() was given a wildcard (a TCP port 0, say).
    [[nodiscard]] Address address() const { return listener_.address(); }

    // Idempotent. Returns once every thread has been joined and the
    // endpoint files are gone.
    void stop() {
        const std::lock_guard one_stop_at_a_time(stop_mutex_);
        {
            std::lock_guard lock(mutex_);
            if (stopped_) {
                return;
            }
            stopping_ = true;
        }
        stop_signal_.raise();
        slot_freed_.notify_all();
        if (acceptor_.joinable()) {
            acceptor_.join();
        }
        std::list<Worker> workers;
        {
            std::lock_guard lock(mutex_);
            for (auto& worker : workers_) {
                worker.interrupt();
            }
            workers.splice(workers.end(), workers_);
        }
        for (auto& worker : workers) {
            worker.thread.join();
        }
        listener_.close();
        std::lock_guard lock(mutex_);
        stopped_ = true;
    }

    [[nodiscard]] ServerStats stats() const {
        ServerStats stats;
        stats.sessions_accepted = counters_.sessions_accepted.load(std::memory_order_relaxed);
        stats.handshakes_failed = counters_.handshakes_failed.load(std::memory_order_relaxed);
        stats.requests_served = counters_.requests_served.load(std::memory_order_relaxed);
        stats.handler_failures = counters_.handler_failures.load(std::memory_order_relaxed);
        stats.sessions_failed = counters_.sessions_failed.load(std::memory_order_relaxed);
        stats.accept_failures = counters_.accept_failures.load(std::memory_order_relaxed);
        stats.peers_refused = counters_.peers_refused.load(std::memory_order_relaxed);
        std::lock_guard lock(mutex_);
        stats.sessions_active = active_ - handshaking_;
        stats.handshakes_pending = handshaking_;
        return stats;
    }

private:
    // One session thread, and the session stop() interrupts to wake it.
    struct Worker {
        explicit Worker(AbortSignal abort) : handshake_abort(std::move(abort)) {}

        std::thread thread;
        // Ends this worker's handshake: raised by stop() and by an eviction.
        AbortSignal handshake_abort;
        std::mutex session_mutex;
        SessionType* session = nullptr; // guarded by session_mutex; set while it serves
        bool interrupted = false;       // guarded by session_mutex
        bool handshaking = true;        // guarded by the server's mutex_
        // Its client had not spoken when the worker looked (no HELLO was
        // waiting), so it may be evicted. A new worker is not evictable until
        // it has looked: a client whose HELLO is already queued must not lose
        // its slot just because its worker has not run yet.
        bool silent = false;   // guarded by the server's mutex_
        bool evicted = false;  // guarded by the server's mutex_
        bool finished = false; // guarded by the server's mutex_

        void interrupt() {
            handshake_abort.raise();
            std::lock_guard lock(session_mutex);
            interrupted = true;
            if (session != nullptr) {
                session->interrupt();
            }
        }

        // False when stop() came first: then the session must not serve.
        bool start_serving(SessionType& serving) {
            std::lock_guard lock(session_mutex);
            session = &serving;
            return !interrupted;
        }

        // The session is about to close: stop() must not touch it.
        void stop_serving() {
            std::lock_guard lock(session_mutex);
            session = nullptr;
        }
    };

    struct Counters {
        std::atomic<std::uint64_t> sessions_accepted{0};
        std::atomic<std::uint64_t> handshakes_failed{0};
        std::atomic<std::uint64_t> requests_served{0};
        std::atomic<std::uint64_t> handler_failures{0};
        std::atomic<std::uint64_t> sessions_failed{0};
        std::atomic<std::uint64_t> accept_failures{0};
        std::atomic<std::uint64_t> peers_refused{0};
    };

    ManagedServer(typename T::Listener listener, const ServerConfig& config, ServeOne serve_one,
                  AbortSignal stop_signal)
        : listener_(std::move(listener)),
          serve_one_(std::move(serve_one)),
          stop_signal_(std::move(stop_signal)),
          handshake_(server_handshake_config(config, T::profile_bits)),
          peer_policy_(config),
          max_sessions_(config.max_sessions == 0 ? defaults::max_sessions : config.max_sessions),
          handshake_timeout_(config.handshake_timeout.count() == 0 ? defaults::handshake_timeout
                                                                   : config.handshake_timeout) {}

    template <class H>
    static ServeOne serving_with(H handler) {
        return [filling = builder_filling(std::move(handler))](
                   SessionType& session, std::atomic<std::uint64_t>& failures) mutable {
            auto counted = [&](const RequestView& request,
                               ResponseBuilder& builder) -> Result<void> {
                auto handled = filling(request, builder);
                if (!handled && handled.error().code != Errc::overflow) {
                    failures.fetch_add(1, std::memory_order_relaxed);
                }
                return handled;
            };
            // No abort signal here: watching one costs a poll() per request
            // on the socket path, and stop() wakes sessions through their
            // connections' interrupt() instead.
            return session.serve_one(counted, Deadline::never());
        };
    }

    // Turns either handler shape into the builder-filling one.
    template <class H>
    static auto builder_filling(H handler) {
        if constexpr (std::is_invocable_r_v<Result<void>, H&, const RequestView&,
                                            ResponseBuilder&>) {
            return handler;
        } else {
            static_assert(std::is_invocable_v<H&, const RequestView&>,
                          "a handler takes (const RequestView&, ResponseBuilder&) or "
                          "(const RequestView&)");
            using Returned = std::invoke_result_t<H&, const RequestView&>;
            return [handler = std::move(handler)](const RequestView& request,
                                                  ResponseBuilder& builder) -> Result<void> {
                if constexpr (detail::IsResult<Returned>::value) {
                    auto value = handler(request);
                    if (!value) {
                        return std::unexpected(value.error());
                    }
                    return S::respond(builder, *value);
                } else {
                    return S::respond(builder, handler(request));
                }
            };
        }
    }

    void accept_loop() {
        // The next handshake's own abort signal, so that it alone can be
        // ended. It is made before its connection is accepted: when
        // descriptors run out, the client then stays queued in the listener
        // until they are back, instead of being accepted only to be hung up
        // on for want of its signal.
        std::optional<AbortSignal> next_handshake_abort;
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                reap_finished_workers();
                // A slot is free, or one can be freed from a handshake.
                slot_freed_.wait(lock, [this] {
                    return stopping_ || active_ < max_sessions_ || oldest_evictable() != nullptr;
                });
                if (stopping_) {
                    return;
                }
            }
            if (!next_handshake_abort) {
                auto made = AbortSignal::create();
                if (!made) {
                    back_off_after_accept_failure();
                    continue;
                }
                next_handshake_abort.emplace(std::move(*made));
            }
            auto connection = listener_.accept(Deadline::never(), &stop_signal_);
            if (!connection) {
                if (connection.error().code == Errc::aborted) {
                    return;
                }
                back_off_after_accept_failure();
                continue;
            }
            std::unique_lock lock(mutex_);
            slot_freed_.wait(lock, [this] { return stopping_ || make_room(); });
            if (stopping_) {
                return; // the connection closes; its client sees a disconnect
            }
            ++active_;
            ++handshaking_;
            auto& worker = workers_.emplace_back(std::move(*next_handshake_abort));
            next_handshake_abort.reset();
            worker.thread = std::thread([this, &worker, session_id = next_session_id_++,
                                         connection = std::move(*connection)]() mutable {
                serve_session(worker, std::move(connection), session_id);
            });
        }
    }

    // E.g. EMFILE: back off briefly rather than spin; stop() wakes us.
    void back_off_after_accept_failure() {
        counters_.accept_failures.fetch_add(1, std::memory_order_relaxed);
        std::unique_lock lock(mutex_);
        slot_freed_.wait_for(lock, accept_backoff, [this] { return stopping_; });
    }

    // Called with mutex_ held. The oldest worker still in its handshake
    // whose client had not spoken, that no eviction has ended yet, or nullptr.
    Worker* oldest_evictable() {
        for (auto& worker : workers_) {
            if (worker.handshaking && worker.silent && !worker.evicted) {
                return &worker;
            }
        }
        return nullptr;
    }

    // Called with mutex_ held, for a connection waiting for a slot: true
    // when one is free. Otherwise ends the oldest handshake (unless an
    // eviction is already on its way; its worker notifies slot_freed_ when
    // done) and returns false.
    bool make_room() {
        if (active_ < max_sessions_) {
            return true;
        }
        for (const auto& worker : workers_) {
            if (worker.handshaking && worker.evicted) {
                return false;
            }
        }
        if (Worker* oldest = oldest_evictable(); oldest != nullptr) {
            oldest->evicted = true;
            oldest->handshake_abort.raise();
        }
        return false;
    }

    // Whether the peer-credential policy (if any) lets this peer in. Peers
    // whose credentials cannot be read are refused.
    bool admits(const typename T::Connection& connection) const {
        if constexpr (PeerCredentials<typename T::Connection>) {
            if (!peer_policy_.enabled()) {
                return true;
            }
            auto peer = connection.peer_identity();
            return peer && peer_policy_.admits(*peer);
        } else {
            return true; // start() refused a policy this transport cannot check
        }
    }

    // Whether the client has sent something (its HELLO) already. Without a
    // way to tell (no IdleCheck), every client counts as silent.
    static bool has_spoken(typename T::Connection& connection) {
        if constexpr (IdleCheck<typename T::Connection>) {
            auto idle = connection.check_idle();
            return !idle && idle.error().code == Errc::protocol_violation;
        } else {
            return false;
        }
    }

    void serve_session(Worker& worker, typename T::Connection connection,
                       std::uint64_t session_id) {
        const bool spoke = has_spoken(connection);
        {
            std::lock_guard lock(mutex_);
            worker.silent = !spoke;
        }
        slot_freed_.notify_all(); // the acceptor may be waiting to evict
        // A refused peer still gets its answer (AUTH_FAILED) through the
        // ordinary handshake, bounded like any other.
        ServerHandshakeConfig handshake = handshake_;
        handshake.refuse_peer = !admits(connection);
        auto session =
            SessionType::server_over(std::move(connection), handshake, session_id,
                                     Deadline::after(handshake_timeout_), &worker.handshake_abort);
        {
            std::lock_guard lock(mutex_);
            worker.handshaking = false;
            --handshaking_;
            // The handshake's abort signal has done its work: close its
            // descriptor now, not when the acceptor reaps this worker (which
            // waits for the next connection, so a finished session would
            // hold it until then). Every raise() runs under mutex_, so none
            // races this move; the moved-from signal is inert.
            {
                const AbortSignal spent(std::move(worker.handshake_abort));
            }
            if (!session) {
                // Counted before the slot is free: whoever the slot goes to
                // next already sees the count.
                if (handshake.refuse_peer) {
                    counters_.peers_refused.fetch_add(1, std::memory_order_relaxed);
                } else if (session.error().code != Errc::aborted || worker.evicted) {
                    counters_.handshakes_failed.fetch_add(1, std::memory_order_relaxed);
                }
                // The slot is free at once, so an eviction in flight (one
                // whose worker still handshakes) is never mistaken for done.
                --active_;
                worker.finished = true;
            }
            slot_freed_.notify_all(); // the acceptor's view changed either way
        }
        if (!session) {
            return; // `worker` may be reaped from here on
        }
        counters_.sessions_accepted.fetch_add(1, std::memory_order_relaxed);
        if (worker.start_serving(*session)) {
            serve_requests(*session);
        }
        worker.stop_serving();
        session->close();
        std::lock_guard lock(mutex_);
        --active_;
        worker.finished = true;
        slot_freed_.notify_all();
    }

    void serve_requests(SessionType& session) {
        for (;;) {
            auto served = serve_one_(session, counters_.handler_failures);
            if (served) {
                counters_.requests_served.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            const Errc code = served.error().code;
            if (code != Errc::disconnected && code != Errc::aborted) {
                counters_.sessions_failed.fetch_add(1, std::memory_order_relaxed);
            }
            return;
        }
    }

    // Called with mutex_ held.
    void reap_finished_workers() {
        for (auto it = workers_.begin(); it != workers_.end();) {
            if (it->finished) {
                it->thread.join(); // it has returned from serve_session already
                it = workers_.erase(it);
            } else {
                ++it;
            }
        }
    }

    static constexpr std::chrono::milliseconds accept_backoff{100};

    typename T::Listener listener_;
    ServeOne serve_one_;
    AbortSignal stop_signal_;
    ServerHandshakeConfig handshake_;
    PeerPolicy peer_policy_;
    std::uint32_t max_sessions_;
    std::chrono::milliseconds handshake_timeout_;

    std::mutex stop_mutex_;
    mutable std::mutex mutex_;
    std::condition_variable slot_freed_;
    std::list<Worker> workers_;     // guarded by mutex_, oldest first
    std::uint64_t active_ = 0;      // guarded by mutex_: workers, handshaking or serving
    std::uint64_t handshaking_ = 0; // guarded by mutex_: of those, still in the handshake
    std::uint64_t next_session_id_ = 1;
    bool stopping_ = false; // guarded by mutex_
    bool stopped_ = false;  // guarded by mutex_
    Counters counters_;
    std::thread acceptor_;
};

} // namespace netipc::services
