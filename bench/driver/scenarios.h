// Every subcommand of the driver, one function each; main.cc maps the
// names onto them. Each returns the process's exit status.
#pragma once

#include <cstdint>

#include "bench/driver/args.h"
#include "bench/driver/bench_config.h"
#include "bench/driver/raw_message.h"

namespace netipc::bench::driver {

// INCREMENT: one server serves both ping-pong and batches (the managed
// server dispatches a batch item by item).
int serve_increment(const ServerArgs& args, Plane plane);
int run_increment_client(const ClientArgs& args, Plane plane);
int run_increment_batch_client(const ClientArgs& args, Plane plane);

// CGROUPS_SNAPSHOT, 16 items.
int serve_snapshot(const ServerArgs& args, Plane plane);
int run_snapshot_client(const ClientArgs& args, Plane plane);

// Pipelines over the baseline socket, against the UDS INCREMENT server.
int run_pipeline_client(const ClientArgs& args);
int run_pipeline_batch_client(const ClientArgs& args);

// The Level 3 cache lookup, in process.
int run_lookup_bench(std::uint32_t duration_s);

// The cross-process ceilings: no library code. `scenario` (raw_message.h)
// says what they move: single INCREMENT messages or batches.
int serve_raw_uds(const ServerArgs& args, const RawScenario& scenario);
int run_raw_uds_client(const ClientArgs& args, const RawScenario& scenario);
int serve_raw_shm(const ServerArgs& args, const RawScenario& scenario);
int run_raw_shm_client(const ClientArgs& args, const RawScenario& scenario);

} // namespace netipc::bench::driver
