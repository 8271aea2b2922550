#!/usr/bin/env bash
# Smoke test of the benchmark driver: every scenario once, for one second,
# a server and a client in a private run directory. Checks exit codes, that
# each client prints one CSV line that parses with sane fields, and that
# each client's steady state made no heap allocation. No throughput or
# latency threshold: timing never decides whether a test passes.
#
#   netipc_bench_smoke_test.sh <path to netipc_bench>
set -uo pipefail

driver=${1:?usage: netipc_bench_smoke_test.sh <netipc_bench>}
# Not $TEST_TMPDIR: socket paths must fit in sockaddr_un's 108 bytes.
run_dir=$(mktemp -d /tmp/netipc-smoke.XXXXXX) || exit 1
server_pid=

cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    rm -rf "$run_dir"
}
trap cleanup EXIT

failures=0
passed=0

fail() {
    echo "FAIL $*"
    failures=$((failures + 1))
}

# check_csv SCENARIO CLIENT_OUT CLIENT_ERR IMPLEMENTATION
check_csv() {
    local scenario=$1 out=$2 err=$3 impl=$4 lines
    lines=$(grep -c '' "$out")
    if [[ $lines -ne 1 ]]; then
        fail "$scenario: expected one CSV line, got $lines:"
        cat "$out"
        return 1
    fi
    # scenario,client,server,throughput,p50,p95,p99,client_cpu,server_cpu,total_cpu
    if ! awk -F, -v scenario="$scenario" -v impl="$impl" '
        function number(x) { return x ~ /^[0-9]+(\.[0-9]+)?$/ }
        NF != 10 { print "fields: " NF; exit 1 }
        $1 != scenario { print "scenario column: " $1; exit 1 }
        $2 != impl || $3 != impl { print "implementation columns: " $2 "," $3; exit 1 }
        { for (i = 4; i <= 10; i++) if (!number($i)) { print "column " i " is not a number: " $i; exit 1 } }
        $4 + 0 <= 0 { print "throughput not positive: " $4; exit 1 }
        $5 + 0 > $6 + 0 || $6 + 0 > $7 + 0 { print "percentiles out of order: " $5 " " $6 " " $7; exit 1 }
        { d = $10 - ($8 + $9); if (d > 0.11 || d < -0.11) { print "total_cpu is not client + server: " $0; exit 1 } }
    ' "$out"; then
        fail "$scenario: bad CSV line: $(cat "$out")"
        return 1
    fi
    if ! grep -q "heap allocations in steady state: 0 in " "$err"; then
        fail "$scenario: steady state allocated (or no allocation report):"
        cat "$err"
        return 1
    fi
    return 0
}

# pair SERVER_SUBCOMMAND CLIENT_SUBCOMMAND SCENARIO IMPLEMENTATION [CLIENT ARGS AFTER duration_s...]
# $server_options and $client_options (arrays, empty by default) go after
# each subcommand's positional arguments.
server_options=()
client_options=()
pair() {
    local server=$1 client=$2 scenario=$3 impl=$4
    shift 4
    local service=${service_name:-$scenario}
    local server_out=$run_dir/$service.server.out server_err=$run_dir/$service.server.err
    local client_out=$run_dir/$service.client.out client_err=$run_dir/$service.client.err
    # The server is stopped with SIGTERM once its client is done; its own
    # timer (duration + 3 s) must not end it first on a loaded machine.
    "$driver" "$server" "$run_dir" "$service" 60 "${server_options[@]}" >"$server_out" 2>"$server_err" &
    server_pid=$!
    local waited=0
    until grep -qx READY "$server_out" 2>/dev/null; do
        if ! kill -0 "$server_pid" 2>/dev/null || ((waited >= 200)); then
            fail "$scenario: server $server never printed READY:"
            cat "$server_out" "$server_err"
            kill "$server_pid" 2>/dev/null
            wait "$server_pid" 2>/dev/null
            server_pid=
            return
        fi
        sleep 0.05
        waited=$((waited + 1))
    done
    "$driver" "$client" "$run_dir" "$service" 1 "$@" "${client_options[@]}" >"$client_out" 2>"$client_err"
    local client_rc=$?
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid"
    local server_rc=$?
    server_pid=
    if [[ $client_rc -ne 0 ]]; then
        fail "$scenario: client $client exited $client_rc:"
        cat "$client_out" "$client_err"
        return
    fi
    if [[ $server_rc -ne 0 ]] || ! grep -qE '^SERVER_CPU_SEC=[0-9]+\.[0-9]+$' "$server_out"; then
        fail "$scenario: server $server exited $server_rc or printed no SERVER_CPU_SEC:"
        cat "$server_out" "$server_err"
        return
    fi
    if [[ -e $run_dir/$service.pid ]]; then
        fail "$scenario: the server left its PID file behind"
        return
    fi
    check_csv "$scenario" "$client_out" "$client_err" "$impl" || return
    echo "ok   $service: $(cat "$client_out")"
    passed=$((passed + 1))
}

pair uds-ping-pong-server uds-ping-pong-client uds-ping-pong cpp 0
# One rate-limited row, so the pacing path runs too.
pair shm-ping-pong-server shm-ping-pong-client shm-ping-pong cpp 1000
pair uds-batch-ping-pong-server uds-batch-ping-pong-client uds-batch-ping-pong cpp 0
pair shm-batch-ping-pong-server shm-batch-ping-pong-client shm-batch-ping-pong cpp 0
pair shm-fixed-spin-ping-pong-server shm-fixed-spin-ping-pong-client shm-ping-pong-fixed-spin cpp 0
pair shm-fixed-spin-ping-pong-server shm-fixed-spin-batch-ping-pong-client shm-batch-ping-pong-fixed-spin cpp 0
pair snapshot-server snapshot-client snapshot-baseline cpp 0
pair snapshot-shm-server snapshot-shm-client snapshot-shm cpp 0
pair uds-ping-pong-server uds-pipeline-client uds-pipeline-d16 cpp 0 16
pair uds-batch-ping-pong-server uds-pipeline-batch-client uds-pipeline-batch-d16 cpp 0 16
pair raw-uds-ping-pong-server raw-uds-ping-pong-client raw-uds-ping-pong raw 0
pair raw-shm-ping-pong-server raw-shm-ping-pong-client raw-shm-ping-pong raw 0
pair raw-uds-batch-ping-pong-server raw-uds-batch-ping-pong-client raw-uds-batch-ping-pong raw 0
pair raw-shm-batch-ping-pong-server raw-shm-batch-ping-pong-client raw-shm-batch-ping-pong raw 0

# --auth: a server and a client that share a token other than the default
# work together; a client with the default token is refused by that server.
server_options=(--auth 0x1234)
client_options=(--auth 0x1234)
service_name=auth-shared pair uds-ping-pong-server uds-ping-pong-client uds-ping-pong cpp 0
client_options=()
"$driver" uds-ping-pong-server "$run_dir" auth-refused 60 --auth 0x1234 >"$run_dir/auth.out" 2>&1 &
server_pid=$!
until grep -qx READY "$run_dir/auth.out" 2>/dev/null || ! kill -0 "$server_pid" 2>/dev/null; do
    sleep 0.05
done
if "$driver" uds-ping-pong-client "$run_dir" auth-refused 1 0 >"$run_dir/refused.out" 2>&1; then
    fail "a client with the wrong token was served: $(cat "$run_dir/refused.out")"
elif ! grep -q "cannot connect" "$run_dir/refused.out"; then
    fail "a refused client did not say it could not connect: $(cat "$run_dir/refused.out")"
else
    echo "ok   a client with the wrong token is refused"
    passed=$((passed + 1))
fi
kill "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null
server_pid=
server_options=()

"$driver" lookup-bench 1 >"$run_dir/lookup.out" 2>"$run_dir/lookup.err"
lookup_rc=$?
if [[ $lookup_rc -ne 0 ]]; then
    fail "lookup: lookup-bench exited $lookup_rc:"
    cat "$run_dir/lookup.out" "$run_dir/lookup.err"
elif check_csv lookup "$run_dir/lookup.out" "$run_dir/lookup.err" cpp; then
    echo "ok   lookup: $(cat "$run_dir/lookup.out")"
    passed=$((passed + 1))
fi

# A wrong command line is refused with a message and exit status 2.
"$driver" uds-ping-pong-client "$run_dir" x notanumber 0 >/dev/null 2>"$run_dir/usage.err"
usage_rc=$?
if [[ $usage_rc -ne 2 ]] || ! grep -q "duration_s must be an unsigned number" "$run_dir/usage.err"; then
    fail "a bad duration was not refused clearly (exit $usage_rc): $(cat "$run_dir/usage.err")"
else
    passed=$((passed + 1))
fi
# A client with no server fails instead of printing a line.
if "$driver" uds-ping-pong-client "$run_dir" nobody 1 0 >"$run_dir/nobody.out" 2>&1; then
    fail "a client without a server succeeded: $(cat "$run_dir/nobody.out")"
else
    passed=$((passed + 1))
fi

echo "$passed passed, $failures failed"
[[ $failures -eq 0 ]]
