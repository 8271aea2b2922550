#include "transports/windows/win_shm_region.h"

#define WIN32_LEAN_AND_MEAN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <limits>
#include <utility>

#include "netipc/wire/constants.h"

namespace netipc::transports {

namespace {

template <class T>
std::atomic_ref<T> live_field(std::byte* region, std::size_t offset) noexcept {
    return std::atomic_ref<T>(*reinterpret_cast<T*>(region + offset));
}

// The fields of one direction, from the reader's and the publisher's view.
struct DirectionFields {
    std::size_t length;
    std::size_t sequence;
    std::size_t reader_waiting; // set by the reader before it sleeps
    std::size_t closed;         // set by the publisher when it leaves
};

constexpr DirectionFields request_fields{
    .length = win_shm_offsets::req_len,
    .sequence = win_shm_offsets::req_seq,
    .reader_waiting = win_shm_offsets::req_server_waiting,
    .closed = win_shm_offsets::req_client_closed,
};
constexpr DirectionFields response_fields{
    .length = win_shm_offsets::resp_len,
    .sequence = win_shm_offsets::resp_seq,
    .reader_waiting = win_shm_offsets::resp_client_waiting,
    .closed = win_shm_offsets::resp_server_closed,
};

// The server publishes responses, the client requests.
const DirectionFields& outgoing_fields(WinShmRole role) noexcept {
    return role == WinShmRole::server ? response_fields : request_fields;
}
const DirectionFields& incoming_fields(WinShmRole role) noexcept {
    return role == WinShmRole::server ? request_fields : response_fields;
}

std::unexpected<Error> os_failure(const char* detail) noexcept {
    return fail(Errc::os_error, detail, static_cast<int>(GetLastError()));
}

// Milliseconds for one kernel wait: INFINITE without a deadline, rounded up
// so a wait never wakes just before its deadline and spins through the rest.
DWORD wait_milliseconds(Deadline deadline) noexcept {
    if (deadline.is_never()) {
        return INFINITE;
    }
    const auto left = deadline.when() - Deadline::Clock::now();
    if (left <= Deadline::Clock::duration::zero()) {
        return 0;
    }
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    // INFINITE is 0xffffffff: a very far deadline waits in finite slices.
    return static_cast<DWORD>(std::min<long long>(ms, INFINITE - 1));
}

bool signalled_now(void* handle) noexcept {
    return handle != nullptr && WaitForSingleObject(handle, 0) == WAIT_OBJECT_0;
}

} // namespace

WinShmRegion::WinShmRegion(WinShmRegion&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      mapping_(std::move(other.mapping_)),
      request_event_(std::move(other.request_event_)),
      response_event_(std::move(other.response_event_)),
      geometry_(other.geometry_),
      profile_(other.profile_),
      spin_tries_(other.spin_tries_),
      role_(other.role_) {}

WinShmRegion& WinShmRegion::operator=(WinShmRegion&& other) noexcept {
    if (this != &other) {
        close();
        base_ = std::exchange(other.base_, nullptr);
        mapping_ = std::move(other.mapping_);
        request_event_ = std::move(other.request_event_);
        response_event_ = std::move(other.response_event_);
        geometry_ = other.geometry_;
        profile_ = other.profile_;
        spin_tries_ = other.spin_tries_;
        role_ = other.role_;
    }
    return *this;
}

WinShmRegion::~WinShmRegion() {
    close();
}

bool WinShmRegion::hybrid() const noexcept {
    return profile_ == wire::profile::shm_hybrid;
}

Result<WinShmRegion> WinShmRegion::create(const WinShmObjectNames& names, std::uint32_t profile,
                                          const WinShmGeometry& geometry) noexcept {
    if (profile != wire::profile::shm_hybrid && profile != wire::profile::shm_busywait) {
        return fail(Errc::invalid_argument,
                    "Windows SHM profile is neither SHM_HYBRID nor SHM_BUSYWAIT");
    }
    WinShmRegion region;
    region.role_ = WinShmRole::server;
    region.profile_ = profile;
    region.geometry_ = geometry;
    const auto size = geometry.region_size;
    region.mapping_.reset(CreateFileMappingW(
        INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, static_cast<DWORD>(size >> 32U),
        static_cast<DWORD>(size & 0xffffffffU), names.mapping.c_str()));
    if (!region.mapping_) {
        return os_failure("CreateFileMappingW failed for the session's SHM region");
    }
    // An existing object of that name belongs to someone else: never share it.
    if (GetLastError() == ERROR_ALREADY_EXISTS) {
        return fail(Errc::address_in_use, "a Windows SHM mapping of this session's name exists",
                    ERROR_ALREADY_EXISTS);
    }
    region.base_ = static_cast<std::byte*>(
        MapViewOfFile(region.mapping_.get(), FILE_MAP_ALL_ACCESS, 0, 0, size));
    if (region.base_ == nullptr) {
        return os_failure("MapViewOfFile failed for the session's SHM region");
    }
    // A new pagefile-backed mapping is zero already; zeroing says the live
    // fields start at zero without relying on it.
    std::memset(region.base_, 0, size);
    WinShmRegionHeader header{};
    header.profile = profile;
    header.request_offset = geometry.request_offset;
    header.request_capacity = geometry.request_capacity;
    header.response_offset = geometry.response_offset;
    header.response_capacity = geometry.response_capacity;
    header.spin_tries = win_shm_default_spin_tries;
    wire::encode_unchecked(header, region.base_);
    if (profile == wire::profile::shm_hybrid) {
        for (auto [event, name] : {std::pair{&region.request_event_, &names.request_event},
                                   std::pair{&region.response_event_, &names.response_event}}) {
            // Auto-reset: one SetEvent wakes the one reader of a direction.
            event->reset(CreateEventW(nullptr, FALSE, FALSE, name->c_str()));
            if (!*event) {
                return os_failure("CreateEventW failed for the session's SHM event");
            }
            if (GetLastError() == ERROR_ALREADY_EXISTS) {
                return fail(Errc::address_in_use,
                            "a Windows SHM event of this session's name exists",
                            ERROR_ALREADY_EXISTS);
            }
        }
    }
    // The header is complete before any client can learn the session id
    // (the HELLO_ACK goes out after this returns).
    std::atomic_thread_fence(std::memory_order_release);
    return region;
}

Result<WinShmRegion> WinShmRegion::attach(const WinShmObjectNames& names, std::uint32_t profile,
                                          std::uint32_t request_payload_ceiling,
                                          std::uint32_t response_payload_ceiling) noexcept {
    WinShmRegion region;
    region.role_ = WinShmRole::client;
    region.profile_ = profile;
    region.mapping_.reset(OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, names.mapping.c_str()));
    if (!region.mapping_) {
        if (GetLastError() == ERROR_FILE_NOT_FOUND) {
            return fail(Errc::not_found, "no Windows SHM mapping of this session's name",
                        ERROR_FILE_NOT_FOUND);
        }
        return os_failure("OpenFileMappingW failed for the session's SHM region");
    }
    region.base_ =
        static_cast<std::byte*>(MapViewOfFile(region.mapping_.get(), FILE_MAP_ALL_ACCESS, 0, 0, 0));
    if (region.base_ == nullptr) {
        return os_failure("MapViewOfFile failed for the session's SHM region");
    }
    MEMORY_BASIC_INFORMATION view{};
    if (VirtualQuery(region.base_, &view, sizeof(view)) == 0) {
        return os_failure("VirtualQuery failed on the session's SHM view");
    }
    const std::uint64_t mapped_size = view.RegionSize;
    if (mapped_size < win_shm_region_header_len) {
        return fail(Errc::truncated, "the Windows SHM mapping is smaller than its header");
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    auto header =
        wire::decode<WinShmRegionHeader>(wire::Bytes(region.base_, win_shm_region_header_len));
    if (!header) {
        // Live fields are not checked by the layout: only the constants and
        // the reserved bytes (which a server never writes) can fail.
        return std::unexpected(header.error());
    }
    if (header->profile != profile) {
        return fail(Errc::unsupported,
                    "the Windows SHM region was made for another profile than the session's");
    }
    auto geometry = win_shm_check_geometry(
        header->request_offset, header->request_capacity, header->response_offset,
        header->response_capacity, mapped_size, request_payload_ceiling, response_payload_ceiling);
    if (!geometry) {
        return std::unexpected(geometry.error());
    }
    region.geometry_ = *geometry;
    region.spin_tries_ = header->spin_tries;
    if (profile == wire::profile::shm_hybrid) {
        for (auto [event, name] : {std::pair{&region.request_event_, &names.request_event},
                                   std::pair{&region.response_event_, &names.response_event}}) {
            event->reset(OpenEventW(EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE, name->c_str()));
            if (!*event) {
                if (GetLastError() == ERROR_FILE_NOT_FOUND) {
                    return fail(Errc::not_found, "no Windows SHM event of this session's name",
                                ERROR_FILE_NOT_FOUND);
                }
                return os_failure("OpenEventW failed for the session's SHM event");
            }
        }
    }
    return region;
}

wire::MutableBytes WinShmRegion::send_area() const noexcept {
    if (base_ == nullptr) {
        return {};
    }
    return role_ == WinShmRole::server
               ? wire::MutableBytes(base_ + geometry_.response_offset, geometry_.response_capacity)
               : wire::MutableBytes(base_ + geometry_.request_offset, geometry_.request_capacity);
}

std::uint64_t WinShmRegion::incoming_sequence() const noexcept {
    return live_field<std::uint64_t>(base_, incoming_fields(role_).sequence)
        .load(std::memory_order_acquire);
}

bool WinShmRegion::peer_closed() const noexcept {
    // The peer's flag lives in the peer's outgoing direction.
    return live_field<std::uint32_t>(base_, incoming_fields(role_).closed)
               .load(std::memory_order_acquire)
           != 0;
}

Result<std::uint64_t> WinShmRegion::publish(std::span<const wire::Bytes> pieces) const noexcept {
    std::size_t total = 0;
    for (const auto& piece : pieces) {
        total += piece.size();
    }
    if (total == 0) {
        return fail(Errc::invalid_argument, "an empty message cannot be published");
    }
    const auto area = send_area();
    if (total > area.size()) {
        return fail(Errc::limit_exceeded, "message exceeds the Windows SHM area's capacity");
    }
    if (peer_closed()) {
        return fail(Errc::disconnected, "the peer closed its end of the Windows SHM region");
    }
    std::size_t at = 0;
    for (const auto& piece : pieces) {
        if (piece.data() != area.data() + at && !piece.empty()) {
            std::memmove(area.data() + at, piece.data(), piece.size());
        }
        at += piece.size();
    }
    const auto& fields = outgoing_fields(role_);
    live_field<std::uint32_t>(base_, fields.length)
        .store(static_cast<std::uint32_t>(total), std::memory_order_release);
    // Sequentially consistent with the reader's "waiting, then check the
    // sequence": either the reader sees this sequence or this side sees its
    // waiting flag and sets the event. Never both missed.
    const std::uint64_t seq =
        live_field<std::uint64_t>(base_, fields.sequence).fetch_add(1, std::memory_order_seq_cst)
        + 1;
    if (hybrid()
        && live_field<std::uint32_t>(base_, fields.reader_waiting).load(std::memory_order_seq_cst)
               != 0) {
        const auto& event = role_ == WinShmRole::server ? response_event_ : request_event_;
        if (SetEvent(event.get()) == 0) {
            return os_failure("SetEvent failed on the session's SHM event");
        }
    }
    return seq;
}

Result<WinShmMessageView> WinShmRegion::read_incoming() const noexcept {
    const auto& fields = incoming_fields(role_);
    const std::uint64_t seq =
        live_field<std::uint64_t>(base_, fields.sequence).load(std::memory_order_acquire);
    const std::uint32_t length =
        live_field<std::uint32_t>(base_, fields.length).load(std::memory_order_acquire);
    const bool requests = role_ == WinShmRole::server;
    const std::uint32_t capacity =
        requests ? geometry_.request_capacity : geometry_.response_capacity;
    if (length > capacity) {
        return fail(Errc::protocol_violation,
                    "the peer published a Windows SHM message longer than its area");
    }
    const std::uint32_t offset = requests ? geometry_.request_offset : geometry_.response_offset;
    return WinShmMessageView{.seq = seq, .message = wire::Bytes(base_ + offset, length)};
}

Result<WinShmMessageView> WinShmRegion::wait(std::uint64_t last_seen_seq, Deadline deadline,
                                             const WinShmWatch& watch,
                                             AdaptiveSpin* pacing) const noexcept {
    const auto sequence = live_field<std::uint64_t>(base_, incoming_fields(role_).sequence);
    const auto published = [&] {
        return sequence.load(std::memory_order_acquire) != last_seen_seq;
    };

    // Every message this wait returns is an arrival the pacing learns from.
    auto how = AdaptiveSpin::Arrival::spinning;
    const auto arrived = [&] {
        if (pacing != nullptr) {
            pacing->arrived(AdaptiveSpin::Clock::now(), how);
        }
        return read_incoming();
    };

    if (watch.abort != nullptr && watch.abort->raised()) {
        return fail(Errc::aborted, "the abort signal is raised");
    }
    if (!hybrid()) {
        return spin_until_published(last_seen_seq, deadline, watch);
    }
    for (std::uint32_t tries = 0; tries < spin_tries_; ++tries) {
        if (published()) {
            return arrived();
        }
        YieldProcessor();
    }
    // A busy session: keep spinning, so the next message finds this side
    // awake (see transports/adaptive_spin.h).
    if (const auto budget = pacing != nullptr ? pacing->budget() : std::chrono::nanoseconds{};
        pacing != nullptr && budget > std::chrono::nanoseconds::zero()) {
        auto spin_end = AdaptiveSpin::Clock::now() + budget;
        if (!deadline.is_never()) {
            spin_end = std::min(spin_end, deadline.when());
        }
        how = AdaptiveSpin::Arrival::extended_spin;
        while (AdaptiveSpin::Clock::now() < spin_end) {
            if (published()) {
                return arrived();
            }
            YieldProcessor();
        }
        pacing->missed();
    }
    how = AdaptiveSpin::Arrival::after_sleep;
    if (pacing != nullptr) {
        pacing->sleeping_since(AdaptiveSpin::Clock::now());
    }
    if (auto slept = sleep_until_published(last_seen_seq, deadline, watch); !slept) {
        return std::unexpected(slept.error());
    }
    return arrived();
}

// SHM_HYBRID: sleep on the direction's event (and the watches) until the
// sequence moves; the caller then reads the message.
Result<void> WinShmRegion::sleep_until_published(std::uint64_t last_seen_seq, Deadline deadline,
                                                 const WinShmWatch& watch) const noexcept {
    const auto& fields = incoming_fields(role_);
    const auto sequence = live_field<std::uint64_t>(base_, fields.sequence);
    const auto waiting = live_field<std::uint32_t>(base_, fields.reader_waiting);
    const auto& event = role_ == WinShmRole::server ? request_event_ : response_event_;

    std::array<HANDLE, 4> handles{};
    DWORD count = 0;
    handles[count++] = event.get();
    const DWORD abort_index = count;
    if (watch.abort != nullptr) {
        handles[count++] = watch.abort->native_handle();
    }
    const DWORD interrupt_index = count;
    if (watch.interrupt_event != nullptr) {
        handles[count++] = watch.interrupt_event;
    }
    const DWORD peer_index = count;
    if (watch.peer_process != nullptr) {
        handles[count++] = watch.peer_process;
    }

    for (;;) {
        // Waiting first, then the last check (sequentially consistent, see
        // publish()): a message published from here on sets the event.
        waiting.store(1, std::memory_order_seq_cst);
        if (sequence.load(std::memory_order_seq_cst) != last_seen_seq) {
            waiting.store(0, std::memory_order_relaxed);
            return {};
        }
        if (peer_closed()) {
            waiting.store(0, std::memory_order_relaxed);
            // A peer publishes before it closes: a last message is still
            // delivered (the flag's acquire makes it visible here).
            if (sequence.load(std::memory_order_acquire) != last_seen_seq) {
                return {};
            }
            return fail(Errc::disconnected, "the peer closed its end of the Windows SHM region");
        }
        if (deadline.expired()) {
            waiting.store(0, std::memory_order_relaxed);
            return fail(Errc::timeout, "no Windows SHM message before the deadline");
        }
        const DWORD woke =
            WaitForMultipleObjects(count, handles.data(), FALSE, wait_milliseconds(deadline));
        waiting.store(0, std::memory_order_relaxed);
        if (woke == WAIT_FAILED) {
            return os_failure("WaitForMultipleObjects failed on the session's SHM event");
        }
        if (woke == WAIT_TIMEOUT || woke == WAIT_OBJECT_0) {
            continue; // the loop checks the sequence, the peer and the clock
        }
        const DWORD index = woke - WAIT_OBJECT_0;
        if (watch.abort != nullptr && index == abort_index) {
            return fail(Errc::aborted, "the abort signal is raised");
        }
        if (watch.interrupt_event != nullptr && index == interrupt_index) {
            return fail(Errc::disconnected, "the connection was interrupted");
        }
        if (watch.peer_process != nullptr && index == peer_index) {
            return fail(Errc::disconnected, "the peer process of the Windows SHM session ended");
        }
        return fail(Errc::os_error, "WaitForMultipleObjects returned an unexpected value",
                    static_cast<int>(woke));
    }
}

// SHM_BUSYWAIT: spin until the sequence moves, looking at the clock and the
// watches every win_shm_busywait_check_every spins.
Result<WinShmMessageView> WinShmRegion::spin_until_published(
    std::uint64_t last_seen_seq, Deadline deadline, const WinShmWatch& watch) const noexcept {
    const auto sequence = live_field<std::uint64_t>(base_, incoming_fields(role_).sequence);
    for (std::uint32_t spins = 0;; ++spins) {
        if (sequence.load(std::memory_order_acquire) != last_seen_seq) {
            return read_incoming();
        }
        if (spins % win_shm_busywait_check_every == win_shm_busywait_check_every - 1) {
            if (watch.abort != nullptr && watch.abort->raised()) {
                return fail(Errc::aborted, "the abort signal is raised");
            }
            if (signalled_now(watch.interrupt_event)) {
                return fail(Errc::disconnected, "the connection was interrupted");
            }
            if (peer_closed()) {
                // Published before the close: still delivered.
                if (sequence.load(std::memory_order_acquire) != last_seen_seq) {
                    return read_incoming();
                }
                return fail(Errc::disconnected,
                            "the peer closed its end of the Windows SHM region");
            }
            if (signalled_now(watch.peer_process)) {
                return fail(Errc::disconnected,
                            "the peer process of the Windows SHM session ended");
            }
            if (deadline.expired()) {
                return fail(Errc::timeout, "no Windows SHM message before the deadline");
            }
        }
        YieldProcessor();
    }
}

void WinShmRegion::close() noexcept {
    if (base_ != nullptr) {
        live_field<std::uint32_t>(base_, outgoing_fields(role_).closed)
            .store(1, std::memory_order_seq_cst);
        // Wake a peer asleep on this side's outgoing direction.
        const auto& event = role_ == WinShmRole::server ? response_event_ : request_event_;
        if (event) {
            SetEvent(event.get());
        }
        UnmapViewOfFile(base_);
        base_ = nullptr;
    }
    request_event_.reset();
    response_event_.reset();
    mapping_.reset();
}

} // namespace netipc::transports
