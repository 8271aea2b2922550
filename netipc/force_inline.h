// NETIPC_FORCE_INLINE marks the few functions on a round trip's hot path
// that g++ leaves out of line on its own, where a call frame and a Result
// returned through memory cost more than the function's work (see
// docs/performance.md, "Where the UDS gap comes from").
//
// Under --config=coverage_gcov (which defines NETIPC_COVERAGE_BUILD) it
// marks nothing: that build is -O0, where forcing inlining pastes a copy of
// the function into every caller, and gcov then counts each copy's branches
// as branches of their own, so the report would measure the inlining rather
// than the tests.
#pragma once

// NETIPC_FORCE_INLINE_LAMBDA goes between a lambda's parameter list and its
// body, for the per-field lambdas of the wire layouts: once their caller
// has grown past g++'s inlining budget (a batch loop with everything in
// it forced inline), g++ leaves each of them out of line, a call per field
// of every item.

#if defined(NETIPC_COVERAGE_BUILD)
#define NETIPC_FORCE_INLINE
#define NETIPC_FORCE_INLINE_LAMBDA
#else
#define NETIPC_FORCE_INLINE [[gnu::always_inline]]
#define NETIPC_FORCE_INLINE_LAMBDA __attribute__((always_inline))
#endif
