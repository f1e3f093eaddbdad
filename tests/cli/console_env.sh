#!/usr/bin/env bash
# The console's opt-in environment (README, "Command line"): LOBBY_SIGN_IN signs in and opens the
# newest conversation, LOBBY_STALL_REPORT writes the GUI thread's stalls and the models' updates
# at exit; a wrong password is refused like in the form; without the variables nothing is written.
set -u
: "${LOBBY:?set LOBBY to the lobby binary}"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen
passed=0 failed=0
check() { # name, condition...
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
wait_for() { # file pattern
    for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    return 1
}

LOBBY_STALL_REPORT="$work/stalls.json" LOBBY_SIGN_IN=admin@lobby.demo:lobby-admin \
    "$LOBBY" --demo --data-dir "$work/data" --listen 127.0.0.1:0 >"$work/out" 2>&1 &
pid=$!
check "signs in and opens the newest conversation" \
    wait_for "$work/out" 'Console signed in as admin@lobby.demo, conversation [1-9][0-9]* open'
kill -TERM "$pid"; wait "$pid"
check "exits 0 on SIGTERM" [ $? -eq 0 ]
check "writes the report at exit" [ -s "$work/stalls.json" ]
report() { /usr/bin/python3 -c "import json,sys; r=json.load(open('$work/stalls.json')); print($1)"; }
check "the report has a longest stall" [ "$(report 'r["longest_stall_ms"] >= 0')" = True ]
check "the timer ticked" [ "$(report 'r["totals"]["ticks"] > 0')" = True ]
check "the models' updates are counted (inbox and messages loaded)" \
    [ "$(report 'r["totals"]["resets"] + r["totals"]["rows_inserted"] > 0')" = True ]
check "per second" [ "$(report 'len(r["seconds"]) >= 1')" = True ]

rm -f "$work/stalls.json"
LOBBY_SIGN_IN=admin@lobby.demo:wrong-password \
    "$LOBBY" --data-dir "$work/data" --listen 127.0.0.1:0 >"$work/out" 2>&1 &
pid=$!
check "a wrong password is refused" wait_for "$work/out" 'LOBBY_SIGN_IN: Wrong email or password'
kill -TERM "$pid"; wait "$pid"
check "not signed in" bash -c "! grep -q 'Console signed in' '$work/out'"
check "no report without LOBBY_STALL_REPORT" [ ! -e "$work/stalls.json" ]

echo "console_env: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
