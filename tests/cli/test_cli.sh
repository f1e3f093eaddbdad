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
customer_id=$(admin add-customer --email c@grand.example --phone "+353 (1) 555-0100" --password s3cret-pass --name "Cus Tomer" | last_line)
check "staff and customers share one id space" [ "$staff_id" != "$customer_id" ]
check "customer id is a number" matches "$customer_id" ^[0-9]+$
room_id=$(admin add-room --number 205 --pin 1234 | last_line)
check "room prints its id" matches "$room_id" ^[0-9]+$
key=$(admin add-api-key --label Website | last_line)
check "api key printed once" matches "$key" ^lobby_[A-Za-z0-9_-]{43}$
faq_id=$(admin add-faq --question "Breakfast?" --answer "7 to 10" | last_line)
check "faq prints its id" matches "$faq_id" ^[0-9]+$
place=$(admin add-place --name Pool | last_line)
check "a place prints its QR code page" matches "$place" "^/chat/place/p[A-Za-z0-9_-]+$"
admin add-place --name Pool >/dev/null 2>"$work/err"; rc=$?
check "a second Pool is refused" [ $rc -eq 1 ]
category_id=$(admin add-category --name spa --label Spa --department Wellness --amber 10 --red 20 | last_line)
check "a request category prints its id" matches "$category_id" ^[0-9]+$
admin add-category --name spa --label Spa --amber 30 --red 20 >/dev/null 2>"$work/err"; rc=$?
check "red before amber is refused" [ $rc -eq 1 ]
check "set-department names the staff member's department" \
    matches "$(admin set-department --email desk@grand.example --department Wellness)" "is in Wellness$"
admin set-department --email nobody@grand.example --department Wellness >/dev/null 2>"$work/err"; rc=$?
check "set-department of an unknown account is refused" [ $rc -eq 1 ]

admin add-room --number 205 --pin 1234 >"$work/out" 2>"$work/err"; rc=$?
check "duplicate room fails" [ $rc -ne 0 ]
check "error on stderr" grep -q "exists already" "$work/err"
check "nothing on stdout for an error" [ ! -s "$work/out" ]
admin add-room --number 300 --pin 12 >/dev/null 2>"$work/err"; rc=$?
check "short PIN refused" [ $rc -ne 0 ]
admin add-staff --email x@y.example --name X >/dev/null 2>"$work/err"; rc=$?
check "missing option named" grep -q -- "--password" "$work/err"
check "phone stored without its spaces, dashes and parentheses" [ "$(sqlite3 "$work/data/lobby.sqlite3" "SELECT phone FROM accounts WHERE id = $customer_id")" = +35315550100 ]
admin add-customer --email n@grand.example --phone "not a phone" --password s3cret-pass --name N >"$work/out" 2>"$work/err"; rc=$?
check "a phone that is not one is refused (exit 1)" [ $rc -eq 1 ]
check "phone error explains the form" grep -q "not a phone number" "$work/err"
admin add-customer --email n@grand.example --phone "+353 12" --password s3cret-pass --name N >/dev/null 2>&1; rc=$?
check "a phone of 5 digits is refused" [ $rc -eq 1 ]
admin add-customer --email "not an email" --phone +15550123 --password s3cret-pass --name N >/dev/null 2>"$work/err"; rc=$?
check "an email that is not one is refused" [ $rc -eq 1 ]
check "email error names it" grep -q "not an email address" "$work/err"
admin add-staff --email "desk@grand" --password s3cret-pass --name "Desk Two" >/dev/null; rc=$?
check "an email without a dotted domain is an email" [ $rc -eq 0 ]
check "refused accounts are not stored" [ "$(sqlite3 "$work/data/lobby.sqlite3" "SELECT COUNT(*) FROM accounts WHERE name = 'N'")" = 0 ]
admin add-staff --email x@y.example --name X >/dev/null 2>"$work/err"; rc=$?
check "missing option is a wrong command line (exit 2)" [ $rc -eq 2 ]
admin frobnicate >"$work/out" 2>"$work/err"; rc=$?
check "unknown verb exits 2" [ $rc -eq 2 ]
check "unknown verb named on stderr" grep -q "unknown verb 'frobnicate'" "$work/err"
check "unknown verb: usage on stderr" grep -q "^Usage: lobby admin" "$work/err"
check "unknown verb: nothing on stdout" [ ! -s "$work/out" ]
"$LOBBY" admin --data-dir "$work/never" frobnicate >/dev/null 2>&1
check "unknown verb creates no data folder" [ ! -e "$work/never" ]
admin add-room --number 301 --pin 1234 --bogus x >/dev/null 2>"$work/err"; rc=$?
check "unknown option exits 2" [ $rc -eq 2 ]
check "unknown option: usage on stderr" grep -q "^Usage: lobby admin" "$work/err"
admin add-room --number 301 --pin 1234 --label x >/dev/null 2>"$work/err"; rc=$?
check "an option the verb does not take exits 2" [ $rc -eq 2 ]
check "the stray option is named" grep -q -- "add-room does not take --label" "$work/err"
check "nothing was added by a wrong command line" [ "$(sqlite3 "$work/data/lobby.sqlite3" "SELECT COUNT(*) FROM rooms WHERE number = '301'")" = 0 ]
admin >/dev/null 2>"$work/err"; rc=$?
check "admin without a verb exits 2" [ $rc -eq 2 ]
"$LOBBY" admin --help >"$work/out" 2>"$work/err"; rc=$?
check "admin --help exits 0" [ $rc -eq 0 ]
check "admin --help prints usage on stdout" grep -q "^Usage: lobby admin" "$work/out"
check "admin --help documents phone numbers" grep -q "6 to 15 digits" "$work/out"

# --help and --version answer and start nothing, with or without a display
for display in "" ":0"; do
    env -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM DISPLAY="$display" "$LOBBY" --help >"$work/out" 2>"$work/err"; rc=$?
    check "--help exits 0 (DISPLAY='$display')" [ $rc -eq 0 ]
    check "--help prints usage (DISPLAY='$display')" grep -q -- "--data-dir <DIR>" "$work/out"
    check "--help names the program (DISPLAY='$display')" grep -q "^Usage: lobby \[options\]$" "$work/out"
    check "--help starts no server (DISPLAY='$display')" bash -c '! grep -q "No display\|listening" "$0" "$1"' "$work/out" "$work/err"
    env -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM DISPLAY="$display" "$LOBBY" --version >"$work/out" 2>"$work/err"; rc=$?
    check "--version exits 0 (DISPLAY='$display')" [ $rc -eq 0 ]
    check "--version prints the version (DISPLAY='$display')" matches "$(cat "$work/out")" "^lobby [0-9]+\.[0-9]+\.[0-9]+$"
    check "--version prints nothing else (DISPLAY='$display')" [ ! -s "$work/err" ]
done
check "--version is the project's version" [ "$("$LOBBY" --version)" = "lobby $(sed -n 's/^project(Lobby VERSION \([0-9.]*\).*/\1/p' "$(dirname "$0")/../../CMakeLists.txt")" ]
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$LOBBY" --frobnicate >"$work/out" 2>"$work/err"; rc=$?
check "an unknown option exits 2" [ $rc -eq 2 ]
check "an unknown option is named on stderr" grep -q "frobnicate" "$work/err"
check "an unknown option starts nothing" [ ! -s "$work/out" ]
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
demo_key=$(grep -o "widget API key: lobby_[A-Za-z0-9_-]*" "$work/demo.log" | grep -o "lobby_.*")
# A phone login finds the account whichever way the number is written.
"$LOBBY" --headless --data-dir "$work/demo" --listen 127.0.0.1:0 >"$work/demo-login.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "Lobby listening on" "$work/demo-login.log" && break; sleep 0.1; done
demo_url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/demo-login.log")
check "customer signs in with the phone written with spaces and dashes" bash -c 'curl -sf -H "content-type: application/json" -d "{\"phone\": \"+1 555-0100\", \"password\": \"lobby-customer\"}" "$0/api/v1/customer-auth/login" | grep -q access_token' "$demo_url"
kill -TERM $pid; wait $pid
# The demo's PINs and passwords change: a later --demo start prints only what still works.
"$LOBBY" admin --data-dir "$work/demo" check-out --number 205 --pin 9876 >/dev/null
"$LOBBY" --headless --demo --data-dir "$work/demo" --listen 127.0.0.1:0 >"$work/demo2.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "Lobby listening on" "$work/demo2.log" && break; sleep 0.1; done
kill -TERM $pid; wait $pid
check "second demo start keeps one site" [ "$(sqlite3 "$work/demo/lobby.sqlite3" "SELECT COUNT(*) FROM sites")" = 1 ]
check "second demo start says the demo data was made earlier" grep -q "made at an earlier start" "$work/demo2.log"
check "a changed PIN is not printed" bash -c '! grep -q "205 -> 1234" "$0"' "$work/demo2.log"
check "unchanged PINs still are" grep -q "101 -> 1111, 102 -> 2222" "$work/demo2.log"
check "the change is mentioned" grep -q "1 demo sign-in(s) or PIN(s) were changed" "$work/demo2.log"
check "unchanged passwords still are" grep -q "admin@lobby.demo / lobby-admin" "$work/demo2.log"
check "the kept widget key is printed again" grep -q "widget API key: $demo_key" "$work/demo2.log"
# The kept key revoked: the printed key is the new, working one.
sqlite3 "$work/demo/lobby.sqlite3" "UPDATE api_keys SET revoked_at = 1"
"$LOBBY" --headless --demo --data-dir "$work/demo" --listen 127.0.0.1:0 >"$work/demo3.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "Lobby listening on" "$work/demo3.log" && break; sleep 0.1; done
demo_url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/demo3.log")
new_key=$(grep -o "widget API key: lobby_[A-Za-z0-9_-]*" "$work/demo3.log" | grep -o "lobby_.*")
check "a revoked widget key is not printed" [ -n "$new_key" ] && [ "$new_key" != "$demo_key" ]
first_id() { grep -o '"id": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/'; }
visitor=$(curl -sf -X POST -H "content-type: application/json" -d '{}' "$demo_url/api/chats/visitors/" | first_id)
session=$(curl -sf -H "content-type: application/json" -d "{\"visitor_id\": \"$visitor\"}" "$demo_url/api/chats/sessions/" | first_id)
curl -s -H "X-API-Key: $new_key" -H "content-type: application/json" -d "{\"session_id\": \"$session\", \"visitor_id\": \"$visitor\", \"message\": \"hello\"}" "$demo_url/api/chats/messages/chat/" >"$work/out"
check "the printed widget key works" grep -q '"success": *true' "$work/out"
kill -TERM $pid; wait $pid

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
