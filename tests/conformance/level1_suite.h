// The Level 1 half of the conformance suite (transport_suite.h and
// session_suite.h): the cases that need nothing above sessions, so they build
// wherever the transport does. suite.h adds the Level 2 and lookup cases,
// which need the platform's default transport for the built-in services.
//
//   #include "tests/conformance/level1_suite.h"
//   struct MyFixture { ... };                  // see fixture.h
//   NETIPC_LEVEL1_CONFORMANCE_SUITE(MyFixture, "[my-transport]")
#pragma once

#include "tests/conformance/fixture.h"
#include "tests/conformance/session_suite.h"
#include "tests/conformance/transport_suite.h"

// Test-case registration has to be a macro (Catch2's TEST_CASE is one); BODY
// is a template name, which cannot be parenthesised.
// NOLINTBEGIN(cppcoreguidelines-macro-usage, bugprone-macro-parentheses)
#define NETIPC_CONFORMANCE_CASE(FIXTURE, TAGS, NAME, BODY)      \
    TEST_CASE(NAME, TAGS) {                                     \
        static_assert(::netipc::conformance::Fixture<FIXTURE>); \
        BODY<FIXTURE>();                                        \
    }

#define NETIPC_TRANSPORT_CONFORMANCE(FIXTURE, TAG)                                                \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: single and gathered pieces round trip",                   \
                            ::netipc::conformance::round_trip)                                    \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: a packet of the largest size arrives whole",              \
                            ::netipc::conformance::largest_packet)                                \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: packet boundaries are kept",                              \
                            ::netipc::conformance::packet_boundaries)                             \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: a packet larger than the buffer is a protocol violation", \
                            ::netipc::conformance::oversized_packet)                              \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: waits end with timeout at their deadline",                \
                            ::netipc::conformance::timeouts)                                      \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: an abort raised before a wait wins",                      \
                            ::netipc::conformance::abort_before_wait)                             \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: an abort from another thread ends a wait",                \
                            ::netipc::conformance::abort_during_wait)                             \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: a peer close is seen on receive",                         \
                            ::netipc::conformance::peer_close_on_receive)                         \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: a peer close is seen on send",                            \
                            ::netipc::conformance::peer_close_on_send)                            \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: interrupt() from another thread wakes a receive",         \
                            ::netipc::conformance::interrupt_wakes_receive)                       \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: a closed listener refuses connects and accepts",          \
                            ::netipc::conformance::listener_close)                                \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][transport]" TAG,                              \
                            "transport: the listener's address() is where clients connect",       \
                            ::netipc::conformance::listener_address)

#define NETIPC_SESSION_CONFORMANCE(FIXTURE, TAG)                                    \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][session]" TAG,                  \
                            "session: a typed INCREMENT call",                      \
                            ::netipc::conformance::session_increment)               \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][session]" TAG,                  \
                            "session: a typed STRING_REVERSE call",                 \
                            ::netipc::conformance::session_string_reverse)          \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][session]" TAG,                  \
                            "session: a batch of several items",                    \
                            ::netipc::conformance::session_batch)                   \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][session]" TAG,                  \
                            "session: messages larger than a packet are chunked",   \
                            ::netipc::conformance::session_chunked)                 \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][session][large]" TAG,           \
                            "session: a 4 MiB message crosses",                     \
                            ::netipc::conformance::session_big_message)             \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][session]" TAG,                  \
                            "session: a call nobody answers times out",             \
                            ::netipc::conformance::session_timeout)                 \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][session]" TAG,                  \
                            "session: an abort from another thread ends a call",    \
                            ::netipc::conformance::session_abort)                   \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][session]" TAG,                  \
                            "session: a peer close ends a call",                    \
                            ::netipc::conformance::session_peer_close)              \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][session]" TAG,                  \
                            "session: interrupt() from another thread ends a call", \
                            ::netipc::conformance::session_interrupt)

#define NETIPC_LEVEL1_CONFORMANCE_SUITE(FIXTURE, TAG) \
    NETIPC_TRANSPORT_CONFORMANCE(FIXTURE, TAG)        \
    NETIPC_SESSION_CONFORMANCE(FIXTURE, TAG)
// NOLINTEND(cppcoreguidelines-macro-usage, bugprone-macro-parentheses)
