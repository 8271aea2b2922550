#!/usr/bin/env bash
# wine_test_runner: runs one Windows test program under wine. `bazel test
# --config=mingw` puts it in front of every test (--run_under), so a test
# target's .exe runs as `wine_test_runner foo_test.exe ARGS...`; its exit code
# is the test's.
#
# All tests share one wine prefix (the per-user Windows environment wine needs,
# ~10 s to create), made on first use under a lock: several tests start at once
# and must neither each create it nor use a half-created one. The prefix lives
# outside the test sandbox, in the user's cache directory (NETIPC_WINEPREFIX
# overrides it), and is reused by later runs.
set -euo pipefail

if (($# < 1)); then
    echo "usage: wine_test_runner PROGRAM.exe [ARGS...]" >&2
    exit 2
fi

user_home=${HOME:-}
if [[ -z "$user_home" || ! -w "$user_home" ]]; then
    user_home=$(getent passwd "$(id -u)" | cut -d: -f6)
fi
export WINEPREFIX=${NETIPC_WINEPREFIX:-${XDG_CACHE_HOME:-$user_home/.cache}/netipc/wine-prefix}
# No wine diagnostics in test logs; no offer to install Mono or Gecko (the tests
# use neither .NET nor HTML) while the prefix is created.
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="

ready_marker="$WINEPREFIX/.netipc-ready"
if [[ ! -e "$ready_marker" ]]; then
    mkdir -p "$(dirname "$WINEPREFIX")"
    (
        flock 9
        # Another test may have finished creating it while this one waited.
        if [[ ! -e "$ready_marker" ]]; then
            rm -rf "$WINEPREFIX"
            wineboot --init </dev/null >/dev/null 2>&1
            wineserver --wait
            touch "$ready_marker"
        fi
    ) 9>"$WINEPREFIX.lock"
fi

# Make sure the prefix's server runs before the test's wine connects to it, started
# here with its standard streams on /dev/null: a server that wine started itself
# would inherit the test's output pipe and keep it open, and Bazel waits for that
# pipe to close, so the test would hang for as long as the server lives. When one
# already runs, this is a no-op. The server ends with this test: Bazel's process
# wrapper adopts it and kills it when the test ends, so tests run one at a time
# (.bazelrc, test:mingw --local_test_jobs=1) and each may start its own.
wineserver -p60 </dev/null >/dev/null 2>&1 || true

exec wine "$@"
