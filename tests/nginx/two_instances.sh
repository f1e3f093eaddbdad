#!/usr/bin/env bash
# Two headless Lobby instances on one PostgreSQL behind Debian's nginx, all on loopback: the
# setup of README's "PostgreSQL and several instances", really run.
#
#   LOBBY=build/app/lobby tests/nginx/two_instances.sh        # starts its own PostgreSQL
#   LOBBY_PG_URL_FILE=build/postgres/url ...                  # or uses a running one
#
# Checks that nginx spreads requests over both instances and passes WebSocket upgrades (a
# Pusher socket through nginx gets pusher:connection_established), then stops everything.
set -euo pipefail
: "${LOBBY:?set LOBBY to the lobby binary}"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/lobby-nginx.XXXXXX)
chmod 0755 "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "${own_cluster:-}" ] && bash "$here/../postgres/cluster.sh" stop "$work/pg" || true
    [ -n "${schema:-}" ] && psql "$server" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${LOBBY_PG_URL_FILE:-}" ]; then
    server=$(cat "$LOBBY_PG_URL_FILE")
else
    own_cluster=1
    bash "$here/../postgres/cluster.sh" start "$work/pg"
    server=$(cat "$work/pg/url")
fi
# A schema of its own, so that this runs beside other tests on one server.
schema=lobby_nginx_$$
psql "$server" -qc "CREATE SCHEMA $schema"
database="$server?options=-csearch_path%3D$schema"

free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 30000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

# Both instances share the data folder (JWT secret, Pusher app); on several machines, copy
# DATA/jwt-secret and DATA/pusher-app to each and share DATA/uploads.
# Not called in a $(...) subshell: the pids must reach cleanup, or the instances outlive the test.
start_lobby() { # name, extra args...; sets $started_port
    local name=$1; shift
    "$LOBBY" --headless --data-dir "$work/data" --database "$database" --listen 127.0.0.1:0 "$@" \
        >"$work/$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 200); do
        grep -q "Lobby listening on" "$work/$name.log" && break
        sleep 0.1
    done
    started_port=$(sed -n 's/.*Lobby listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/$name.log")
}
start_lobby a --demo
port_a=$started_port
start_lobby b
port_b=$started_port
[ -n "$port_a" ] && [ -n "$port_b" ] || { cat "$work"/*.log >&2; exit 1; }
echo "instances on 127.0.0.1:$port_a and 127.0.0.1:$port_b"

port=$(free_port)
mkdir -p "$work/tmp"
chmod 0777 "$work/tmp"
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" -e "s|@A@|$port_a|g" -e "s|@B@|$port_b|g" \
    "$here/nginx.conf.in" >"$work/nginx.conf"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -p "$work" -e "$work/error.log" -c "$work/nginx.conf"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
echo "nginx on 127.0.0.1:$port"

failed=0
check() { # name, condition...
    local name=$1; shift
    if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; failed=1; fi
}

# Round robin: both instances answer through nginx.
for _ in $(seq 8); do
    curl -s -D - -o /dev/null "http://127.0.0.1:$port/healthz" | tr -d '\r' |
        sed -n 's/^[Xx]-[Ll]obby-[Uu]pstream: //p'
done | sort -u >"$work/upstreams"
check "both instances serve through nginx" grep -q ":$port_a" "$work/upstreams"
check "both instances serve through nginx (b)" grep -q ":$port_b" "$work/upstreams"

# A WebSocket upgrade through nginx: the Pusher socket says hello.
key=$(sed -n 's/.*"key" *: *"\([^"]*\)".*/\1/p' "$work/data/pusher-app")
curl -s -i -N --max-time 3 --http1.1 \
    -H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" \
    -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" \
    "http://127.0.0.1:$port/app/$key?protocol=7" >"$work/ws.out" 2>/dev/null || true
check "WebSocket upgrade passes nginx" grep -q "101 Switching Protocols" "$work/ws.out"
check "Pusher hello through nginx" grep -q "pusher:connection_established" "$work/ws.out"

# A guest signs in through nginx, and a staff reply sent straight to instance A is then read
# through nginx (whichever instance answers).
init=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"pin":"1234"}' \
    "http://127.0.0.1:$port/api/chat/hotel-killarney/guest-session/room/205/initialize/")
token=$(echo "$init" | sed -n 's/.*"session_token" *: *"\([^"]*\)".*/\1/p')
conversation=$(echo "$init" | sed -n 's/.*"conversation_id" *: *\([0-9]*\).*/\1/p')
check "guest session through nginx" [ -n "$token" ]
for _ in $(seq 4); do
    curl -s "http://127.0.0.1:$port/api/chat/hotel-killarney/conversations/$conversation/messages/?session_token=$token"
    echo
done >"$work/messages.out"
check "either instance reads the stay" [ "$(grep -c "\"conversation_id\":$conversation" "$work/messages.out")" -eq 4 ]

exit $failed
