// netipc::services::Client<Service, Transport, Framing>: the Level 2 client a
// plugin keeps for one service kind for its whole life. The transport
// defaults to the service's (the platform's default), the framing to
// NetIPC's; any Transport and Framing pair works.
//
//   auto client = Client<IncrementService>::create({run_dir, "increment"});
//   if (client->refresh()) {                 // connected (or already was)
//       auto answer = client->call(41);      // answer->value == 42
//   }
//
// Lifecycle. create() never connects: the provider may not exist yet.
// refresh() is the only place a disconnected client connects; call it from
// the plugin's own loop at any cadence. It succeeds when the client is
// ready afterwards and otherwise returns why connecting failed; compare
// state() before and after it to log transitions. There are no hidden
// threads or timers. ready() is a cached predicate (no syscalls). status()
// reports the state and counters.
//
// Calls. A call on a client that is not ready fails at once with
// Errc::not_ready, without I/O. Every call is bounded: a timeout of 0 means
// ClientConfig::call_timeout (default 30 s), and the deadline covers the
// whole logical response, retries and reconnects included. Response views
// borrow the client's buffers and stay valid until the next call, close()
// or destruction.
//
// Failures (netdata/plugin-ipc docs/level2-typed-api.md, with the newest
// upstream rules on bounded calls and retries):
//   - timeout and abort are terminal for the call: the session is dropped
//     (state BROKEN), nothing is retried;
//   - any other failure of a ready session drops it, reconnects with a full
//     handshake and resends once (at-least-once: the provider may see the
//     request twice);
//   - a request larger than the session's ceilings reconnects first with
//     ceilings grown to the next power of two (up to payload_growth_cap);
//     a LIMIT_EXCEEDED answer doubles the response ceiling hint and
//     reconnects, up to 8 times, stopping as soon as a reconnect no longer
//     grows the negotiated ceiling;
//   - a request that cannot fit (over payload_growth_cap, or over what the
//     provider grants) fails with Errc::message_too_large before anything
//     is sent; Errc::limit_exceeded always means the provider said so;
//   - when the provider selects a data plane (shared memory) this client
//     cannot attach, the data plane is removed from every later proposal
//     and the client reconnects without it (a new session, never a
//     same-session fallback).
//
// Lookups. For the lookup services (CgroupsLookupService, AppsLookupService)
// lookup(keys) returns one answer per key, in key order, however many
// ordinary request/response cycles that takes: it sends the longest run of
// keys that fits the request ceiling (growing it, within payload_growth_cap,
// for a key that fits no request yet), re-asks for the items the provider
// marked PAYLOAD_EXCEEDED, and stitches the answers under their shared
// generation. Callers never see PAYLOAD_EXCEEDED. OVERSIZED_ITEM answers
// are final (once the key was asked alone) and stay in the result; a path too long for any request
// the client may send becomes one without asking. The call fails when a subresponse breaks the
// contract (another item count, an item that does not echo its key, a generation that changes
// between cycles, no progress) and at the ClientConfig lookup ceilings (Errc::overflow). Every
// cycle has the retry rules above; the timeout bounds the whole logical call. A call with no keys
// still makes one round trip (a liveness probe that also reports the generation). Lookups never use
// Level 1 batches.
//
// Thread safety: one thread makes calls, refresh() and close(); abort() and
// clear_abort() may come from any thread while a call blocks.
#pragma once

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "framing/nipc.h"
#include "netipc/abort_signal.h"
#include "netipc/concepts/data_plane.h"
#include "netipc/concepts/framing.h"
#include "netipc/concepts/lookup_codec.h"
#include "netipc/concepts/peer_credentials.h"
#include "services/client_config.h"
#include "services/client_status.h"
#include "services/defaults.h"
#include "services/handshake_configs.h"
#include "services/lookup_stitcher.h"
#include "services/service.h"
#include "sessions/session.h"

namespace netipc::services {

template <Service S, Transport T = typename S::DefaultTransport, class F = framing::Nipc>
    requires Framing<F, typename T::Connection>
class Client {
public:
    using ServiceType = S;
    using CodecType = typename S::Codec;
    using Request = typename CodecType::Request;
    using ResponseView = typename CodecType::ResponseView;
    // The key type of lookup services (a path, a pid); unused by others.
    using LookupKey = lookup_key_t<CodecType>;
    using Address = typename T::Address;
    using SessionType = Session<T, F, CodecType>;
    using Milliseconds = std::chrono::milliseconds;

    // Makes a disconnected client (no connection attempt). Fails only when
    // the abort signal cannot be created (descriptor exhaustion).
    static Result<Client> create(Address address, ClientConfig config = {}) {
        auto abort = AbortSignal::create();
        if (!abort) {
            return std::unexpected(abort.error());
        }
        return Client(std::move(address), config, std::move(*abort));
    }

    Client(Client&&) noexcept = default;
    Client& operator=(Client&&) noexcept = default;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client() = default;

    // Connects when the client has no session; does nothing when ready.
    // Succeeds when the client is ready afterwards; otherwise the error says
    // why connecting failed (Errc::not_found when no provider listens,
    // auth_failed, incompatible, ...), and state() says what it means.
    Result<void> refresh() {
        if (state_ == ClientState::ready) {
            return {};
        }
        return connect_session(Deadline::after(connect_timeout_));
    }

    [[nodiscard]] bool ready() const noexcept { return state_ == ClientState::ready; }
    [[nodiscard]] ClientState state() const noexcept { return state_; }

    [[nodiscard]] ClientStatus status() const {
        ClientStatus status;
        status.state = state_;
        status.counters = counters_;
        if (session_) {
            status.session = session_->parameters();
            if constexpr (PeerCredentials<typename T::Connection>) {
                if (auto provider = session_->peer_identity()) {
                    status.provider = *provider;
                }
            }
        }
        status.data_plane_dropped = data_plane_dropped_;
        status.data_plane_unused = data_plane_unused();
        status.last_error = last_error_;
        return status;
    }

    // One typed request, one typed response.
    Result<ResponseView> call(const Request& request, Milliseconds timeout = Milliseconds{0}) {
        const Need need{CodecType::request_size(request), 1};
        return run(need, timeout, [&](SessionType& session, Deadline deadline) {
            return session.call(request, deadline, &abort_);
        });
    }

    // Many requests in one Level 1 batch message; the answers come back in
    // request order. The span and its views stay valid until the next call.
    // (The answers are stored by index into a list sized up front, which is
    // why the view must be default-constructible: a push_back per item cost
    // a quarter of a batch item's client-side instructions.)
    Result<std::span<const ResponseView>> call_batch(std::span<const Request> requests,
                                                     Milliseconds timeout = Milliseconds{0})
        requires CodecType::batchable && std::default_initializable<ResponseView>
    {
        // A retried attempt overwrites every answer: only a whole one is
        // kept. The list only grows: shrinking and growing it again with
        // every batch size re-initialised its elements, 5 instructions an
        // item in the driver's 2..1000-item batches.
        if (batch_answers_.size() < requests.size()) {
            batch_answers_.resize(requests.size());
        }
        auto done = run(need_for(requests), timeout, [&](SessionType& session, Deadline deadline) {
            return session.call_batch(
                requests,
                [this](std::uint32_t index, const ResponseView& view) {
                    batch_answers_[index] = view;
                },
                deadline, &abort_);
        });
        if (!done) {
            return std::unexpected(done.error());
        }
        return std::span<const ResponseView>(batch_answers_).first(requests.size());
    }

    // One logical lookup: an answer per key, in key order (see "Lookups"
    // above). The view borrows the client's buffers until the next call.
    Result<ResponseView> lookup(std::span<const LookupKey> keys,
                                Milliseconds timeout = Milliseconds{0})
        requires LookupCodec<CodecType>
    {
        ++counters_.calls;
        auto result = lookup_cycles(keys, deadline_after(timeout));
        if (!result) {
            ++counters_.call_failures;
            last_error_ = result.error();
        }
        return result;
    }

    // Makes the blocked call (or the next one) return Errc::aborted. Safe
    // from any thread and from a signal handler; stays raised until
    // clear_abort() or close().
    void abort() noexcept { abort_.raise(); }
    void clear_abort() noexcept { abort_.clear(); }
    [[nodiscard]] bool abort_raised() const noexcept { return abort_.raised(); }

    // Drops the session (if any) and lowers the abort signal. The client
    // can be refreshed again afterwards.
    void close() {
        session_.reset();
        state_ = ClientState::disconnected;
        abort_.clear();
    }

    [[nodiscard]] const Address& address() const noexcept { return address_; }

private:
    // What a call needs from the session's request limits.
    struct Need {
        std::size_t payload_bytes = 0;
        std::uint32_t items = 1;
    };

    Client(Address address, const ClientConfig& config, AbortSignal abort)
        : address_(std::move(address)),
          config_(config),
          abort_(std::move(abort)),
          call_timeout_(or_default(config.call_timeout, defaults::call_timeout)),
          connect_timeout_(or_default(config.connect_timeout, defaults::connect_timeout)),
          growth_cap_(or_default(config.payload_growth_cap, defaults::payload_growth_cap)),
          proposal_(initial_proposal(config)) {}

    // A batch of one travels as a single message; more carry a directory of
    // one entry per item and 8-aligned items (wire/packed_directory.h).
    static Need need_for(std::span<const Request> requests) {
        if (requests.size() <= 1) {
            return {requests.empty() ? 0 : CodecType::request_size(requests.front()), 1};
        }
        std::size_t bytes = requests.size() * wire::directory_entry_size;
        for (const auto& request : requests) {
            bytes += wire::align8(CodecType::request_size(request));
        }
        return {bytes, static_cast<std::uint32_t>(requests.size())};
    }

    [[nodiscard]] bool fits(const Need& need) const noexcept {
        if (!session_) {
            return false;
        }
        const auto& limits = session_->parameters().requests;
        return need.payload_bytes <= limits.max_payload_bytes
               && need.items <= limits.max_batch_items;
    }

    // Runs one logical call with the retry and resize rules above.
    [[nodiscard]] Deadline deadline_after(Milliseconds timeout) const noexcept {
        return Deadline::after(timeout == Milliseconds{0} ? call_timeout_ : timeout);
    }

    template <class Attempt>
    auto run(const Need& need, Milliseconds timeout, Attempt attempt)
        -> std::invoke_result_t<Attempt&, SessionType&, Deadline> {
        ++counters_.calls;
        auto result = run_attempts(need, deadline_after(timeout), attempt);
        if (!result) {
            ++counters_.call_failures;
            last_error_ = result.error();
        }
        return result;
    }

    // The first attempt, inline: a call on a ready session that succeeds is
    // these checks and the Level 1 call. Anything else goes to
    // recover_and_retry().
    template <class Attempt>
    auto run_attempts(const Need& need, Deadline deadline, Attempt& attempt)
        -> std::invoke_result_t<Attempt&, SessionType&, Deadline> {
        if (state_ != ClientState::ready) {
            return fail(Errc::not_ready, "client is not ready: call refresh() first");
        }
        if (abort_.raised()) {
            // Nothing was sent, so the session stays usable.
            return fail(Errc::aborted, "abort signal raised");
        }
        if (!fits(need)) {
            if (auto grown = grow_requests(need, deadline); !grown) {
                return std::unexpected(grown.error());
            }
        }
        auto result = attempt_once(deadline, attempt);
        if (keeps_session(result) || !session_) {
            return result;
        }
        return recover_and_retry(result.error(), deadline, attempt);
    }

    template <class Attempt>
    auto attempt_once(Deadline deadline, Attempt& attempt)
        -> std::invoke_result_t<Attempt&, SessionType&, Deadline> {
        if (!session_) {
            return fail(Errc::not_ready, "no session to call on"); // unreachable
        }
        return attempt(*session_, deadline);
    }

    // Success, or a refusal before anything was sent: the session stays
    // usable.
    template <class R>
    static bool keeps_session(const R& result) noexcept {
        return result || refused_before_sending(result.error().code);
    }

    // After an attempt failed with `failure` (the session is broken): drops
    // the session and, where the rules allow, reconnects (larger response
    // ceilings after LIMIT_EXCEEDED, at most max_resize_reconnects times;
    // otherwise once) and attempts again.
    template <class Attempt>
    [[gnu::noinline]] auto recover_and_retry(Error failure, Deadline deadline, Attempt& attempt)
        -> std::invoke_result_t<Attempt&, SessionType&, Deadline> {
        bool retried = false;
        int resizes = 0;
        for (;;) {
            const std::uint32_t response_ceiling =
                session_->parameters().responses.max_payload_bytes;
            drop_session(ClientState::broken);
            if (failure.code == Errc::timeout || failure.code == Errc::aborted
                || failure.code == Errc::unsupported) {
                // unsupported: the wrong service kind; resending cannot help
                return std::unexpected(failure);
            }
            if (failure.code == Errc::limit_exceeded) {
                if (resizes == defaults::max_resize_reconnects) {
                    return std::unexpected(failure);
                }
                ++resizes;
                auto grew = grow_responses(response_ceiling, deadline);
                if (!grew) {
                    return std::unexpected(grew.error());
                }
                if (!*grew) {
                    return std::unexpected(failure); // the provider's ceiling is what it is
                }
            } else {
                if (retried) {
                    return std::unexpected(failure);
                }
                retried = true;
                ++counters_.retries;
                if (auto again = connect_session(deadline); !again) {
                    return std::unexpected(again.error());
                }
            }
            auto result = attempt_once(deadline, attempt);
            if (keeps_session(result) || !session_) {
                return result;
            }
            failure = result.error();
        }
    }

    // The split-and-stitch loop of lookup() (netdata/plugin-ipc
    // docs/level2-typed-api.md, lookup contracts; the loop's order is
    // settled from the reference C client).
    Result<ResponseView> lookup_cycles(std::span<const LookupKey> keys, Deadline deadline)
        requires LookupCodec<CodecType>
    {
        if (keys.size()
            > or_default(config_.max_logical_lookup_items, defaults::max_logical_lookup_items)) {
            return fail(Errc::overflow, "more keys than max_logical_lookup_items");
        }
        const std::uint32_t max_cycles =
            or_default(config_.max_logical_lookup_subcalls, defaults::max_logical_lookup_subcalls);
        stitcher_.clear();
        std::optional<std::uint64_t> generation;
        std::uint32_t cycles = 0;
        std::size_t start = 0;
        bool ask_alone = false;
        // At least one cycle: a call with no keys (or only keys answered
        // locally) still asks, which also gives the generation.
        while (start < keys.size() || cycles == 0) {
            const auto rest = keys.subspan(start);
            const std::size_t count =
                std::min<std::size_t>(keys_that_fit(rest), ask_alone ? 1 : rest.size());
            ask_alone = false;
            if (count == 0 && !rest.empty()) {
                auto answered_here = settle_unfitting_key(rest.front(), deadline);
                if (!answered_here) {
                    return std::unexpected(answered_here.error());
                }
                start += *answered_here ? 1 : 0;
                continue;
            }
            if (++cycles > max_cycles) {
                return fail(Errc::overflow,
                            "lookup needs more cycles than max_logical_lookup_subcalls");
            }
            const auto asked = rest.first(count);
            const typename CodecType::Request request = CodecType::request_for(asked);
            auto ask = [&](SessionType& session, Deadline until) {
                return session.call(request, until, &abort_);
            };
            auto answer = run_attempts(Need{CodecType::request_size(request), 1}, deadline, ask);
            if (!answer) {
                return answer;
            }
            auto answered = answered_items(*answer, asked, generation);
            if (!answered) {
                return std::unexpected(answered.error());
            }
            // The provider judges its first item against the echoes of all
            // the others: OVERSIZED_ITEM there may only mean "not with so
            // many keys". Final only when that key was asked alone.
            if (*answered > 0 && asked.size() > 1 && CodecType::oversized((*answer)[0])) {
                ask_alone = true;
                continue;
            }
            if (start == 0 && *answered == keys.size() && stitcher_.size() == 0) {
                return answer; // one cycle answered everything: no copy
            }
            for (std::uint32_t i = 0; i < *answered; ++i) {
                stitcher_.add(answer->raw_item(i));
            }
            start += *answered;
        }
        return stitcher_.finish(generation.value_or(0),
                                or_default(config_.max_logical_lookup_response_bytes,
                                           defaults::max_logical_lookup_response_bytes));
    }

    // For a key that alone fits no request, or no response of this session
    // even as an echo: makes room for it (a session with larger ceilings),
    // or, when no request can carry it, answers it here as final. True when
    // it was answered here, so the lookup moves past it.
    Result<bool> settle_unfitting_key(const LookupKey& key, Deadline deadline)
        requires LookupCodec<CodecType>
    {
        auto placed = make_room_for(key, deadline);
        if (!placed) {
            return std::unexpected(placed.error());
        }
        if (*placed) {
            return false;
        }
        if (auto added = stitcher_.add_oversized(key); !added) {
            return std::unexpected(added.error());
        }
        return true;
    }

    // The longest run of `keys` whose request fits the session's request
    // ceiling and whose answer, were every item only an echo of its key,
    // fits the response ceiling: the provider can then always answer each
    // key at least PAYLOAD_EXCEEDED, so every cycle makes progress. (The
    // reference client checks the request side only; a provider granting
    // responses much smaller than requests would answer it LIMIT_EXCEEDED.)
    [[nodiscard]] std::size_t keys_that_fit(std::span<const LookupKey> keys) const
        requires LookupCodec<CodecType>
    {
        if (!session_) {
            return 0;
        }
        const auto& parameters = session_->parameters();
        codecs::LookupPayloadSize request;
        codecs::LookupPayloadSize echoes;
        std::size_t count = 0;
        for (const auto& key : keys) {
            request.add(CodecType::key_size(key));
            echoes.add(CodecType::oversized_item_size(key));
            if (request.total() > parameters.requests.max_payload_bytes
                || echoes.total() > parameters.responses.max_payload_bytes) {
                break;
            }
            ++count;
        }
        return count;
    }

    // A key that fits no cycle of this session alone: reconnects with a
    // larger request ceiling when that is what it lacks and
    // payload_growth_cap allows (true). False when it can never be asked:
    // its request exceeds the cap, or its echo the granted response ceiling.
    Result<bool> make_room_for(const LookupKey& key, Deadline deadline)
        requires LookupCodec<CodecType>
    {
        if (state_ != ClientState::ready || !session_) {
            return fail(Errc::not_ready, "client is not ready: call refresh() first");
        }
        const auto& parameters = session_->parameters();
        codecs::LookupPayloadSize echo;
        echo.add(CodecType::oversized_item_size(key));
        if (echo.total() > parameters.responses.max_payload_bytes) {
            return false;
        }
        const std::size_t alone = CodecType::request_size(CodecType::request_for({&key, 1}));
        if (alone > growth_cap_) {
            return false;
        }
        if (auto grown = grow_requests(Need{alone, 1}, deadline); !grown) {
            return std::unexpected(grown.error());
        }
        return true;
    }

    // Checks one subresponse against the keys it answers and returns how
    // many items it answered before the first PAYLOAD_EXCEEDED one.
    static Result<std::uint32_t> answered_items(const ResponseView& answer,
                                                std::span<const LookupKey> asked,
                                                std::optional<std::uint64_t>& generation)
        requires LookupCodec<CodecType>
    {
        if (answer.size() != asked.size()) {
            return fail(Errc::protocol_violation, "lookup answer has another item count");
        }
        if (generation && *generation != answer.generation()) {
            return fail(Errc::protocol_violation, "lookup generation changed between cycles");
        }
        generation = answer.generation();
        std::optional<std::uint32_t> exceeded;
        for (std::uint32_t i = 0; i < answer.size(); ++i) {
            const auto item = answer[i];
            if (!CodecType::echoes(item, asked[i])) {
                return fail(Errc::protocol_violation, "lookup answer does not echo its key");
            }
            if (CodecType::payload_exceeded(item)) {
                exceeded = exceeded.value_or(i);
            } else if (exceeded) {
                return fail(Errc::protocol_violation,
                            "lookup item answered after a PAYLOAD_EXCEEDED one");
            }
        }
        if (exceeded && *exceeded == 0) {
            return fail(Errc::protocol_violation,
                        "lookup answer made no progress (first item PAYLOAD_EXCEEDED)");
        }
        return exceeded.value_or(answer.size());
    }

    // Errors a session returns before any I/O.
    static constexpr bool refused_before_sending(Errc code) noexcept {
        return code == Errc::invalid_argument || code == Errc::message_too_large;
    }

    // Reconnects proposing request ceilings that fit `need`. If the
    // provider refuses them, the old proposal is kept for later refreshes.
    Result<void> grow_requests(const Need& need, Deadline deadline) {
        if (need.payload_bytes > growth_cap_) {
            return fail(Errc::message_too_large,
                        "request larger than the client's payload_growth_cap");
        }
        const CeilingProposal saved = proposal_;
        const auto wanted = std::bit_ceil(static_cast<std::uint32_t>(need.payload_bytes));
        proposal_.request_payload_bytes =
            std::max(proposal_.request_payload_bytes, std::min(wanted, growth_cap_));
        proposal_.batch_items = std::max(proposal_.batch_items, std::bit_ceil(need.items));
        ++counters_.resizes;
        drop_session(ClientState::disconnected);
        auto connected = connect_session(deadline);
        if (!connected) {
            proposal_.request_payload_bytes = saved.request_payload_bytes;
            proposal_.batch_items = saved.batch_items;
            if (connected.error().code == Errc::limit_exceeded) {
                // Refused for size alone: the next refresh() reconnects with
                // the old proposal.
                state_ = ClientState::disconnected;
                return fail(Errc::limit_exceeded, "the provider refuses requests this large");
            }
            return connected;
        }
        if (!fits(need)) {
            return fail(Errc::message_too_large, "the provider did not grant the request ceilings");
        }
        return {};
    }

    // After a LIMIT_EXCEEDED answer: doubles the response hint and
    // reconnects. Returns whether the negotiated response ceiling grew
    // beyond `before`, the dropped session's.
    Result<bool> grow_responses(std::uint32_t before, Deadline deadline) {
        if (proposal_.response_payload_bytes < growth_cap_) {
            proposal_.response_payload_bytes =
                std::min(proposal_.response_payload_bytes * 2, growth_cap_);
        }
        ++counters_.resizes;
        if (auto connected = connect_session(deadline); !connected) {
            return std::unexpected(connected.error());
        }
        return session_ && session_->parameters().responses.max_payload_bytes > before;
    }

    // What this client can use of the transport: all of it, less a data
    // plane it could not attach before.
    [[nodiscard]] std::uint32_t carried_profiles() const noexcept {
        return data_plane_dropped_
                   ? T::profile_bits & ~data_plane_profiles_of<typename T::Connection>
                   : T::profile_bits;
    }

    // Why the session runs without the transport's data plane (see
    // ClientStatus::data_plane_unused).
    [[nodiscard]] std::optional<Error> data_plane_unused() const {
        constexpr std::uint32_t data_plane = data_plane_profiles_of<typename T::Connection>;
        // Offered and preferred: otherwise the baseline was this client's own choice.
        const ClientHandshakeConfig offer =
            client_handshake_config(config_, proposal_, T::profile_bits);
        const bool wanted = (offer.supported_profiles & offer.preferred_profiles & data_plane) != 0;
        if (!session_ || !wanted || session_->data_plane_active()) {
            return std::nullopt;
        }
        if (data_plane_dropped_) {
            return Error{Errc::shm_unavailable, 0,
                         "this client could not attach the provider's shared memory, so it no "
                         "longer offers it"};
        }
        // The protocol does not say why: a provider selects the baseline when
        // it could not create the session's region (a full or read-only run
        // directory, say), and when it does not serve or prefer SHM.
        return Error{Errc::shm_unavailable, 0,
                     "the provider selected the baseline although shared memory was offered (it "
                     "could not create the session's SHM region, or does not serve or prefer it)"};
    }

    // One connect + handshake (Session::connect makes one more without the
    // data plane when the provider chose one this process cannot attach).
    Result<void> connect_session(Deadline deadline) {
        const bool was_connected_before = counters_.connects > 0;
        state_ = ClientState::connecting;
        auto session = SessionType::connect(
            address_, client_handshake_config(config_, proposal_, carried_profiles()), deadline,
            &abort_);
        if (!session) {
            return connect_failed(session.error());
        }
        data_plane_dropped_ = data_plane_dropped_ || session->dropped_data_plane();
        session_.emplace(std::move(*session));
        state_ = ClientState::ready;
        ++counters_.connects;
        if (was_connected_before) {
            ++counters_.reconnects;
        }
        return {};
    }

    Result<void> connect_failed(const Error& error) {
        ++counters_.connect_failures;
        last_error_ = error;
        state_ = state_after(error.code);
        return std::unexpected(error);
    }

    static ClientState state_after(Errc code) noexcept {
        switch (code) {
            case Errc::not_found:
                return ClientState::not_found;
            case Errc::auth_failed:
                return ClientState::auth_failed;
            case Errc::unsupported:
            case Errc::incompatible:
            case Errc::limit_exceeded:
                return ClientState::incompatible;
            default:
                return ClientState::disconnected;
        }
    }

    void drop_session(ClientState next) {
        session_.reset();
        state_ = next;
    }

    Address address_;
    ClientConfig config_;
    AbortSignal abort_;
    Milliseconds call_timeout_;
    Milliseconds connect_timeout_;
    std::uint32_t growth_cap_;
    CeilingProposal proposal_;
    bool data_plane_dropped_ = false;
    ClientState state_ = ClientState::disconnected;
    ClientCounters counters_;
    std::optional<Error> last_error_;
    std::optional<SessionType> session_;
    std::vector<ResponseView> batch_answers_;
    // Lookup codecs only: the items of a logical lookup's cycles.
    [[no_unique_address]] LookupStitcherFor<CodecType> stitcher_;
};

} // namespace netipc::services
