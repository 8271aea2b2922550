#include "transports/posix/shm_region.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <thread>
#include <utility>

#include <boost/interprocess/exceptions.hpp>

#include "netipc/posix/unique_fd.h"
#include "transports/posix/shm_stale.h"

namespace netipc::transports {

namespace {

namespace bip = boost::interprocess;

// Boost.Interprocess maps "memory mappable" objects; this adapts a
// descriptor we opened ourselves (with O_EXCL / O_CLOEXEC, which
// bip::file_mapping cannot express) to that interface.
class FdMappable {
public:
    explicit FdMappable(int fd) noexcept : fd_(fd) {}
    [[nodiscard]] bip::mapping_handle_t get_mapping_handle() const noexcept {
        return bip::ipcdetail::mapping_handle_from_file_handle(fd_);
    }

private:
    int fd_;
};

// Maps `size` bytes of `fd` read-write and shared. Boost reports failures
// with exceptions; they stop here.
Result<bip::mapped_region> map_fd(int fd, std::uint64_t size) noexcept {
    try {
        return bip::mapped_region(FdMappable(fd), bip::read_write, 0,
                                  static_cast<std::size_t>(size));
    } catch (const bip::interprocess_exception& e) {
        return fail(Errc::os_error, "mapping the SHM region failed", e.get_native_error());
    } catch (...) {
        return fail(Errc::os_error, "mapping the SHM region failed", ENOMEM);
    }
}

struct DirectionFields {
    std::size_t area_offset;
    std::size_t area_capacity;
    std::size_t seq;
    std::size_t len;
    std::size_t signal;
};

DirectionFields fields_of(const ShmGeometry& geometry, ShmDirection direction) noexcept {
    if (direction == ShmDirection::request) {
        return {geometry.request_offset, geometry.request_capacity, shm_offsets::req_seq,
                shm_offsets::req_len, shm_offsets::req_signal};
    }
    return {geometry.response_offset, geometry.response_capacity, shm_offsets::resp_seq,
            shm_offsets::resp_len, shm_offsets::resp_signal};
}

// Live header fields are used in place in the (page-aligned) mapping; the
// offsets are static_asserted aligned in shm_region_header.h.
template <class T>
std::atomic_ref<T> live_field(std::byte* base, std::size_t offset) noexcept {
    return std::atomic_ref<T>(*reinterpret_cast<T*>(base + offset));
}

// Not FUTEX_PRIVATE_FLAG: the word lives in a shared file mapping and the
// peer is another process (the kernel keys the futex by inode and offset).
void futex_wake_one(std::uint32_t* word) noexcept {
    (void)::syscall(SYS_futex, word, FUTEX_WAKE, 1, nullptr, nullptr, 0);
}

// Sleeps while *word == expected, at most `timeout` (nullptr: no limit).
// Returns 0 or the errno (EAGAIN: the word already changed, ETIMEDOUT,
// EINTR); every outcome means "look again".
int futex_wait(std::uint32_t* word, std::uint32_t expected, const timespec* timeout) noexcept {
    if (::syscall(SYS_futex, word, FUTEX_WAIT, expected, timeout, nullptr, 0) == 0) {
        return 0;
    }
    return errno;
}

// While spinning past the fixed tries, how many tries between clock reads
// (a clock read costs about as much as one pause hint).
constexpr std::uint32_t spin_tries_per_clock_read = 16;

void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}

// Spins up to `tries` times (with a pause hint) for the sequence number to
// move past `last_seen`; whether it did.
bool spin(std::atomic_ref<std::uint64_t> seq, std::uint64_t last_seen,
          std::uint32_t tries) noexcept {
    for (std::uint32_t i = 0; i < tries; ++i) {
        if (seq.load(std::memory_order_acquire) != last_seen) {
            return true;
        }
        cpu_relax();
    }
    return false;
}

// How long one futex sleep may last when the wait must re-check what a
// futex cannot watch: an abort signal, or (for a client) the region's owner.
// nullopt: nothing to watch, sleep until the deadline.
std::optional<std::chrono::milliseconds> sleep_slice(const ShmWaitOptions& options,
                                                     bool watch_abort, bool watch_owner) noexcept {
    if (watch_abort) {
        return options.check_interval;
    }
    if (watch_owner) {
        return options.owner_check_interval;
    }
    return std::nullopt;
}

enum class SpinOutcome : std::uint8_t { published, aborted, ran_out };

// Spins until the sequence number moves, the abort is raised or `until`
// passes. The clock and the abort flag (an atomic load) are read once per
// spin_tries_per_clock_read tries.
SpinOutcome spin_until(std::atomic_ref<std::uint64_t> seq, std::uint64_t last_seen,
                       AdaptiveSpin::Clock::time_point until, const AbortSignal* abort) noexcept {
    do {
        if (spin(seq, last_seen, spin_tries_per_clock_read)) {
            return SpinOutcome::published;
        }
        if (abort != nullptr && abort->raised()) {
            return SpinOutcome::aborted;
        }
    } while (AdaptiveSpin::Clock::now() < until);
    return SpinOutcome::ran_out;
}

// Non-zero, derived from the monotonic clock, so a region created by a
// process that reused a dead owner's pid still carries a different value.
std::uint32_t new_owner_generation() noexcept {
    timespec now{};
    (void)::clock_gettime(CLOCK_MONOTONIC, &now);
    const auto mixed = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ULL
                       + static_cast<std::uint64_t>(now.tv_nsec);
    const auto generation = static_cast<std::uint32_t>(mixed ^ (mixed >> 32));
    return generation != 0 ? generation : 1;
}

int retry_fallocate(int fd, std::uint64_t size) noexcept {
    while (::fallocate(fd, 0, 0, static_cast<off_t>(size)) != 0) {
        if (errno != EINTR) {
            return errno;
        }
    }
    return 0;
}

// How long one FUTEX_WAIT may sleep: until the deadline, but no longer than
// `slice` when the caller must re-check things a futex cannot watch.
// nullopt: no limit at all.
std::optional<timespec> futex_timeout(Deadline deadline,
                                      std::optional<std::chrono::milliseconds> slice) noexcept {
    if (!slice && deadline.is_never()) {
        return std::nullopt;
    }
    std::chrono::nanoseconds sleep{};
    if (slice) {
        sleep = *slice;
    }
    if (!deadline.is_never()) {
        const auto left = deadline.when() - Deadline::Clock::now();
        if (!slice || left < sleep) {
            sleep = std::chrono::duration_cast<std::chrono::nanoseconds>(left);
        }
    }
    sleep = std::max(sleep, std::chrono::nanoseconds(0));
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(sleep);
    return timespec{.tv_sec = static_cast<time_t>(secs.count()),
                    .tv_nsec = static_cast<long>((sleep - secs).count())};
}

// The message a sequence advance announced. The length is the peer's word,
// so it is checked against the area before it bounds a view.
Result<ShmMessageView> read_published(std::byte* region, const DirectionFields& fields) noexcept {
    const std::uint64_t seq =
        live_field<std::uint64_t>(region, fields.seq).load(std::memory_order_acquire);
    const std::uint32_t length =
        live_field<std::uint32_t>(region, fields.len).load(std::memory_order_acquire);
    if (length > fields.area_capacity) {
        return fail(Errc::protocol_violation, "published SHM length exceeds the area");
    }
    // publish() never announces an empty message (a message has at least
    // its envelope header): a zero length is the peer's lie, not a message.
    if (length == 0) {
        return fail(Errc::protocol_violation, "published SHM length is zero");
    }
    return ShmMessageView{seq, wire::Bytes(region + fields.area_offset, length)};
}

// A region another server made is usable when its areas are 64-aligned,
// follow the header, do not overlap, lie inside the file, and can each hold
// a whole message at the negotiated ceiling (`needed`'s capacities).
Result<void> check_attached_geometry(const ShmGeometry& found, const ShmGeometry& needed) noexcept {
    const auto aligned = [](std::uint64_t value) { return value % shm_region_alignment == 0; };
    if (!aligned(found.request_offset) || !aligned(found.response_offset)
        || found.request_offset < shm_region_header_len
        || found.response_offset < shm_region_header_len) {
        return fail(Errc::bad_layout, "SHM region areas are misplaced");
    }
    const std::uint64_t request_end = std::uint64_t{found.request_offset} + found.request_capacity;
    const std::uint64_t response_end =
        std::uint64_t{found.response_offset} + found.response_capacity;
    if (found.request_offset < response_end && found.response_offset < request_end) {
        return fail(Errc::bad_layout, "SHM region areas overlap");
    }
    if (found.request_capacity < needed.request_capacity
        || found.response_capacity < needed.response_capacity) {
        return fail(Errc::bad_layout, "SHM region areas are smaller than the negotiated ceilings");
    }
    if (std::max(request_end, response_end) > found.region_size) {
        return fail(Errc::truncated, "SHM region file is shorter than its areas");
    }
    return {};
}

} // namespace

Result<ShmRegion> ShmRegion::create(const std::string& path, std::uint32_t request_payload_ceiling,
                                    std::uint32_t response_payload_ceiling,
                                    ShmWaitOptions options) noexcept {
    auto geometry = shm_geometry(request_payload_ceiling, response_payload_ceiling);
    if (!geometry) {
        return std::unexpected(geometry.error());
    }
    // 0600 is exact whatever the umask: a umask only removes bits.
    posix::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) {
        const int err = errno;
        if (err == EEXIST) {
            return fail(Errc::address_in_use, "an SHM region file already exists at the path", err);
        }
        return fail(Errc::os_error, "creating the SHM region file failed", err);
    }
    // From here on a failure must not leave the new file behind.
    auto abandon = [&](Error error) {
        fd.reset();
        (void)::unlink(path.c_str());
        return std::unexpected(error);
    };
    if (const int err = retry_fallocate(fd.get(), geometry->region_size); err != 0) {
        return abandon(Error{Errc::os_error, err,
                             "allocation stage: fallocate() could not reserve the SHM region"});
    }
    struct stat info{};
    if (::fstat(fd.get(), &info) != 0) {
        return abandon(Error{Errc::os_error, errno, "fstat() of the new SHM region failed"});
    }
    auto mapping = map_fd(fd.get(), geometry->region_size);
    if (!mapping) {
        return abandon(mapping.error());
    }
    auto guard = posix::SigbusGuardedRange::guard(mapping->get_address(), mapping->get_size());
    if (!guard) {
        return abandon(guard.error());
    }

    ShmRegion region;
    region.mapping_ = std::move(*mapping);
    region.guard_ = std::move(*guard);
    region.geometry_ = *geometry;
    region.options_ = options;
    region.owner_pid_ = ::getpid();
    region.owner_generation_ = new_owner_generation();
    region.device_ = info.st_dev;
    region.inode_ = info.st_ino;
    region.created_ = true;
    try {
        region.path_ = path;
    } catch (...) {
        return abandon(Error{Errc::os_error, ENOMEM, "no memory for the SHM region path"});
    }
    region.owns_file_ = true; // the destructor now removes the file on failure paths

    // fallocate() already gives zeros; zeroing anyway keeps the "all live
    // fields start at zero" guarantee independent of the filesystem.
    std::memset(region.base(), 0, static_cast<std::size_t>(geometry->region_size));
    ShmRegionHeader header{};
    header.owner_pid = static_cast<std::uint32_t>(region.owner_pid_);
    header.owner_generation = region.owner_generation_;
    header.request_offset = geometry->request_offset;
    header.request_capacity = geometry->request_capacity;
    header.response_offset = geometry->response_offset;
    header.response_capacity = geometry->response_capacity;
    // No peer has the region yet (clients attach after the handshake), so the
    // live fields may be written plainly here; they are all zero.
    // No fence is needed to publish the header: a client learns of the region
    // only through the handshake on the baseline socket, and those system
    // calls order these stores before its attach().
    wire::encode_unchecked(header, region.base());
    if (region.poisoned()) {
        return fail(Errc::truncated, "the SHM region file was truncated while it was set up");
    }
    return region;
}

Result<ShmRegion> ShmRegion::attach(const std::string& path, std::uint32_t request_payload_ceiling,
                                    std::uint32_t response_payload_ceiling,
                                    ShmWaitOptions options) noexcept {
    auto geometry = shm_geometry(request_payload_ceiling, response_payload_ceiling);
    if (!geometry) {
        return std::unexpected(geometry.error());
    }
    posix::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd) {
        const int err = errno;
        if (err == ENOENT) {
            return fail(Errc::not_found, "no SHM region file at the path", err);
        }
        return fail(Errc::os_error, "opening the SHM region file failed", err);
    }
    struct stat info{};
    if (::fstat(fd.get(), &info) != 0) {
        return fail(Errc::os_error, "fstat() of the SHM region failed", errno);
    }
    if (!S_ISREG(info.st_mode)) {
        return fail(Errc::bad_layout, "the SHM region path is not a regular file");
    }
    const auto file_size = static_cast<std::uint64_t>(info.st_size);
    if (file_size < shm_region_header_len) {
        return fail(Errc::not_found, "SHM region not ready: shorter than its header");
    }
    // Map the whole file: the header, not our own arithmetic, says where the
    // areas are. Reference servers size regions from their configured
    // maximums before the handshake, so a region may be larger than the
    // negotiated ceilings need; it only has to be large enough.
    auto mapping = map_fd(fd.get(), file_size);
    if (!mapping) {
        return std::unexpected(mapping.error());
    }
    auto guard = posix::SigbusGuardedRange::guard(mapping->get_address(), mapping->get_size());
    if (!guard) {
        return std::unexpected(guard.error());
    }

    // Decode the write-once prefix only: the live half may be changing under
    // atomic updates, so it must not be read plainly. The layout engine
    // decodes the prefix followed by zeros.
    std::array<std::byte, shm_region_header_len> header_bytes{};
    const auto* mapped = static_cast<const std::byte*>(mapping->get_address());
    std::memcpy(header_bytes.data(), mapped, shm_offsets::live_fields);
    if (guard->poisoned()) {
        return fail(Errc::truncated, "the SHM region file was truncated while it was attached");
    }
    if (wire::load<std::uint32_t>(header_bytes.data()) == 0) {
        return fail(Errc::not_found, "SHM region not ready: header not written yet");
    }
    auto header = wire::decode<ShmRegionHeader>(header_bytes);
    if (!header) {
        return std::unexpected(header.error());
    }
    const ShmGeometry found{header->request_offset, header->request_capacity,
                            header->response_offset, header->response_capacity, file_size};
    if (auto usable = check_attached_geometry(found, *geometry); !usable) {
        return std::unexpected(usable.error());
    }

    ShmRegion region;
    region.mapping_ = std::move(*mapping);
    region.guard_ = std::move(*guard);
    region.geometry_ = found;
    region.options_ = options;
    region.owner_pid_ = static_cast<pid_t>(header->owner_pid);
    region.owner_generation_ = header->owner_generation;
    try {
        region.path_ = path;
    } catch (...) {
        return fail(Errc::os_error, "no memory for the SHM region path", ENOMEM);
    }
    return region;
}

ShmRegion::ShmRegion(ShmRegion&& other) noexcept
    : mapping_(std::move(other.mapping_)),
      guard_(std::move(other.guard_)),
      geometry_(other.geometry_),
      options_(other.options_),
      path_(std::move(other.path_)),
      owner_pid_(other.owner_pid_),
      owner_generation_(other.owner_generation_),
      device_(other.device_),
      inode_(other.inode_),
      created_(other.created_),
      owns_file_(std::exchange(other.owns_file_, false)) {}

ShmRegion& ShmRegion::operator=(ShmRegion&& other) noexcept {
    if (this != &other) {
        unlink();
        guard_ = std::move(other.guard_); // released before the old range is unmapped
        mapping_ = std::move(other.mapping_);
        geometry_ = other.geometry_;
        options_ = other.options_;
        path_ = std::move(other.path_);
        owner_pid_ = other.owner_pid_;
        owner_generation_ = other.owner_generation_;
        device_ = other.device_;
        inode_ = other.inode_;
        created_ = other.created_;
        owns_file_ = std::exchange(other.owns_file_, false);
    }
    return *this;
}

ShmRegion::~ShmRegion() {
    unlink();
}

void ShmRegion::unlink() noexcept {
    if (!owns_file_) {
        return;
    }
    owns_file_ = false;
    // A later server may have replaced the file after stale recovery judged
    // ours dead; only remove the inode we created. (A replacement between
    // this lstat and unlink cannot be excluded with POSIX calls.)
    struct stat info{};
    if (::lstat(path_.c_str(), &info) == 0 && info.st_dev == device_ && info.st_ino == inode_) {
        (void)::unlink(path_.c_str());
    }
}

wire::MutableBytes ShmRegion::area(ShmDirection direction) const noexcept {
    const auto fields = fields_of(geometry_, direction);
    return {base() + fields.area_offset, fields.area_capacity};
}

std::uint64_t ShmRegion::sequence(ShmDirection direction) const noexcept {
    const auto fields = fields_of(geometry_, direction);
    return live_field<std::uint64_t>(base(), fields.seq).load(std::memory_order_acquire);
}

Result<std::uint64_t> ShmRegion::publish(ShmDirection direction, wire::Bytes message) noexcept {
    const std::array<wire::Bytes, 1> pieces{message};
    return publish(direction, pieces);
}

Result<std::uint64_t> ShmRegion::publish(ShmDirection direction,
                                         std::span<const wire::Bytes> pieces) noexcept {
    const auto fields = fields_of(geometry_, direction);
    std::size_t size = 0;
    for (const wire::Bytes piece : pieces) {
        size += piece.size();
    }
    if (size == 0) {
        return fail(Errc::invalid_argument, "an SHM message cannot be empty");
    }
    if (size > fields.area_capacity) {
        return fail(Errc::limit_exceeded, "message larger than the SHM area");
    }
    std::byte* region = base();
    std::byte* cursor = region + fields.area_offset;
    for (const wire::Bytes piece : pieces) {
        // A piece built in place (area()) is already where it belongs;
        // memmove, not memcpy, for a caller's piece that overlaps the area.
        if (!piece.empty() && piece.data() != cursor) {
            std::memmove(cursor, piece.data(), piece.size());
        }
        cursor += piece.size();
    }
    live_field<std::uint32_t>(region, fields.len)
        .store(static_cast<std::uint32_t>(size), std::memory_order_release);
    // One publisher per direction (the single in-flight rule), so plain
    // release stores of the incremented values suffice: a locked
    // read-modify-write would only add a full barrier to every publish.
    const auto seq_field = live_field<std::uint64_t>(region, fields.seq);
    const std::uint64_t seq = seq_field.load(std::memory_order_relaxed) + 1;
    seq_field.store(seq, std::memory_order_release);
    const auto signal_field = live_field<std::uint32_t>(region, fields.signal);
    signal_field.store(signal_field.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    futex_wake_one(reinterpret_cast<std::uint32_t*>(region + fields.signal));
    return seq;
}

Result<ShmMessageView> ShmRegion::wait(ShmDirection direction, std::uint64_t last_seen_seq,
                                       Deadline deadline, const AbortSignal* abort,
                                       AdaptiveSpin* pacing) const noexcept {
    const auto fields = fields_of(geometry_, direction);
    std::byte* region = base();
    const auto seq_field = live_field<std::uint64_t>(region, fields.seq);
    const auto signal_field = live_field<std::uint32_t>(region, fields.signal);
    auto* signal_word = reinterpret_cast<std::uint32_t*>(region + fields.signal);

    // The server is the region's owner; only a client can outlive it.
    const bool watch_owner = !created_ && owner_pid_ > 0;
    const auto slice = sleep_slice(options_, abort != nullptr, watch_owner);
    bool slept_out = false; // the last futex sleep ran its whole timeout

    // Every message this wait returns is an arrival the pacing learns from.
    auto how = AdaptiveSpin::Arrival::spinning;
    auto arrived = [&] {
        if (pacing != nullptr) {
            pacing->arrived(AdaptiveSpin::Clock::now(), how);
        }
        return read_published(region, fields);
    };

    if (abort != nullptr && abort->raised()) {
        return fail(Errc::aborted, "the abort signal is raised");
    }
    if (spin(seq_field, last_seen_seq, options_.spin_tries)) {
        return arrived();
    }
    // A busy session: keep spinning, so the next message finds this side
    // awake (see transports/adaptive_spin.h).
    if (const auto budget = pacing != nullptr ? pacing->budget() : std::chrono::nanoseconds{};
        pacing != nullptr && budget > std::chrono::nanoseconds::zero()) {
        auto spin_end = AdaptiveSpin::Clock::now() + budget;
        if (!deadline.is_never()) {
            spin_end = std::min(spin_end, deadline.when()); // never spin past the deadline
        }
        how = AdaptiveSpin::Arrival::extended_spin;
        switch (spin_until(seq_field, last_seen_seq, spin_end, abort)) {
            case SpinOutcome::published:
                return arrived();
            case SpinOutcome::aborted:
                return fail(Errc::aborted, "the abort signal is raised");
            case SpinOutcome::ran_out:
                pacing->missed();
                break;
        }
    }
    how = AdaptiveSpin::Arrival::after_sleep;
    if (pacing != nullptr) {
        pacing->sleeping_since(AdaptiveSpin::Clock::now());
    }
    for (;;) {
        // Read the futex word before the final sequence check: a publish
        // after this read changes the word, so FUTEX_WAIT returns at once
        // instead of sleeping through it.
        const std::uint32_t signal = signal_field.load(std::memory_order_acquire);
        if (seq_field.load(std::memory_order_acquire) != last_seen_seq) {
            return arrived();
        }
        if (abort != nullptr && abort->raised()) {
            return fail(Errc::aborted, "the abort signal is raised");
        }
        // Only after a sleep ran out: a wait that messages end never pays
        // for the check (it is a syscall).
        if (watch_owner && slept_out && !process_alive(owner_pid_)) {
            return fail(Errc::disconnected, "the SHM region's owner process is gone", ESRCH);
        }
        if (deadline.expired()) {
            return fail(Errc::timeout, "no SHM message before the deadline");
        }

        auto timeout = futex_timeout(deadline, slice);
        const int err = futex_wait(signal_word, signal, timeout ? &*timeout : nullptr);
        if (err != 0 && err != EAGAIN && err != EINTR && err != ETIMEDOUT) {
            return fail(Errc::os_error, "futex wait on the SHM region failed", err);
        }
        slept_out = err == ETIMEDOUT;
    }
}

} // namespace netipc::transports
