#!/usr/bin/env bash
# Operating Lobby with the real binary: backup under a storm of messages, restore, the instance
# lock, --log-format json and what log lines never contain.
set -u
: "${LOBBY:?set LOBBY to the lobby binary}"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
passed=0 failed=0
check() { # name, condition...
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
admin() { "$LOBBY" admin --data-dir "$work/data" "$@"; }
first_id() { grep -o '"id": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/'; }
start_lobby() { # log file, extra options...
    local log=$1; shift
    "$LOBBY" --headless --data-dir "$work/data" --listen 127.0.0.1:0 "$@" >"$log" 2>"$log.err" &
    pid=$!
    for _ in $(seq 100); do grep -q "Lobby listening on" "$log" && break; sleep 0.1; done
    url=$(grep -o 'http://[0-9.]*:[0-9]*' "$log")
}

admin site --slug grand --name "Grand Hotel" >/dev/null
key=$(admin add-api-key --label Website | tail -n 1)
# Every log line of every area, the HTTP requests' debug lines included.
export QT_LOGGING_RULES="lobby.*.debug=true"
start_lobby "$work/server.log" --log-format json

# A widget visitor whose messages carry a marker that must never reach the log.
visitor=$(curl -sf -X POST -H "content-type: application/json" -d '{}' "$url/api/chats/visitors/" | first_id)
session=$(curl -sf -H "content-type: application/json" -d "{\"visitor_id\": \"$visitor\"}" "$url/api/chats/sessions/" | first_id)
post() { # text; true when the server acknowledged it
    curl -s -H "X-API-Key: $key" -H "content-type: application/json" \
        -d "{\"session_id\": \"$session\", \"visitor_id\": \"$visitor\", \"message\": \"$1\"}" \
        "$url/api/chats/messages/chat/" | grep -q '"success": *true'
}
check "a message is posted" post "secret-text-first"

# The storm: three writers, each noting a message only after the server acknowledged it.
storm() { # writer number
    local i=0
    while [ ! -e "$work/stop" ]; do
        i=$((i + 1))
        post "storm-$1-$i" && echo "storm-$1-$i" >>"$work/acked-$1"
    done
}
for w in 1 2 3; do storm $w & done
for _ in $(seq 100); do [ -s "$work/acked-3" ] && break; sleep 0.05; done
sleep 0.5
cat "$work"/acked-* >"$work/acked-before-backup"
admin backup "$work/backup.sqlite3" >"$work/backup.out" 2>"$work/backup.err"; rc=$?
sleep 0.3
touch "$work/stop"
for job in $(jobs -p); do [ "$job" = "$pid" ] || wait "$job"; done
check "backup while running exits 0" [ $rc -eq 0 ]
check "backup prints the file" grep -qx "$work/backup.sqlite3" "$work/backup.out"
check "backup passes integrity_check" [ "$(sqlite3 "$work/backup.sqlite3" "PRAGMA integrity_check")" = ok ]
check "backup is owner-only" [ "$(stat -c %a "$work/backup.sqlite3")" = 600 ]
check "the storm was acknowledged before the backup" [ "$(wc -l <"$work/acked-before-backup")" -gt 10 ]
sqlite3 "$work/backup.sqlite3" "SELECT content FROM messages" | sort >"$work/in-backup"
missing=$(sort "$work/acked-before-backup" | comm -23 - "$work/in-backup" | wc -l)
check "every message acknowledged before the backup is in it ($missing missing)" [ "$missing" -eq 0 ]
admin backup "$work/backup.sqlite3" >/dev/null 2>"$work/err"; rc=$?
check "backup over an existing file refused" [ $rc -eq 1 ]
check "and says why" grep -q "exists already" "$work/err"

# GET /metrics on loopback: the storm's messages and commits are counted.
curl -s "$url/metrics" >"$work/metrics"
check "metrics: widget messages stored" grep -Eq '^lobby_messages_stored_total\{family="widget"\} [1-9]' "$work/metrics"
check "metrics: group commits observed" grep -Eq '^lobby_commit_seconds_count [1-9]' "$work/metrics"
check "metrics: batch sizes observed" grep -Eq '^lobby_commit_batch_messages_bucket\{le="\+Inf"\} [1-9]' "$work/metrics"
check "metrics: widget requests by status" grep -Eq '^lobby_http_requests_total\{family="widget",status="200"\} [1-9]' "$work/metrics"
check "metrics: open connections" grep -Eq '^lobby_open_connections [0-9]+$' "$work/metrics"
check "metrics: lockouts" grep -Eq '^lobby_lockouts_total 0$' "$work/metrics"
check "metrics token is owner-only" [ "$(stat -c %a "$work/data/metrics-token")" = 600 ]

admin restore "$work/backup.sqlite3" >/dev/null 2>"$work/err"; rc=$?
check "restore refused while Lobby runs" [ $rc -eq 1 ]
check "restore says Lobby is running" grep -q "Lobby is running" "$work/err"

check "a message after the backup" post "after-the-backup"
kill -TERM $pid; wait $pid; rc=$?
check "SIGTERM exits 0" [ $rc -eq 0 ]

# The JSON log: one object per line with time, level, category, message; no message text.
check "the log is not empty" [ -s "$work/server.log.err" ]
check "every log line is one JSON object" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o, dict) and {"time", "level", "category", "message"} <= o.keys(), line
' "$work/server.log.err"
check "requests are logged in lobby.http" grep -q '"category":"lobby.http"' "$work/server.log.err"
check "no message text in the log" bash -c '! grep -q -e secret-text -e storm- -e after-the-backup "$0"' "$work/server.log.err"
check "no API key in the log" bash -c '! grep -qF "$1" "$0"' "$work/server.log.err" "$key"
"$LOBBY" --log-format xml --headless >/dev/null 2>"$work/err"; rc=$?
check "--log-format xml refused" [ $rc -eq 2 ]

# Restore: the folder goes back to the backup (the later message is gone).
check "the later message is in the live database" [ "$(sqlite3 "$work/data/lobby.sqlite3" "SELECT COUNT(*) FROM messages WHERE content = 'after-the-backup'")" = 1 ]
admin restore "$work/backup.sqlite3" >"$work/out" 2>"$work/err"; rc=$?
check "restore exits 0 once Lobby stopped" [ $rc -eq 0 ]
check "the later message is gone after restore" [ "$(sqlite3 "$work/data/lobby.sqlite3" "SELECT COUNT(*) FROM messages WHERE content = 'after-the-backup'")" = 0 ]
check "the backed-up messages are back" [ "$(sqlite3 "$work/data/lobby.sqlite3" "SELECT COUNT(*) FROM messages WHERE content = 'secret-text-first'")" = 1 ]
start_lobby "$work/restored.log"
check "Lobby serves the restored folder" [ "$(curl -s "$url/healthz")" = '{"status":"ok"}' ]
check "the restored widget key works" post "after-restore"
kill -TERM $pid; wait $pid

# GET /metrics from another address: only with the data folder's token.
lan=$(hostname -I 2>/dev/null | awk '{print $1}')
if [ -n "$lan" ]; then
    start_lobby "$work/lan.log" --listen 0.0.0.0:0
    port=${url##*:}
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://$lan:$port/metrics")
    check "metrics from another address without the token: 404" [ "$code" = 404 ]
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "http://$lan:$port/metrics")
    check "metrics with a wrong token: 404" [ "$code" = 404 ]
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/data/metrics-token")" "http://$lan:$port/metrics")
    check "metrics with the token: 200" [ "$code" = 200 ]
    kill -TERM $pid; wait $pid
fi

# A damaged or foreign file is refused before anything is replaced.
head -c 20000 "$work/backup.sqlite3" >"$work/truncated.sqlite3"
printf 'not a database at all' >"$work/garbage.sqlite3"
sqlite3 "$work/foreign.sqlite3" "CREATE TABLE t (x); INSERT INTO t VALUES (1)"
before=$(sha256sum <"$work/data/lobby.sqlite3")
for bad in truncated garbage foreign missing; do
    admin restore "$work/$bad.sqlite3" >/dev/null 2>"$work/err"; rc=$?
    check "restore of a $bad file refused" [ $rc -eq 1 ]
done
check "a foreign database is named as such" bash -c 'admin() { "$0" admin --data-dir "$1" "$@"; }; "$0" admin --data-dir "$1" restore "$2" 2>&1 | grep -q "not a Lobby database"' "$LOBBY" "$work/data" "$work/foreign.sqlite3"
check "refused restores leave the database alone" [ "$(sha256sum <"$work/data/lobby.sqlite3")" = "$before" ]
admin restore >/dev/null 2>&1; rc=$?
check "restore without FILE is a wrong command line" [ $rc -eq 2 ]
admin backup "$work/x.sqlite3" --name x >/dev/null 2>&1; rc=$?
check "backup takes no verb options" [ $rc -eq 2 ]

# Nightly backups: the folder option is checked, the count kept is 1 to 1000.
"$LOBBY" --headless --backup-keep 0 >/dev/null 2>"$work/err"; rc=$?
check "--backup-keep 0 refused" [ $rc -eq 2 ]

echo "operate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
