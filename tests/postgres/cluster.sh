#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite and the two-instance scripts.
#
#   cluster.sh start STATE_DIR   initdb + pg_ctl start on a free loopback port; writes the
#                                server's URL to STATE_DIR/url (postgresql://lobby:PW@127.0.0.1:PORT/postgres)
#   cluster.sh stop STATE_DIR    stops the server and removes the cluster
#
# The cluster lives in a fresh temporary folder. PostgreSQL refuses to run as root, so as root
# (CI) the server runs as the `postgres` system user that Debian's package creates.
set -euo pipefail

action=${1:?usage: cluster.sh start|stop STATE_DIR}
state=${2:?usage: cluster.sh start|stop STATE_DIR}

bindir() {
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
    echo "$dir"
}

as_server_user() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port found" >&2
    exit 1
}

stop_cluster() {
    [ -f "$state/cluster-dir" ] || return 0
    local dir
    dir=$(cat "$state/cluster-dir")
    if [ -d "$dir/data" ]; then
        as_server_user "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    rm -f "$state/cluster-dir" "$state/url"
}

case "$action" in
start)
    mkdir -p "$state"
    stop_cluster
    bin=$(bindir)
    dir=$(mktemp -d /tmp/lobby-pg.XXXXXX)
    chmod 0755 "$dir"
    echo "$dir" >"$state/cluster-dir"
    password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
    echo "$password" >"$dir/pwfile"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres: "$dir"
    fi
    as_server_user "$bin/initdb" -D "$dir/data" -U lobby --pwfile="$dir/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null; then
            echo "postgresql://lobby:$password@127.0.0.1:$port/postgres" >"$state/url"
            echo "PostgreSQL listening on 127.0.0.1:$port (cluster in $dir)"
            exit 0
        fi
        echo "pg_ctl start failed on port $port (attempt $attempt):" >&2
        tail -n 5 "$dir/server.log" >&2 || true
    done
    exit 1
    ;;
stop)
    stop_cluster
    ;;
*)
    echo "usage: cluster.sh start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
