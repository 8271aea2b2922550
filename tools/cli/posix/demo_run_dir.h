// The demo's run directory on POSIX: the tests' private temporary directory
// (mkdtemp, 0700, short enough for socket paths), removed with everything
// in it. Seen as "tools/cli/demo_run_dir.h" (tools/BUILD.bazel).
#pragma once

#include "tests/support/temp_run_dir.h"

namespace netipc::cli {

using DemoRunDir = testing::TempRunDir;

} // namespace netipc::cli
