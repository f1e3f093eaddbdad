#!/usr/bin/env bash
# Cross-instance delivery latency: two headless Lobby instances on one PostgreSQL.
#
#   bench/cluster/run.sh BUILD_DIR [RATE] [SECONDS]     # defaults: 500 msg/s for 20 s
#
# Starts a throw-away PostgreSQL (tests/postgres/cluster.sh; or uses the server whose URL is in
# LOBBY_PG_URL_FILE), a schema of its own, instance A (`--demo`) and instance B on it, sharing
# one data folder (jwt-secret, pusher-app, uploads: what README's multi-instance section says
# the instances must share), then bench/cluster/latency.js: a staff v1 WebSocket on A sends
# RATE messages a second to a conversation whose customer listens on B (cross instance) and on
# A (same instance, the reference). Prints p50/p90/p99/max and lost messages for both, and
# whether the target (cross-instance p99 <= 50 ms, nothing lost) is met (exit 1 if not).
# npm `ws` comes from NODE_PATH (default BUILD_DIR/node/node_modules, else build/node/...).
set -euo pipefail
build=${1:?usage: bench/cluster/run.sh BUILD_DIR [RATE] [SECONDS]}
rate=${2:-500}
seconds=${3:-20}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$build" && pwd)
lobby=$build/app/lobby
[ -x "$lobby" ] || { echo "no lobby binary at $lobby" >&2; exit 2; }
if [ -z "${NODE_PATH:-}" ]; then
    for candidate in "$build/node/node_modules" "$root/build/node/node_modules"; do
        [ -d "$candidate/ws" ] && { NODE_PATH=$candidate; break; }
    done
fi
export NODE_PATH=${NODE_PATH:-}
[ -d "$NODE_PATH/ws" ] || { echo "npm ws not found (ctest -R node_modules in build/, or set NODE_PATH)" >&2; exit 2; }

work=$(mktemp -d /tmp/lobby-bench-cluster.XXXXXX)
chmod 0755 "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "${schema:-}" ]; then
        psql "$server" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    fi
    [ -n "${own_cluster:-}" ] && bash "$root/tests/postgres/cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ -n "${LOBBY_PG_URL_FILE:-}" ]; then
    server=$(cat "$LOBBY_PG_URL_FILE")
else
    own_cluster=1
    bash "$root/tests/postgres/cluster.sh" start "$work/pg"
    server=$(cat "$work/pg/url")
fi
schema=lobby_bench_$$
psql "$server" -qc "CREATE SCHEMA $schema"
database="$server?options=-csearch_path%3D$schema"

start_lobby() { # name, extra args...; sets $started_url (not in a $(...) subshell: pids must stay)
    local name=$1; shift
    "$lobby" --headless --data-dir "$work/data" --database "$database" --listen 127.0.0.1:0 --max-connections-per-address 0 "$@" \
        >"$work/$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 300); do
        grep -q "Lobby listening on" "$work/$name.log" 2>/dev/null && break
        sleep 0.1
    done
    started_url=$(sed -n 's/.*Lobby listening on \(http:\/\/127.0.0.1:[0-9]*\).*/\1/p' "$work/$name.log" | head -n 1)
}
start_lobby a --demo
url_a=$started_url
start_lobby b
url_b=$started_url
[ -n "$url_a" ] && [ -n "$url_b" ] || { cat "$work"/*.log >&2; exit 1; }
echo "instance A $url_a, instance B $url_b ($lobby), PostgreSQL schema $schema"

# CPU seconds (user + system) of a set of processes, from /proc/PID/stat.
cpu_seconds() {
    local ticks=0 pid
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        ticks=$((ticks + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
    done
    echo "$ticks $(getconf CLK_TCK)" | awk '{printf "%.2f", $1 / $2}'
}
pg_pids() {
    local data
    if [ -n "${own_cluster:-}" ]; then
        data=$(cat "$work/pg/cluster-dir")/data
        pgrep -f "postgres.*-D $data" | while read -r main; do echo "$main"; pgrep -P "$main"; done
    fi
}
before_a=$(cpu_seconds "${pids[0]}"); before_b=$(cpu_seconds "${pids[1]}"); before_pg=$(cpu_seconds $(pg_pids))
started=$(date +%s.%N)
status=0
node "$here/latency.js" "$url_a" "$url_b" "$rate" "$seconds" || status=$?
elapsed=$(echo "$(date +%s.%N) $started" | awk '{print $1 - $2}')
after_a=$(cpu_seconds "${pids[0]}"); after_b=$(cpu_seconds "${pids[1]}"); after_pg=$(cpu_seconds $(pg_pids))
awk -v e="$elapsed" -v a0="$before_a" -v a1="$after_a" -v b0="$before_b" -v b1="$after_b" \
    -v pg0="$before_pg" -v pg1="$after_pg" -v own="${own_cluster:-}" -v cores="$(nproc)" 'BEGIN {
    a = a1 - a0; b = b1 - b0; pg = pg1 - pg0
    printf "CPU over %.1f s: instance A %.1f s (%.0f %%), instance B %.1f s (%.0f %%)", e, a, 100 * a / e, b, 100 * b / e
    if (own) printf ", PostgreSQL %.1f s (%.0f %%)", pg, 100 * pg / e
    printf "; %d cores\n", cores
}'
exit "$status"
