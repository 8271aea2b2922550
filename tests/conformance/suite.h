// The transport conformance suite: one set of test cases, written once,
// that every transport must pass. An instantiation is one test binary:
//
//   #include "tests/conformance/suite.h"
//   struct MyFixture { ... };                  // see fixture.h
//   NETIPC_CONFORMANCE_SUITE(MyFixture, "[my-transport]")
//
// which registers every case below for MyFixture, tagged
// [conformance][transport|session|level2|lookup] plus the given tag. The
// bodies live in transport_suite.h, session_suite.h, level2_suite.h and
// lookup_suite.h, one function per rule, each saying which rule it checks.
#pragma once

#include "tests/conformance/fixture.h"
#include "tests/conformance/level2_suite.h"
#include "tests/conformance/lookup_suite.h"
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

#define NETIPC_LEVEL2_CONFORMANCE(FIXTURE, TAG)                                                 \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][level2]" TAG,                               \
                            "level 2: a client calls a managed server at its address()",        \
                            ::netipc::conformance::level2_calls)                                \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][level2]" TAG,                               \
                            "level 2: stop() returns with idle clients, whose calls then fail", \
                            ::netipc::conformance::level2_stop_with_idle_clients)

#define NETIPC_LOOKUP_CONFORMANCE(FIXTURE, TAG)                                                \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: many paths, one answer each, in order",                   \
                            ::netipc::conformance::lookup_many_paths)                          \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: PAYLOAD_EXCEEDED items are asked again and stitched",     \
                            ::netipc::conformance::lookup_split_by_response_ceiling)           \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: an OVERSIZED_ITEM stays, the others are answered",        \
                            ::netipc::conformance::lookup_oversized_item)                      \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: long paths grow the request ceiling or become oversized", \
                            ::netipc::conformance::lookup_long_paths)                          \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: no keys still make one round trip",                       \
                            ::netipc::conformance::lookup_empty)                               \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: many pids over a small response ceiling",                 \
                            ::netipc::conformance::lookup_apps_split)                          \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: an answer that does not echo its keys fails the call",    \
                            ::netipc::conformance::lookup_wrong_echo_fails)                    \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: a generation change between cycles fails the call",       \
                            ::netipc::conformance::lookup_generation_change_fails)             \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: an unlisted status fails the call",                       \
                            ::netipc::conformance::lookup_unknown_status_fails)

#define NETIPC_CONFORMANCE_SUITE(FIXTURE, TAG) \
    NETIPC_TRANSPORT_CONFORMANCE(FIXTURE, TAG) \
    NETIPC_SESSION_CONFORMANCE(FIXTURE, TAG)   \
    NETIPC_LEVEL2_CONFORMANCE(FIXTURE, TAG)    \
    NETIPC_LOOKUP_CONFORMANCE(FIXTURE, TAG)
// NOLINTEND(cppcoreguidelines-macro-usage, bugprone-macro-parentheses)
