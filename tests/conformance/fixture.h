// What one instantiation of the conformance suite provides, and what the
// suite's test bodies share.
//
// A fixture names the transport under test and makes addresses for it. The
// suite default-constructs one per test case (so it may own a temporary run
// directory) and asks it for as many fresh addresses as the test needs:
//
//   struct UdsFixture {
//       using Transport = transports::UdsSeqpacket;
//       static constexpr bool data_plane = false;  // sessions stay on the connection
//       testing::TempRunDir dir;
//       int next = 0;
//       Transport::Address address() { return dir.address("svc-" + std::to_string(next++)); }
//   };
//
//   F::Transport        the Transport under test
//   F::data_plane       true when sessions over it must move to a negotiated
//                       data plane (the SHM hybrid): the suite checks that
//                       they did, so a data-plane test cannot silently run on
//                       the connection instead
//   fixture.address()   an address nobody listens on yet. It may have
//                       wildcard parts (TCP port 0): the suite always
//                       connects to what the listener's address() reports
#pragma once

#include <chrono>
#include <concepts>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "netipc/concepts/transport.h"
#include "netipc/deadline.h"
#include "netipc/error.h"
#include "netipc/wire/bytes.h"
#include "tests/support/result_assertions.h"

namespace netipc::conformance {

template <class F>
concept Fixture =
    std::default_initializable<F> && Transport<typename F::Transport> && requires(F& fixture) {
        { F::data_plane } -> std::convertible_to<bool>;
        { fixture.address() } -> std::convertible_to<typename F::Transport::Address>;
    };

using namespace std::chrono_literals;

// The bound of every wait that is expected to end for another reason: it
// only turns a broken transport into a failure instead of a hang.
inline Deadline soon() {
    return Deadline::after(30s);
}

// A wait that is meant to expire. Only the error it ends with is checked,
// never how long it took.
inline constexpr std::chrono::milliseconds short_wait{50};

inline constexpr std::uint32_t kib = 1024;
inline constexpr std::uint32_t mib = 1024 * kib;

inline wire::Bytes bytes_of(std::string_view text) {
    return wire::as_bytes(text.data(), text.size());
}

inline std::string_view text_of(wire::Bytes bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline std::string alphabet(std::size_t length) {
    std::string text(length, ' ');
    for (std::size_t i = 0; i < length; ++i) {
        text[i] = static_cast<char>('a' + i % 26);
    }
    return text;
}

inline std::string reversed(std::string_view text) {
    return {text.rbegin(), text.rend()};
}

} // namespace netipc::conformance
