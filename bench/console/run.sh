#!/usr/bin/env bash
# Benchmark 5: a storm of guest messages into a running console.
#   bench/console/run.sh BUILD_DIR
# Env: RATE (messages/s, default 1000), SECONDS_OF_LOAD (default 10), ROOMS (conversations,
#      default 20), IN_FLIGHT (open requests at most, default 64).
# Starts the real app (console on QT_QPA_PLATFORM=offscreen, --demo, fresh data folder) with
# LOBBY_STALL_REPORT and LOBBY_SIGN_IN (signed in as the demo admin, newest conversation open),
# posts RATE guest messages per second for SECONDS_OF_LOAD seconds over ROOMS room conversations
# (bench/console/storm.js), stops Lobby and reads its report for the seconds of the storm.
set -euo pipefail

BUILD=$(realpath "${1:?usage: bench/console/run.sh BUILD_DIR}")
HERE=$(dirname "$(realpath "$0")")
RATE=${RATE:-1000}
SECONDS_OF_LOAD=${SECONDS_OF_LOAD:-10}
ROOMS=${ROOMS:-20}
IN_FLIGHT=${IN_FLIGHT:-64}
LOBBY="$BUILD/app/lobby"
[[ -x "$LOBBY" ]] || { echo "no $LOBBY (build it first)" >&2; exit 1; }
for tool in node sqlite3 /usr/bin/python3; do
    command -v "$tool" >/dev/null || { echo "bench/console needs $tool" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/bench-console.XXXXXX)
LOBBY_PID=
cleanup() {
    [[ -n "$LOBBY_PID" ]] && kill "$LOBBY_PID" 2>/dev/null && wait "$LOBBY_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
DATA="$WORK/data"

wait_for() { # PATTERN
    for _ in $(seq 1 600); do
        grep -q "$1" "$WORK/log" && return 0
        kill -0 "$LOBBY_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "Lobby did not say '$1'; its log:" >&2
    cat "$WORK/log" >&2
    exit 1
}

# The demo hotel, plus ROOMS - 1 rooms 301... with room 101's PIN (1111, its hash copied): with
# 101 itself, ROOMS conversations. Added before the console starts.
"$LOBBY" --headless --demo --data-dir "$DATA" --listen 127.0.0.1:0 >"$WORK/log" 2>&1 &
LOBBY_PID=$!
wait_for 'Lobby listening on'
kill "$LOBBY_PID"
wait "$LOBBY_PID" || true
LOBBY_PID=
sqlite3 "$DATA/lobby.sqlite3" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < $ROOMS - 1) INSERT INTO rooms (site_id, number, pin_hash, created_at)
    SELECT r.site_id, CAST(300 + n.i AS TEXT), r.pin_hash, r.created_at FROM rooms r, n
    WHERE r.number = '101'"
ROOM_LIST=$(sqlite3 "$DATA/lobby.sqlite3" "SELECT group_concat(number) FROM
    (SELECT number FROM rooms WHERE number = '101' OR number > '300' ORDER BY number)")
[[ $(tr ',' '\n' <<<"$ROOM_LIST" | wc -l) == "$ROOMS" ]] || { echo "ROOMS: 2 or more" >&2; exit 1; }
export QT_QPA_PLATFORM=offscreen LOBBY_STALL_REPORT="$WORK/stalls.json" \
    LOBBY_SIGN_IN=admin@lobby.demo:lobby-admin
"$LOBBY" --demo --data-dir "$DATA" --listen 127.0.0.1:0 >"$WORK/log" 2>&1 &
LOBBY_PID=$!
wait_for 'Console signed in as'
URL=$(grep -m1 'Lobby listening on' "$WORK/log" | grep -o 'http://[0-9.:]*')
sleep 2 # the console settles (first frames, the open conversation's page)

STORM=$(node "$HERE/storm.js" --url "$URL" --hotel hotel-killarney --pin 1111 \
    --rooms "$ROOM_LIST" --rate "$RATE" --seconds "$SECONDS_OF_LOAD" --in-flight "$IN_FLIGHT")
sleep 1 # the last batches reach the models
kill "$LOBBY_PID"
wait "$LOBBY_PID" || true
LOBBY_PID=
[[ -s "$WORK/stalls.json" ]] || { echo "no stall report; Lobby's log:" >&2; cat "$WORK/log" >&2; exit 1; }

[[ -n "${KEEP_REPORT:-}" ]] && cp "$WORK/stalls.json" "$KEEP_REPORT"
/usr/bin/python3 - "$WORK/stalls.json" "$STORM" "$RATE" "$SECONDS_OF_LOAD" "$ROOMS" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
storm = dict(item.split("=") for item in sys.argv[2].split()[1:])
rate, seconds, rooms = sys.argv[3:6]
# The report's seconds that overlap the storm (first due message to last answer, plus the 1 s
# after it in which the last batches reach the models).
first = (int(storm["started_at_ms"]) - report["started_at_ms"]) // 1000
last = (int(storm["ended_at_ms"]) + 1000 - report["started_at_ms"]) // 1000
window = report["seconds"][max(first, 0):last + 1]
worst = max(window, key=lambda s: s["longest_stall_ms"])
stall, stall_cpu = worst["longest_stall_ms"], worst["longest_stall_cpu_ms"]
busy = sum(s["cpu_ms"] for s in window) / (10 * len(window))
keys = ["rows_inserted", "data_changed", "rows_moved", "layout_changed", "rows_removed", "resets"]
updates = {k: sum(s[k] for s in window) for k in keys}
print(f"bench/console: {rate} guest messages/s for {seconds} s over {rooms} room conversations "
      f"into the console (offscreen, signed in, newest conversation open)")
print(f"load: {storm['ok']} of {storm['due']} messages answered ({storm['failed']} failed), "
      f"{storm['rate']} msg/s achieved, post latency p50 {storm['p50_ms']} ms "
      f"p99 {storm['p99_ms']} ms max {storm['max_ms']} ms")
print(f"GUI thread: longest stall {stall} ms during the storm, {stall_cpu} ms of it running "
      f"(the rest waiting for a core); busy {busy:.0f} % of the {len(window)} s; longest stall "
      f"before the storm {max([s['longest_stall_ms'] for s in report['seconds'][:max(first, 0)]] or [0])} ms; "
      f"timer every {report['tick_ms']} ms")
print("model updates during the storm: " + ", ".join(f"{k} {v}" for k, v in updates.items()) +
      f" ({sum(updates.values())} in all)")
EOF
