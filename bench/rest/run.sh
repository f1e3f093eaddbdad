#!/usr/bin/env bash
# Benchmark 4: REST under wrk, Lobby against node's http module doing comparable work.
#   bench/rest/run.sh BUILD_DIR
# Env: DURATION (s per measured run, default 10), WARMUP (s, default 2), CONNECTIONS (default 8),
#      SESSIONS (widget sessions the chat load rotates over, default 20),
#      HISTORY (chat requests seeding the history conversation, default 150 = 300 messages).
# Prints one line per server and endpoint and the ratios of requests per server CPU-second.
set -euo pipefail

BUILD=$(realpath "${1:?usage: bench/rest/run.sh BUILD_DIR}")
HERE=$(dirname "$(realpath "$0")")
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-8}
SESSIONS=${SESSIONS:-20}
HISTORY=${HISTORY:-150}
LOBBY="$BUILD/app/lobby"
[[ -x "$LOBBY" ]] || { echo "no $LOBBY (build it first)" >&2; exit 1; }
for tool in wrk node sqlite3 curl; do
    command -v "$tool" >/dev/null || { echo "bench/rest needs $tool" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/bench-rest.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
export BENCH_REPORT="$HERE/report.lua"
TICKS=$(getconf CLK_TCK)

# Waits until LOG has a line matching PATTERN; prints the first URL on it.
wait_for_url() {
    local log=$1 pattern=$2
    for _ in $(seq 1 300); do
        if grep -q "$pattern" "$log" 2>/dev/null; then
            grep -m1 "$pattern" "$log" | grep -o 'http://[0-9.:]*'
            return 0
        fi
        sleep 0.1
    done
    echo "server did not start; its log:" >&2
    cat "$log" >&2
    return 1
}

# utime + stime of PID in clock ticks (/proc/PID/stat fields 14 and 15, after the "(comm)").
cpu_ticks() {
    local stat
    stat=$(<"/proc/$1/stat")
    stat=${stat##*) }
    awk '{ print $12 + $13 }' <<<"$stat"
}

# measure LABEL PID URL SCRIPT: a warm-up, then a timed wrk run; prints the figures and stores
# requests per CPU-second in RESULT.
RESULT=0
measure() {
    local label=$1 pid=$2 url=$3 script=$4 before after out line
    wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "$url" >/dev/null
    before=$(cpu_ticks "$pid")
    out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$script" "$url")
    after=$(cpu_ticks "$pid")
    line=$(grep '^WRK ' <<<"$out")
    eval "$(sed 's/^WRK //' <<<"$line")" # requests= duration_s= non2xx= errors= p50_ms= ...
    if ((non2xx > 0 || errors > 0)); then
        echo "$label: $non2xx non-2xx answers and $errors socket errors; wrk said:" >&2
        echo "$out" >&2
        exit 1
    fi
    RESULT=$(awk -v r="$requests" -v t="$((after - before))" -v hz="$TICKS" \
        'BEGIN { printf "%.0f", (t > 0 ? r / (t / hz) : 0) }')
    awk -v l="$label" -v r="$requests" -v d="$duration_s" -v t="$((after - before))" -v hz="$TICKS" \
        -v p50="$p50_ms" -v p99="$p99_ms" -v rc="$RESULT" 'BEGIN {
        printf "%-34s %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  server CPU %5.2f s  %7d req/CPU-s\n",
               l, r / d, p50, p99, t / hz, rc }'
}

setup_server() { # URL API_KEY DIR
    node "$HERE/setup.js" "$1" "$2" "$3" "$SESSIONS" "$HISTORY"
}

# ---- Lobby (Release build, headless, demo hotel, SQLite with durable commits)
mkdir -p "$WORK/lobby"
# setup.js creates 2 x (SESSIONS + 1) visitors and sessions from this one address.
"$LOBBY" --headless --demo --data-dir "$WORK/lobby/data" --listen 127.0.0.1:0 \
    --widget-creations-per-minute 0 >"$WORK/lobby/log" 2>&1 &
LOBBY_PID=$!
PIDS+=("$LOBBY_PID")
LOBBY_URL=$(wait_for_url "$WORK/lobby/log" 'Lobby listening on')
LOBBY_KEY=$(<"$WORK/lobby/data/demo-api-key")
setup_server "$LOBBY_URL" "$LOBBY_KEY" "$WORK/lobby"
LOBBY_CHAT=$(sqlite3 "$WORK/lobby/data/lobby.sqlite3" \
    "SELECT conversation_id FROM widget_sessions WHERE public_id = '$(<"$WORK/lobby/history-session")'")

# ---- node peers
start_peer() { # NAME STORE
    mkdir -p "$WORK/$1/data"
    node "$HERE/node-peer.js" --port 0 --store "$2" --dir "$WORK/$1/data" >"$WORK/$1/log" 2>&1 &
    PIDS+=("$!")
    PEER_PID=$!
    PEER_URL=$(wait_for_url "$WORK/$1/log" 'node peer listening on')
    PEER_KEY=$(grep -o 'widget API key: .*' "$WORK/$1/log" | cut -d' ' -f4)
}
start_peer node-sync file-sync
SYNC_PID=$PEER_PID SYNC_URL=$PEER_URL SYNC_KEY=$PEER_KEY
setup_server "$SYNC_URL" "$SYNC_KEY" "$WORK/node-sync"
SYNC_CHAT=$(curl -s "$SYNC_URL/bench/conversation?session_id=$(<"$WORK/node-sync/history-session")" |
    grep -o '[0-9]*')
start_peer node-memory memory
MEMORY_PID=$PEER_PID MEMORY_URL=$PEER_URL
setup_server "$MEMORY_URL" "$PEER_KEY" "$WORK/node-memory"

echo "bench/rest: wrk -t1 -c$CONNECTIONS, ${DURATION}s per run after ${WARMUP}s of warm-up," \
    "$(nproc) cores, $(date -u +%FT%TZ)"

# ---- widget chat
BENCH_SESSIONS="$WORK/lobby/sessions" BENCH_API_KEY="$LOBBY_KEY" \
    measure "chat    Lobby" "$LOBBY_PID" "$LOBBY_URL" "$HERE/chat.lua"
CHAT_LOBBY=$RESULT
BENCH_SESSIONS="$WORK/node-sync/sessions" BENCH_API_KEY="$SYNC_KEY" \
    measure "chat    node (file + fdatasync)" "$SYNC_PID" "$SYNC_URL" "$HERE/chat.lua"
CHAT_SYNC=$RESULT
BENCH_SESSIONS="$WORK/node-memory/sessions" BENCH_API_KEY="$PEER_KEY" \
    measure "chat    node (in memory)" "$MEMORY_PID" "$MEMORY_URL" "$HERE/chat.lua"
CHAT_MEMORY=$RESULT

# ---- app v1 history, newest page of 50 of a 300-message conversation
BENCH_TOKEN=$(<"$WORK/lobby/token") BENCH_PATH="/api/v1/chat/chats/$LOBBY_CHAT/messages?page=1&page_size=50" \
    measure "history Lobby" "$LOBBY_PID" "$LOBBY_URL" "$HERE/history.lua"
HISTORY_LOBBY=$RESULT
BENCH_TOKEN=$(<"$WORK/node-sync/token") BENCH_PATH="/api/v1/chat/chats/$SYNC_CHAT/messages?page=1&page_size=50" \
    measure "history node" "$SYNC_PID" "$SYNC_URL" "$HERE/history.lua"
HISTORY_NODE=$RESULT

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
echo "ratio (requests per server CPU-second, Lobby / node):" \
    "chat $(ratio "$CHAT_LOBBY" "$CHAT_SYNC") vs node file + fdatasync," \
    "$(ratio "$CHAT_LOBBY" "$CHAT_MEMORY") vs node in memory;" \
    "history $(ratio "$HISTORY_LOBBY" "$HISTORY_NODE")"
