#!/bin/bash
# Benchmarks 1 and 2 (bench/README.md), Lobby and the npm `ws` relay in the same run:
#   connections: 2,000 and 10,000 WebSocket connections opened in bursts of 100
#   fan-out:     N sockets joined to one conversation, one message in, time until all N have it
# Usage: bench/websocket/run.sh [BUILD_DIR]   (a Release build: build-rel)
# Needs: ulimit -n above 2 x 10,000 + slack (raised here when allowed), node with build/node.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build-rel}
WSBENCH=$BUILD/bench/wsbench
WORK=$(mktemp -d /tmp/lobby-wsbench.XXXXXX)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

start_lobby() { # -> LOBBY_PID LOBBY_PORT TOKEN
    rm -rf "$WORK/data"
    "$BUILD/app/lobby" --headless --demo --data-dir "$WORK/data" --listen 127.0.0.1:0 --max-connections-per-address 0 > "$WORK/lobby.log" 2>&1 &
    LOBBY_PID=$!; PIDS+=("$LOBBY_PID")
    for _ in $(seq 100); do grep -q "listening on" "$WORK/lobby.log" && break; sleep 0.1; done
    grep -q "listening on" "$WORK/lobby.log" || { echo "lobby did not start:" >&2; cat "$WORK/lobby.log" >&2; exit 1; }
    LOBBY_PORT=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/lobby.log" | cut -d: -f3)
    TOKEN=$(curl -s -X POST "http://127.0.0.1:$LOBBY_PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d '{"email":"admin@lobby.demo","password":"lobby-admin"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
}
start_relay() { # -> RELAY_PID RELAY_PORT
    NODE_PATH=build/node/node_modules node bench/ws-relay.js 0 > "$WORK/relay.log" 2>&1 &
    RELAY_PID=$!; PIDS+=("$RELAY_PID")
    for _ in $(seq 100); do grep -q "listening on" "$WORK/relay.log" && break; sleep 0.1; done
    grep -q "listening on" "$WORK/relay.log" || { echo "relay did not start:" >&2; cat "$WORK/relay.log" >&2; exit 1; }
    RELAY_PORT=$(grep -o '[0-9]*$' "$WORK/relay.log")
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

SEND='{"type":"send_message","chat_id":1,"content":"{n}"}'
# The relay echoes what it gets: padded to the size of the frame Lobby delivers (~480 bytes,
# the whole stored message), so both send and parse the same bytes per delivery.
RELAY_SEND="{\"type\":\"message\",\"chat_id\":1,\"message\":{\"content\":\"{n}\",\"pad\":\"$(printf 'x%.0s' $(seq 420))\"}}"
for COUNT in 2000 10000; do
    echo "== connections: $COUNT in bursts of 100"
    start_lobby
    echo "-- Lobby (app v1 WebSocket, staff token)"
    "$WSBENCH" connect --url "ws://127.0.0.1:$LOBBY_PORT/api/v1/chat/ws/chat/user?token=$TOKEN" --count "$COUNT" --burst 100 --pid "$LOBBY_PID"
    stop "$LOBBY_PID"
    start_relay
    echo "-- node ws relay"
    "$WSBENCH" connect --url "ws://127.0.0.1:$RELAY_PORT/" --count "$COUNT" --burst 100 --pid "$RELAY_PID"
    stop "$RELAY_PID"
done
for N in 500 2000 8000; do
    MESSAGES=$(( N >= 8000 ? 20 : 30 )); INTERVAL=$(( N >= 8000 ? 150 : 60 ))
    echo "== fan-out: $N receivers, $MESSAGES messages, one every $INTERVAL ms"
    start_lobby
    echo "-- Lobby (the same staff account on $N sockets joined to conversation 1; each message persisted)"
    "$WSBENCH" fanout --url "ws://127.0.0.1:$LOBBY_PORT/api/v1/chat/ws/chat/user?token=$TOKEN" \
        --join '{"type":"join_chat","chat_id":1}' --send "$SEND" --marker m --count "$N" \
        --messages "$MESSAGES" --interval-ms "$INTERVAL" --pid "$LOBBY_PID"
    stop "$LOBBY_PID"
    start_relay
    echo "-- node ws relay (every frame to every client, nothing stored)"
    "$WSBENCH" fanout --url "ws://127.0.0.1:$RELAY_PORT/" --send "$RELAY_SEND" --marker m --count "$N" \
        --messages "$MESSAGES" --interval-ms "$INTERVAL" --pid "$RELAY_PID"
    stop "$RELAY_PID"
done
