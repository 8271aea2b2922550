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

#include "tests/conformance/level1_suite.h"
#include "tests/conformance/level2_suite.h"
#include "tests/conformance/lookup_suite.h"

// NOLINTBEGIN(cppcoreguidelines-macro-usage, bugprone-macro-parentheses)
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
                            ::netipc::conformance::lookup_unknown_status_fails)                \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: the client's own ceilings fail the call as overflow",     \
                            ::netipc::conformance::lookup_client_ceilings)                     \
    NETIPC_CONFORMANCE_CASE(FIXTURE, "[conformance][lookup]" TAG,                              \
                            "lookup: answers that make no progress fail the call",             \
                            ::netipc::conformance::lookup_broken_progress_fails)

#define NETIPC_CONFORMANCE_SUITE(FIXTURE, TAG)    \
    NETIPC_LEVEL1_CONFORMANCE_SUITE(FIXTURE, TAG) \
    NETIPC_LEVEL2_CONFORMANCE(FIXTURE, TAG)       \
    NETIPC_LOOKUP_CONFORMANCE(FIXTURE, TAG)
// NOLINTEND(cppcoreguidelines-macro-usage, bugprone-macro-parentheses)
