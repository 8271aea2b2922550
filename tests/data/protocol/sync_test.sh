#!/usr/bin/env bash
# Checks that tests/data/protocol still matches the project's shared protocol
# folder (vectors/, lookup-vectors/, transcripts.md) when that folder sits
# beside the checkout; passes with a note when it does not.
#
#   bazel test //tests/data/protocol:sync_test
#   tests/data/protocol/sync_test.sh [SHARED_PROTOCOL_DIR]   # by hand
#
# SHARED_PROTOCOL_DIR defaults to <repository>/../shared/protocol.
set -euo pipefail

# The repository's real source directory: Bazel's runfiles are symlinks into
# it, so resolve one of the copied files (by hand: this script's own path).
if [[ -n "${TEST_SRCDIR:-}" ]]; then
    anchor="$TEST_SRCDIR/${TEST_WORKSPACE:-netipc}/tests/data/protocol/transcripts.md"
else
    anchor="$(dirname "${BASH_SOURCE[0]}")/transcripts.md"
fi
copy="$(dirname "$(readlink -f "$anchor")")"
if [[ ! -f "$copy/transcripts.md" || ! -d "$copy/vectors" ]]; then
    echo "sync_test: cannot find the repository copy (resolved $anchor to $copy)" >&2
    exit 1
fi
repo="$(cd "$copy/../../.." && pwd)"
shared="${1:-$(dirname "$repo")/shared/protocol}"

if [[ ! -d "$shared" ]]; then
    echo "sync_test: comparison skipped: no shared protocol folder beside the checkout ($shared does not exist)"
    exit 0
fi

echo "sync_test: comparing $copy with $shared"
status=0
for entry in vectors lookup-vectors transcripts.md; do
    # diff -r names every differing or missing file, then shows the change.
    if ! report="$(diff -r "$shared/$entry" "$copy/$entry" 2>&1)"; then
        echo "sync_test: tests/data/protocol/$entry differs from $shared/$entry:" >&2
        echo "$report" >&2
        status=1
    fi
done
if ((status != 0)); then
    echo "sync_test: FAILED: the repository copy no longer matches the shared folder;" \
        "copy the shared files over tests/data/protocol (see its README.md)" >&2
    exit 1
fi
echo "sync_test: tests/data/protocol matches $shared"
