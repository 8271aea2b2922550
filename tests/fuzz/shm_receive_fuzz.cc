// Fuzz target: the SHM receive path fed arbitrary region contents.
//
// One real region is created once (ShmRegion::create in a private temporary
// directory) and kept, as a server keeps its session's region. Each input
// overwrites the whole file (header and both areas; the input's bytes from
// offset 0, zeros after them; the size never changes, so nothing faults),
// then
//   - the server side receives a request: wait() on the region it created,
//     whose geometry it fixed at creation and never re-reads;
//   - a client attaches to the same file (attach() validates the header
//     against the geometry both peers derive from the ceilings) and, when it
//     may, receives a response.
// Both waits have an expired deadline, so they return at once.
//
// Invariants (a model written from the POSIX SHM specification, docs/
// level1-posix-shm.md, plain memcpy reads): attach() accepts exactly the
// headers the model accepts, else fails with the model's category; a wait
// returns a message exactly when the direction's sequence moved (else a
// timeout), refuses a published length of zero or beyond the area with
// Errc::protocol_violation, and otherwise returns exactly the area's first
// `length` bytes. ASan/UBSan watch every access.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "netipc/posix/unique_fd.h"
#include "tests/fuzz/fuzz_support.h"
#include "transports/posix/shm_region.h"

using namespace netipc;
using transports::ShmDirection;
using transports::ShmGeometry;
using transports::ShmRegion;

namespace {

constexpr std::uint32_t request_ceiling = 64;
constexpr std::uint32_t response_ceiling = 96;

// The temporary directory, its region (the server's), and a descriptor to
// overwrite the file with. Torn down at exit.
class Fixture {
public:
    Fixture() {
        std::string pattern = "/tmp/netipc-shm-fuzz-XXXXXX";
        NETIPC_FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr);
        dir_ = pattern;
        path_ = dir_ + "/fuzz-0000000000000001.ipcshm";
        auto region = ShmRegion::create(path_, request_ceiling, response_ceiling);
        NETIPC_FUZZ_CHECK(region.has_value());
        region_.emplace(std::move(*region));
        file_ = posix::UniqueFd(::open(path_.c_str(), O_RDWR | O_CLOEXEC));
        NETIPC_FUZZ_CHECK(file_.get() >= 0);
    }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;
    ~Fixture() {
        region_.reset(); // unlinks the file
        file_.reset();
        (void)::rmdir(dir_.c_str());
    }

    [[nodiscard]] const ShmRegion& region() const { return *region_; }
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] int file() const { return file_.get(); }

private:
    std::string dir_;
    std::string path_;
    std::optional<ShmRegion> region_;
    posix::UniqueFd file_;
};

Fixture& fixture() {
    static Fixture instance;
    return instance;
}

Deadline expired() {
    return Deadline::at(Deadline::Clock::now() - std::chrono::seconds(1));
}

// What attach() must say of a file with these contents.
std::optional<Errc> judge_attach(wire::Bytes file, const ShmGeometry& needed) {
    if (fuzz::read_at<std::uint32_t>(file, 0) == 0) {
        return Errc::not_found; // header not written yet
    }
    if (fuzz::read_at<std::uint32_t>(file, 0) != 0x4e53484dU) {
        return Errc::bad_magic;
    }
    if (fuzz::read_at<std::uint16_t>(file, 4) != 3) {
        return Errc::bad_version;
    }
    if (fuzz::read_at<std::uint16_t>(file, 6) != 64) {
        return Errc::bad_header_len;
    }
    const std::uint64_t request_offset = fuzz::read_at<std::uint32_t>(file, 16);
    const std::uint64_t request_capacity = fuzz::read_at<std::uint32_t>(file, 20);
    const std::uint64_t response_offset = fuzz::read_at<std::uint32_t>(file, 24);
    const std::uint64_t response_capacity = fuzz::read_at<std::uint32_t>(file, 28);
    if (request_offset % 64 != 0 || response_offset % 64 != 0 || request_offset < 64
        || response_offset < 64) {
        return Errc::bad_layout;
    }
    const std::uint64_t request_end = request_offset + request_capacity;
    const std::uint64_t response_end = response_offset + response_capacity;
    if (request_offset < response_end && response_offset < request_end) {
        return Errc::bad_layout; // the areas overlap
    }
    if (request_capacity < needed.request_capacity
        || response_capacity < needed.response_capacity) {
        return Errc::bad_layout;
    }
    if (std::max(request_end, response_end) > file.size()) {
        return Errc::truncated;
    }
    return std::nullopt;
}

// A wait from sequence 0 on `direction`, areas where `geometry` says,
// against the file's bytes.
void check_wait(const ShmRegion& region, ShmDirection direction, wire::Bytes file) {
    const bool request = direction == ShmDirection::request;
    const ShmGeometry& geometry = region.geometry();
    const auto seq = fuzz::read_at<std::uint64_t>(file, request ? 32 : 40);
    const auto length = fuzz::read_at<std::uint32_t>(file, request ? 48 : 52);
    const std::size_t offset = request ? geometry.request_offset : geometry.response_offset;
    const std::size_t capacity = request ? geometry.request_capacity : geometry.response_capacity;

    auto message = region.wait(direction, 0, expired());
    if (seq == 0) {
        NETIPC_FUZZ_CHECK(!message && message.error().code == Errc::timeout);
        return;
    }
    if (length == 0 || length > capacity) {
        NETIPC_FUZZ_CHECK(!message && message.error().code == Errc::protocol_violation);
        return;
    }
    NETIPC_FUZZ_CHECK(message.has_value());
    NETIPC_FUZZ_CHECK(message->seq == seq);
    NETIPC_FUZZ_CHECK(message->message.size() == length);
    NETIPC_FUZZ_CHECK(std::memcmp(message->message.data(), file.data() + offset, length) == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Fixture& f = fixture();
    const ShmGeometry& created = f.region().geometry();
    std::vector<std::byte> contents(created.region_size);
    std::memcpy(contents.data(), data, std::min<std::size_t>(size, contents.size()));
    NETIPC_FUZZ_CHECK(::pwrite(f.file(), contents.data(), contents.size(), 0)
                      == static_cast<ssize_t>(contents.size()));
    const wire::Bytes file(contents);

    check_wait(f.region(), ShmDirection::request, file);

    auto attached = ShmRegion::attach(f.path(), request_ceiling, response_ceiling);
    const auto expected = judge_attach(file, created);
    if (expected) {
        NETIPC_FUZZ_CHECK(!attached.has_value());
        NETIPC_FUZZ_CHECK(attached.error().code == *expected);
        return 0;
    }
    NETIPC_FUZZ_CHECK(attached.has_value());
    NETIPC_FUZZ_CHECK(!attached->is_owner());
    check_wait(*attached, ShmDirection::response, file);
    return 0;
}
