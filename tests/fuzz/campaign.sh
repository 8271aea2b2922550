#!/bin/bash
# A fuzz campaign over every target in tests/fuzz: MINUTES of libFuzzer
# each (clang-19, ASan + UBSan, --config=fuzz), one after another, starting
# from the corpus kept in the repository (tests/fuzz/corpus/NAME/) plus the
# vector seeds and regressions/NAME/*. Afterwards each corpus is minimised
# with -merge=1 and written back, so the next campaign starts where this one
# ended; commit tests/fuzz/corpus/ to keep it.
#
# Usage (from anywhere in the repository):
#   tests/fuzz/campaign.sh MINUTES [TARGET...]
# TARGET defaults to every NAME with a NAME_fuzz.cc. Prints one line per
# target (executions, executions per second, corpus files and bytes,
# crashes) and exits non-zero when any target found a crash; its input is
# left in $NETIPC_CAMPAIGN_DIR/NAME/artifacts/ (default: a directory under
# /tmp, printed) to be copied to regressions/NAME/ once fixed.
#
# Environment: NETIPC_CAMPAIGN_DIR (work directory, kept), NETIPC_FUZZ_MAX_LEN
# (libFuzzer -max_len, default 4096: keeps the corpus small).
set -euo pipefail

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
    echo "usage: $0 MINUTES [TARGET...]" >&2
    exit 2
fi
minutes=$1
shift
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
fuzz_dir=tests/fuzz

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    for source in "$fuzz_dir"/*_fuzz.cc; do
        name=$(basename "$source" _fuzz.cc)
        targets+=("$name")
    done
fi

build_targets=("//$fuzz_dir:hex_seed_tool")
for name in "${targets[@]}"; do
    if [[ ! -f "$fuzz_dir/${name}_fuzz.cc" ]]; then
        echo "no fuzz target $name ($fuzz_dir/${name}_fuzz.cc)" >&2
        exit 2
    fi
    build_targets+=("//$fuzz_dir:${name}_fuzzer")
done
./bazelw build --config=fuzz "${build_targets[@]}"
bin="$(./bazelw info --config=fuzz bazel-bin 2>/dev/null)/$fuzz_dir"

work=${NETIPC_CAMPAIGN_DIR:-$(mktemp -d /tmp/netipc-fuzz-campaign.XXXXXX)}
mkdir -p "$work"
echo "campaign: ${#targets[@]} targets x ${seconds}s, work directory $work"

seeds="$work/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
NETIPC_VECTORS_DIR=tests/data/protocol/vectors "$bin/hex_seed_tool" "$seeds" >/dev/null

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

summary=()
crashed=0
for name in "${targets[@]}"; do
    kept="$fuzz_dir/corpus/$name"
    run="$work/$name"
    rm -rf "$run"
    mkdir -p "$run/corpus" "$run/artifacts" "$kept"
    # The run's corpus: what earlier campaigns kept, the seeds and the
    # regressions (a finding stays in the corpus once fixed).
    cp "$seeds"/* "$run/corpus/"
    find "$kept" -type f -exec cp {} "$run/corpus/" \;
    if [[ -d "$fuzz_dir/regressions/$name" ]]; then
        find "$fuzz_dir/regressions/$name" -type f -exec cp {} "$run/corpus/" \;
    fi

    status=0
    "$bin/${name}_fuzzer" "$run/corpus" \
        -max_total_time="$seconds" \
        -max_len="${NETIPC_FUZZ_MAX_LEN:-4096}" \
        -timeout=10 \
        -rss_limit_mb=2048 \
        -print_final_stats=1 \
        -artifact_prefix="$run/artifacts/" \
        >"$run/log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -1)
    per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/log" | tail -1)
    crashes=$(find "$run/artifacts" -type f | wc -l)
    if [[ $status -ne 0 || $crashes -ne 0 ]]; then
        crashed=1
        echo "$name: FAILED (exit $status), see $run/log and $run/artifacts/" >&2
        tail -20 "$run/log" >&2
    fi

    # Minimise into a fresh directory, then replace the kept corpus with it.
    merged="$run/merged"
    mkdir -p "$merged"
    "$bin/${name}_fuzzer" -merge=1 -max_len="${NETIPC_FUZZ_MAX_LEN:-4096}" -timeout=10 \
        "$merged" "$run/corpus" >"$run/merge.log" 2>&1
    rm -rf "$kept"
    mkdir -p "$kept"
    cp "$merged"/* "$kept/" 2>/dev/null || true
    files=$(find "$kept" -type f | wc -l)
    bytes=$(du -sb "$kept" | cut -f1)

    line=$(printf '%-28s executions %10s  exec/s %7s  corpus %5s files %8s bytes  crashes %s' \
        "$name" "${executions:-?}" "${per_second:-?}" "$files" "$bytes" "$crashes")
    echo "$line"
    summary+=("$line")
done

echo
echo "campaign summary (${seconds}s per target, -max_len=${NETIPC_FUZZ_MAX_LEN:-4096}):"
printf '%s\n' "${summary[@]}"
echo "corpus total: $(du -sb "$fuzz_dir/corpus" | cut -f1) bytes in $(find "$fuzz_dir/corpus" -type f | wc -l) files"
exit $crashed
