#!/usr/bin/env bash
# Benchmark 6: a history page of 50 and the time to ready at 1,000,000 messages.
#   bench/history/run.sh BUILD_DIR
# Env: MESSAGES (default 1000000), CONVERSATIONS (default 10000), RUNS (starts timed, default 5),
#      DURATION (s of sequential page requests per page, default 10), PLANS=1 prints the plans.
# Builds a fresh data folder (schema from `lobby --demo`, then populate.py in one transaction),
# times starts, then requests the app v1 history (GET /api/v1/chat/chats/{id}/messages) of the
# busiest conversation, newest, middle and oldest page, one request at a time (wrk -c1).
set -euo pipefail

BUILD=$(realpath "${1:?usage: bench/history/run.sh BUILD_DIR}")
HERE=$(dirname "$(realpath "$0")")
MESSAGES=${MESSAGES:-1000000}
CONVERSATIONS=${CONVERSATIONS:-10000}
RUNS=${RUNS:-5}
DURATION=${DURATION:-10}
LOBBY="$BUILD/app/lobby"
[[ -x "$LOBBY" ]] || { echo "no $LOBBY (build it first)" >&2; exit 1; }
for tool in wrk sqlite3 curl /usr/bin/python3; do
    command -v "$tool" >/dev/null || { echo "bench/history needs $tool" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/bench-history.XXXXXX)
LOBBY_PID=
cleanup() {
    [[ -n "$LOBBY_PID" ]] && kill "$LOBBY_PID" 2>/dev/null && wait "$LOBBY_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
DATA="$WORK/data"
DB="$DATA/lobby.sqlite3"
ARGS=(--headless --data-dir "$DATA" --listen 127.0.0.1:0 --max-connections-per-address 0)

start_lobby() {
    "$LOBBY" "${ARGS[@]}" "$@" >"$WORK/log" 2>&1 &
    LOBBY_PID=$!
    for _ in $(seq 1 300); do
        if grep -q 'Lobby listening on' "$WORK/log"; then
            URL=$(grep -m1 'Lobby listening on' "$WORK/log" | grep -o 'http://[0-9.:]*')
            return 0
        fi
        sleep 0.05
    done
    cat "$WORK/log" >&2
    return 1
}
stop_lobby() {
    kill "$LOBBY_PID"
    wait "$LOBBY_PID" || true
    LOBBY_PID=
}

# ---- the data folder
start_lobby --demo
stop_lobby
SECONDS=0
POPULATED=$(/usr/bin/python3 "$HERE/populate.py" "$DB" "$MESSAGES" "$CONVERSATIONS")
echo "bench/history: $POPULATED (${SECONDS}s); $(du -m "$DB" | cut -f1) MB; $(nproc) cores," \
    "$(date -u +%FT%TZ)"
BUSIEST=$(grep -o 'conversation [0-9]* (' <<<"$POPULATED" | grep -o '[0-9]*')

# ---- time to ready (the first start after the upgrade builds the indexes of versions 3 and 4)
if [[ $(sqlite3 "$DB" "SELECT MAX(version) FROM schema_migrations") == 4 ]]; then
    sqlite3 "$DB" "DROP INDEX widget_sessions_by_conversation; DROP INDEX messages_by_media_url;
                   DELETE FROM schema_migrations WHERE version >= 3"
    echo "ready, first start after the upgrade from schema 2 to 4:" \
        "$(/usr/bin/python3 "$HERE/ready.py" 1 "$LOBBY" "${ARGS[@]}")"
fi
echo "ready (process start to 'Lobby listening on', $RUNS starts):" \
    "$(/usr/bin/python3 "$HERE/ready.py" "$RUNS" "$LOBBY" "${ARGS[@]}")"

# ---- the query plans of a page (and of the console's inbox), checked for full scans
plans() {
    local c=$BUSIEST
    cat <<EOF
messages page|SELECT id, conversation_id, sender_kind, sender_id, type, content, media_url, reply_to_id, entity_type, entity_id, client_id, created_at, edited_at, deleted FROM messages WHERE conversation_id = $c ORDER BY id DESC LIMIT 50 OFFSET 100000
message count|SELECT COUNT(*) FROM messages WHERE conversation_id = $c
conversation|SELECT c.id, (SELECT MIN(w.id) FROM widget_sessions w WHERE w.conversation_id = c.id) FROM conversations c WHERE c.id = $c
account|SELECT id FROM accounts WHERE id = 1
receipts of a page|SELECT r.reader_kind, r.reader_id, r.up_to_message_id, r.read_at FROM participants p CROSS JOIN read_receipts r WHERE p.conversation_id = $c AND r.conversation_id = p.conversation_id AND r.reader_kind = p.actor_kind AND r.reader_id = p.actor_id AND r.up_to_message_id BETWEEN 1 AND 50 UNION ALL SELECT r.reader_kind, r.reader_id, r.up_to_message_id, r.read_at FROM participants p CROSS JOIN read_receipts r WHERE p.conversation_id = $c AND r.conversation_id = p.conversation_id AND r.reader_kind = p.actor_kind AND r.reader_id = p.actor_id AND r.up_to_message_id = (SELECT MIN(n.up_to_message_id) FROM read_receipts n WHERE n.conversation_id = p.conversation_id AND n.reader_kind = p.actor_kind AND n.reader_id = p.actor_id AND n.up_to_message_id > 50) ORDER BY up_to_message_id, read_at
console inbox unread|SELECT c.id, COUNT(m.id) FROM conversations c LEFT JOIN participants p ON p.conversation_id = c.id AND p.actor_kind = 'staff' AND p.actor_id = 1 CROSS JOIN messages m WHERE c.site_id = 1 AND m.conversation_id = c.id AND m.id > COALESCE(p.last_read_message_id, 0) AND NOT (m.sender_kind = 'staff' AND m.sender_id = 1) GROUP BY c.id
upload access|SELECT c.id FROM conversations c WHERE c.id IN (SELECT m.conversation_id FROM messages m WHERE m.media_url = '/uploads/chat/x.png' AND m.media_url <> '') ORDER BY c.id
EOF
}
SCANS=()
while IFS='|' read -r name sql; do
    plan=$(sqlite3 "$DB" "EXPLAIN QUERY PLAN $sql")
    [[ -n "${PLANS:-}" ]] && printf '%s:\n%s\n' "$name" "$plan"
    if grep -q 'SCAN' <<<"$plan"; then SCANS+=("$name"); fi
done < <(plans)
if ((${#SCANS[@]})); then
    echo "query plans: full scans in: ${SCANS[*]} (PLANS=1 shows them)"
else
    echo "query plans: every query of a page, the inbox counts and upload access use an index"
fi

# ---- history pages, one request at a time
start_lobby
TOKEN=$(curl -sf -X POST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"admin@lobby.demo","password":"lobby-admin"}' |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
TOTAL=$(sqlite3 "$DB" "SELECT COUNT(*) FROM messages WHERE conversation_id = $BUSIEST")
OLDEST=$(((TOTAL + 49) / 50))
export BENCH_REPORT="$HERE/../rest/report.lua" BENCH_TOKEN="$TOKEN"
TICKS=$(getconf CLK_TCK)
page() { # LABEL PAGE
    local before after out
    export BENCH_PATH="/api/v1/chat/chats/$BUSIEST/messages?page=$2&page_size=50"
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        "$URL$BENCH_PATH") == 200 ]] || { echo "$1: not 200" >&2; exit 1; }
    wrk -t1 -c1 -d1s -s "$HERE/../rest/history.lua" "$URL" >/dev/null
    before=$(awk '{ print $14 + $15 }' "/proc/$LOBBY_PID/stat")
    out=$(wrk -t1 -c1 -d"${DURATION}s" --latency -s "$HERE/../rest/history.lua" "$URL" | grep '^WRK ')
    after=$(awk '{ print $14 + $15 }' "/proc/$LOBBY_PID/stat")
    eval "${out#WRK }"
    ((non2xx == 0 && errors == 0)) || { echo "$1: $non2xx non-2xx, $errors errors" >&2; exit 1; }
    awk -v l="$1" -v r="$requests" -v d="$duration_s" -v t="$((after - before))" -v hz="$TICKS" \
        -v p50="$p50_ms" -v p99="$p99_ms" 'BEGIN {
        printf "%-44s p50 %6.3f ms  p99 %6.3f ms  %6.0f pages/s  server CPU %5.0f us/page\n",
               l, p50, p99, r / d, (t / hz) * 1e6 / r }'
}
echo "history pages of 50, conversation $BUSIEST ($TOTAL messages), end to end over loopback" \
    "(wrk, one connection, sequential requests):"
page "  newest page (page=1)" 1
page "  middle page (page=$((OLDEST / 2)), the longest skip)" "$((OLDEST / 2))"
page "  oldest page (page=$OLDEST, offset $(((OLDEST - 1) * 50)))" "$OLDEST"
