// The netipc error model: every failure a caller can meet has a named
// category (Errc), carried in an Error together with the OS errno when one
// exists and a short static description of the precise cause.
//
// No exceptions are thrown for peer, transport or validation failures; every
// fallible operation returns Result<T> (std::expected<T, Error>).
#pragma once

#include <expected>
#include <string>
#include <system_error>

namespace netipc {

// Categories a caller can switch on. Grouped by where they arise; the
// predicates below answer the common questions ("is this the peer's fault?").
enum class Errc : int {
    // --- malformed bytes (decoders, validators) ---
    truncated = 1,      // input shorter than a fixed layout or a declared length
    bad_magic,          // magic number is not the expected one
    bad_version,        // envelope version is not supported
    bad_header_len,     // header_len is not 32
    bad_kind,           // message kind outside REQUEST/RESPONSE/CONTROL
    bad_layout,         // payload layout_version (or fixed offset) not recognised
    reserved_not_zero,  // a reserved or padding field carries non-zero bytes
    bad_alignment,      // an item offset is not a multiple of 8
    out_of_bounds,      // an offset + length falls outside its area
    missing_nul,        // a string is not followed by its NUL terminator
    overlapping_fields, // two variable-length fields share bytes
    bad_item_count,     // an item count is inconsistent with the bytes present
    bad_chunk,          // chunk continuation header breaks a chunking rule
    protocol_violation, // any other breach of the protocol state machine
    bad_status,         // a status or enum field holds a value its specification does not list
    bad_field,          // a field breaks a value rule (tied to a status or a length limit)
    // --- negotiated limits and local capacity ---
    limit_exceeded, // a peer's message or answer: over the negotiated or its own limits
    overflow,       // a builder or buffer ran out of room
    // a message this side was about to send does not fit the session's
    // limits (or the client's growth cap): nothing was sent
    message_too_large,
    // --- handshake outcomes ---
    auth_failed,
    unsupported,     // no mutually supported profile, or unknown method
    incompatible,    // version or limit negotiation failed
    shm_unavailable, // SHM was negotiated but cannot be attached: reconnect without it
    // --- session and OS ---
    not_found,      // no endpoint at the given name
    address_in_use, // a live peer already owns the endpoint
    disconnected,   // the peer closed the session
    not_ready,      // a Level 2 client is not connected: call refresh() first
    timeout,
    aborted,
    invalid_argument, // the caller passed something the API rejects
    os_error,         // a system call failed; see Error::sys_errno
    internal,         // a bug or an unrecoverable peer-side failure
};

// The std::error_category for Errc, so Errc interoperates with
// std::error_code and std::system_error where callers want that.
const std::error_category& error_category() noexcept;
std::error_code make_error_code(Errc code) noexcept;

// Short, stable, human-readable name of a category ("truncated", ...).
const char* to_string(Errc code) noexcept;

// True for categories that mean "the peer sent bytes that break the
// protocol": the session must be terminated.
constexpr bool is_protocol_error(Errc code) noexcept {
    return code >= Errc::truncated && code <= Errc::limit_exceeded;
}

struct Error {
    Errc code = Errc::internal;
    // errno of the failing system call, 0 when the failure is not an OS one.
    int sys_errno = 0;
    // A static string naming the exact cause ("snapshot item name lacks NUL").
    // Never owned, so building an Error never allocates.
    const char* detail = "";

    friend bool operator==(const Error& a, const Error& b) noexcept { return a.code == b.code; }
    friend bool operator==(const Error& e, Errc c) noexcept { return e.code == c; }

    // "category: detail (strerror)" for logs and command-line tools.
    [[nodiscard]] std::string message() const;
};

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for the failing branch: `return fail(Errc::truncated, "why");`.
//
// Cold on purpose: the compiler then treats every branch that ends in a
// fail() as unlikely and moves it out of the hot path (to the function's
// .cold part), so the code a successful call runs stays contiguous. A
// round trip's own work is small next to the context switches around it,
// and after each switch its code comes back from L2 line by line: fewer,
// denser lines are what makes it cheaper (docs/performance.md).
[[gnu::cold]] inline std::unexpected<Error> fail(Errc code, const char* detail = "",
                                                 int sys_errno = 0) noexcept {
    return std::unexpected<Error>(Error{code, sys_errno, detail});
}

} // namespace netipc

template <>
struct std::is_error_code_enum<netipc::Errc> : std::true_type {};
