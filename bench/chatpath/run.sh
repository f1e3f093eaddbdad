#!/usr/bin/env bash
# Benchmark 3, the full chat path: S senders with one message in flight each and R receivers in
# one conversation over the app v1 WebSocket; every message persisted (durable) before its
# acknowledgement and fanned out to the room. Lobby first, then the FastAPI + uvicorn + sqlite3
# peer (bench/chatpath/peer.py) on the same workload, then the ratios.
#
#   bench/chatpath/run.sh BUILD_DIR
#
# Environment: DURATION (seconds measured per test, default 15), WARMUP (1), SENDERS (50),
# RECEIVERS (10), RATE (open-loop msg/s, 2000), ONLY (lobby|peer: run one side only).
set -euo pipefail

BUILD=${1:?usage: bench/chatpath/run.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
LOBBY=$BUILD/app/lobby
WSBENCH=$BUILD/bench/wsbench
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-1}
SENDERS=${SENDERS:-50}
RECEIVERS=${RECEIVERS:-10}
RATE=${RATE:-2000}
ONLY=${ONLY:-}
for tool in "$LOBBY" "$WSBENCH" "$BUILD/bench/postbench"; do
    [[ -x $tool ]] || { echo "missing $tool (build BUILD_DIR first)" >&2; exit 2; }
done

TMP=$(mktemp -d /tmp/lobby-chatpath.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# wait_for LOG PATTERN: the port printed in LOG's line that matches PATTERN.
wait_for() {
    for _ in $(seq 1 300); do
        if grep -q "$2" "$1" 2>/dev/null; then
            grep "$2" "$1" | head -1 | sed -n 's/.*:\([0-9][0-9]*\).*/\1/p'
            return
        fi
        sleep 0.1
    done
    echo "timed out waiting for '$2' in $1:" >&2
    cat "$1" >&2
    exit 1
}

json_field() { /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# run_tests NAME PID SENDER_URL... : the closed-loop and the open-loop test, output in $TMP/NAME-*.
run_tests() {
    local name=$1 pid=$2 chat=$3 staff=$4 customer=$5 receiver=$6
    local common=(--url "$staff" --url "$customer" --receiver-url "$receiver"
        --join "{\"type\":\"join_chat\",\"chat_id\":$chat}"
        --send "{\"type\":\"send_message\",\"chat_id\":$chat,\"content\":\"{n}\",\"message_type\":\"text\"}"
        --marker "chatpath" --senders "$SENDERS" --receivers "$RECEIVERS"
        --duration "$DURATION" --warmup "$WARMUP" --pid "$pid")
    echo "== $name: closed loop ($SENDERS senders, one message in flight each, room of $RECEIVERS receivers)"
    "$WSBENCH" chat "${common[@]}" | tee "$TMP/$name-closed" || true
    echo "== $name: open loop at $RATE msg/s"
    "$WSBENCH" chat "${common[@]}" --rate "$RATE" | tee "$TMP/$name-open" || true
}

field() { # field FILE PREFIX N: the N-th word of the line starting with PREFIX
    awk -v p="$2" -v n="$3" 'index($0, p) == 1 { print $n; exit }' "$1"
}

if [[ $ONLY != peer ]]; then
    "$LOBBY" --headless --demo --data-dir "$TMP/lobby" --listen 127.0.0.1:0 >"$TMP/lobby.log" 2>&1 &
    LOBBY_PID=$!
    PIDS+=("$LOBBY_PID")
    PORT=$(wait_for "$TMP/lobby.log" "Lobby listening on")
    BASE=http://127.0.0.1:$PORT
    login() {
        curl -sf -X POST "$BASE$1" -H 'Content-Type: application/json' -d "$2" |
            json_field '["access_token"]'
    }
    STAFF=$(login /api/v1/auth/login '{"email":"admin@lobby.demo","password":"lobby-admin"}')
    MARIA=$(login /api/v1/auth/login '{"email":"maria@lobby.demo","password":"lobby-staff"}')
    CUSTOMER=$(login /api/v1/customer-auth/login '{"email":"alex@lobby.demo","password":"lobby-customer"}')
    CHAT=$(curl -sf "$BASE/api/v1/chat/chats/customer" -H "Authorization: Bearer $CUSTOMER" |
        json_field '[0]["id"]')
    WS=ws://127.0.0.1:$PORT/api/v1/chat/ws/chat
    echo "Lobby (SQLite WAL synchronous=FULL) on port $PORT, pid $LOBBY_PID, chat $CHAT"
    run_tests lobby "$LOBBY_PID" "$CHAT" "$WS/user?token=$STAFF" "$WS/customer?token=$CUSTOMER" \
        "$WS/user?token=$MARIA"
    kill "$LOBBY_PID"
    wait "$LOBBY_PID" 2>/dev/null || true
fi

if [[ $ONLY != lobby ]]; then
    mkdir -p "$TMP/peer"
    /usr/bin/python3 "$HERE/peer.py" "$TMP/peer" 0 >"$TMP/peer.log" 2>&1 &
    PEER_PID=$!
    PIDS+=("$PEER_PID")
    PORT=$(wait_for "$TMP/peer.log" "peer listening on")
    WS=ws://127.0.0.1:$PORT/api/v1/chat/ws/chat
    # The peer reads the account id from the token's payload (sub) without checking it.
    token() { printf 'x.%s.x' "$(printf '{"sub":"%s"}' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '=')"; }
    echo "peer (FastAPI $(/usr/bin/python3 -c 'import fastapi; print(fastapi.__version__)'), uvicorn $(/usr/bin/python3 -c 'import uvicorn; print(uvicorn.__version__)'), SQLite WAL synchronous=FULL) on port $PORT, pid $PEER_PID"
    run_tests peer "$PEER_PID" 1 "$WS/user?token=$(token 1)" "$WS/customer?token=$(token 3)" \
        "$WS/user?token=$(token 2)"
fi

echo "== the domain and the store alone (bench/chatpath/postbench.cpp, no network)"
"$BUILD/bench/postbench" 2000 "$TMP" || true

if [[ -z $ONLY ]]; then
    echo "== summary"
    /usr/bin/python3 - "$TMP" "$RATE" <<'PY'
import re, sys
tmp, rate = sys.argv[1], sys.argv[2]
def read(name):
    try:
        return open(f"{tmp}/{name}").read()
    except OSError:
        return ""
def number(text, pattern):
    m = re.search(pattern, text)
    return float(m.group(1)) if m else float("nan")
lt = number(read("lobby-closed"), r"throughput: (\d+)")
pt = number(read("peer-closed"), r"throughput: (\d+)")
print(f"closed loop: Lobby {lt:.0f} msg/s, peer {pt:.0f} msg/s: {lt / pt if pt else float('nan'):.1f}x (target >= 3x)")
for name in ("lobby", "peer"):
    text = read(f"{name}-open")
    ack = re.search(r"ack latency: p50 ([^,]+), p99 ([^,]+),", text)
    all_ = re.search(r"delivery to all \d+ receivers: p50 ([^,]+), p99 ([^,]+),", text)
    done = re.search(r"throughput: (\d+)", text)
    print(f"open loop at {rate} msg/s, {name}: {done.group(1) if done else '?'} msg/s acked, "
          f"ack p99 {ack.group(2) if ack else '?'}, delivery to all p99 "
          f"{all_.group(2) if all_ else '?'} (target p99 <= 10 ms)")
PY
fi
