#!/bin/bash
# Smoke run of one libFuzzer binary (bazel test --config=fuzz, tag
# fuzz_smoke): seed a fresh corpus from the reference vectors, fuzz for a
# few seconds, fail on any crash, sanitizer report or invariant violation.
#
# Usage: fuzz_smoke.sh FUZZER_BINARY SEED_TOOL REGRESSIONS_DIR CORPUS_DIR [EXTRA_LIBFUZZER_FLAGS...]
# REGRESSIONS_DIR and CORPUS_DIR (the campaign's kept corpus) may be missing.
set -euo pipefail

fuzzer="$1"
seed_tool="$2"
regressions="$3"
kept_corpus="$4"
shift 4

work_dir="$(mktemp -d "${TEST_TMPDIR:-/tmp}/fuzz_smoke.XXXXXX")"
trap 'rm -rf "$work_dir"' EXIT
corpus="$work_dir/corpus"
mkdir -p "$corpus"

"$seed_tool" "$corpus"
# Past findings join the corpus: here they run under ASan and UBSan, which
# the default-config replay test does not have.
# So does what the last campaign kept (tests/fuzz/campaign.sh).
for kept in "$regressions" "$kept_corpus"; do
    if [[ -d "$kept" ]]; then
        find -L "$kept" -type f -exec cp -L {} "$corpus"/ \;
    fi
done

# Crash inputs go to the test's undeclared outputs (kept by Bazel under
# bazel-testlogs/.../test.outputs), so a failure can be reproduced.
artifacts="${TEST_UNDECLARED_OUTPUTS_DIR:-$work_dir}/"

"$fuzzer" "$corpus" \
    -max_total_time=4 \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts" \
    "$@"
