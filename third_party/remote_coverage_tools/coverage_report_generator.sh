#!/usr/bin/env bash
# Stub: `bazel coverage` is unavailable offline. Use --config=coverage_gcov and gcovr.
echo "coverage unavailable: use ./bazelw test --config=coverage_gcov and gcovr" >&2
exit 1
