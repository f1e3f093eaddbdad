#!/usr/bin/env bash
# Soak: thousands of WebSocket connections with churn against one headless Lobby.
#
#   tests/soak/soak.sh [MINUTES] [CONNECTIONS]      # defaults: 10 minutes, 2000 connections
#   LOBBY=build-rel/app/lobby tests/soak/soak.sh    # the binary (default build/app/lobby)
#
# Starts `lobby --headless --demo` on a fresh data folder and a free loopback port, then runs
# tests/soak/soak.js (npm `ws` from NODE_PATH, default build/node/node_modules): a mix of app v1
# staff and customer sockets, hotel guests' Pusher sockets and direct chat sockets; every second
# ~5 % of them are closed (half cleanly, half dropped) and reopened, while messages flow through
# the APIs. The server's VmRSS and open file descriptors are sampled every 10 s. Exit status 1
# when RSS grows more than 5 % from the steady state (after a one-minute warm-up) to the end, or
# the descriptors are not back to the baseline once every client has closed.
set -euo pipefail
minutes=${1:-10}
connections=${2:-2000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lobby=${LOBBY:-$root/build/app/lobby}
export NODE_PATH=${NODE_PATH:-$root/build/node/node_modules}
[ -x "$lobby" ] || { echo "no lobby binary at $lobby (set LOBBY)" >&2; exit 2; }
[ -d "$NODE_PATH/ws" ] || { echo "npm ws not found in $NODE_PATH (run ctest -R node_modules, or set NODE_PATH)" >&2; exit 2; }

# Every connection is a descriptor on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
need=$((connections + 500))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
    echo "open-files limit $(ulimit -n) is below $need (ulimit -n)" >&2
    exit 2
fi

work=$(mktemp -d /tmp/lobby-soak.XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$lobby" --headless --demo --data-dir "$work/data" --listen 127.0.0.1:0 --max-connections-per-address 0 >"$work/lobby.log" 2>&1 &
pid=$!
for _ in $(seq 300); do
    grep -q "Lobby listening on" "$work/lobby.log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/lobby.log" >&2; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/.*Lobby listening on \(http:\/\/[0-9.]*:[0-9]*\).*/\1/p' "$work/lobby.log" | head -n 1)
[ -n "$url" ] || { cat "$work/lobby.log" >&2; exit 1; }
echo "lobby $lobby (pid $pid) on $url; $minutes min, $connections connections"

status=0
node "$here/soak.js" "$url" "$pid" "$work/data" "$minutes" "$connections" || status=$?
if ! kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: the server is gone" >&2
    tail -n 20 "$work/lobby.log" >&2
    status=1
fi
exit "$status"
