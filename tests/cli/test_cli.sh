#!/usr/bin/env bash
# The real `lobby` binary: admin verbs, headless start, /healthz, SIGTERM, --demo.
set -u
: "${LOBBY:?set LOBBY to the lobby binary}"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
passed=0 failed=0
check() { # name, condition...
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
matches() { [[ $1 =~ $2 ]]; }
admin() { "$LOBBY" admin --data-dir "$work/data" "$@"; }
last_line() { tail -n 1; }

# admin verbs: the created id or key is the last line; errors go to stderr, exit != 0
site_id=$(admin site --slug grand-hotel --name "Grand Hotel" | last_line)
check "site prints its id" [ "$site_id" = 1 ]
staff_id=$(admin add-staff --email desk@grand.example --password s3cret-pass --name "Desk" --role admin | last_line)
customer_id=$(admin add-customer --email c@grand.example --phone +3531 --password s3cret-pass --name "Cus Tomer" | last_line)
check "staff and customers share one id space" [ "$staff_id" != "$customer_id" ]
check "customer id is a number" matches "$customer_id" ^[0-9]+$
room_id=$(admin add-room --number 205 --pin 1234 | last_line)
check "room prints its id" matches "$room_id" ^[0-9]+$
key=$(admin add-api-key --label Website | last_line)
check "api key printed once" matches "$key" ^lobby_[A-Za-z0-9_-]{43}$
faq_id=$(admin add-faq --question "Breakfast?" --answer "7 to 10" | last_line)
check "faq prints its id" matches "$faq_id" ^[0-9]+$

admin add-room --number 205 --pin 1234 >"$work/out" 2>"$work/err"; rc=$?
check "duplicate room fails" [ $rc -ne 0 ]
check "error on stderr" grep -q "exists already" "$work/err"
check "nothing on stdout for an error" [ ! -s "$work/out" ]
admin add-room --number 300 --pin 12 >/dev/null 2>"$work/err"; rc=$?
check "short PIN refused" [ $rc -ne 0 ]
admin add-staff --email x@y.example --name X >/dev/null 2>"$work/err"; rc=$?
check "missing option named" grep -q -- "--password" "$work/err"
admin frobnicate >/dev/null 2>&1; rc=$?
check "unknown verb fails" [ $rc -ne 0 ]
admin site --slug grand-hotel --name Again >/dev/null 2>&1; rc=$?
check "duplicate slug fails" [ $rc -ne 0 ]
admin site --slug second --name Second >/dev/null
admin add-faq --question q --answer a >/dev/null 2>"$work/err"; rc=$?
check "several sites need --site" grep -q -- "--site" "$work/err"
check "--site picks one" bash -c '"$0" admin --data-dir "$1" --site second add-faq --question q --answer a >/dev/null' "$LOBBY" "$work/data"

# headless server: listening line, healthz, SIGTERM exits 0
"$LOBBY" --headless --data-dir "$work/data" --listen 127.0.0.1:0 >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "Lobby listening on" "$work/server.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/server.log")
check "listening line names a real port" matches "$url" ^http://127.0.0.1:[1-9][0-9]*$
check "healthz answers ok" [ "$(curl -s "$url/healthz")" = '{"status":"ok"}' ]
kill -TERM $pid; wait $pid; rc=$?
check "SIGTERM exits 0" [ $rc -eq 0 ]
check "database closed cleanly" sqlite3 "$work/data/lobby.sqlite3" "PRAGMA integrity_check" 
check "SIGINT also exits 0" bash -c '"$0" --headless --data-dir "$1" --listen 127.0.0.1:0 >/dev/null & p=$!; sleep 1; kill -INT $p; wait $p' "$LOBBY" "$work/data"

# --demo fills a new folder and prints credentials; a second start keeps the data
"$LOBBY" --headless --demo --data-dir "$work/demo" --listen 127.0.0.1:0 >"$work/demo.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "Lobby listening on" "$work/demo.log" && break; sleep 0.1; done
check "demo prints staff credentials" grep -q "admin@lobby.demo / lobby-admin" "$work/demo.log"
check "demo prints an API key" grep -Eq "widget API key: lobby_" "$work/demo.log"
kill -TERM $pid; wait $pid
check "demo site exists" [ "$(sqlite3 "$work/demo/lobby.sqlite3" "SELECT slug FROM sites")" = hotel-killarney ]
check "demo rooms exist" [ "$(sqlite3 "$work/demo/lobby.sqlite3" "SELECT COUNT(*) FROM rooms")" = 3 ]
check "demo jwt secret is owner-only" [ "$(stat -c %a "$work/demo/jwt-secret")" = 600 ]
"$LOBBY" --headless --demo --data-dir "$work/demo" --listen 127.0.0.1:0 >"$work/demo2.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "Lobby listening on" "$work/demo2.log" && break; sleep 0.1; done
kill -TERM $pid; wait $pid
check "second demo start keeps one site" [ "$(sqlite3 "$work/demo/lobby.sqlite3" "SELECT COUNT(*) FROM sites")" = 1 ]

# a database from a newer Lobby is refused with a clear message
sqlite3 "$work/data/lobby.sqlite3" "INSERT INTO schema_migrations VALUES (999, 0)"
"$LOBBY" --headless --data-dir "$work/data" --listen 127.0.0.1:0 >"$work/newer.log" 2>&1; rc=$?
check "newer schema refused" [ $rc -ne 0 ]
check "newer schema explained" grep -q "newer than this Lobby" "$work/newer.log"

"$LOBBY" --listen nonsense --headless >/dev/null 2>&1; rc=$?
check "bad --listen refused" [ $rc -eq 2 ]

"$LOBBY" --headless --data-dir "$work/pg" --database mysql://x@localhost/db >/dev/null 2>"$work/err"; rc=$?
check "non-postgresql --database refused" [ $rc -eq 2 ]
check "--database error names the form" grep -q "postgresql://" "$work/err"
"$LOBBY" admin --data-dir "$work/pg" --database nonsense sites >/dev/null 2>&1; rc=$?
check "admin: bad --database refused" [ $rc -eq 2 ]
# The settings file's [database] url is used (here a server that is not there: a clear error).
mkdir -p "$work/pg" && printf '[database]\nurl=postgresql://lobby:pw@127.0.0.1:1/lobby?connect_timeout=2\n' >"$work/pg/lobby.ini"
"$LOBBY" admin --data-dir "$work/pg" site --slug s --name S >/dev/null 2>"$work/err"; rc=$?
check "lobby.ini database used" [ $rc -eq 1 ]
check "connection error reported" grep -qi "connect" "$work/err"
check "no SQLite file made instead" [ ! -e "$work/pg/lobby.sqlite3" ]

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
