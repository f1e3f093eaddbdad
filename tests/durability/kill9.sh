#!/usr/bin/env bash
# Crash durability, outside CI: under a sustained guest message load, kill -9 the
# server KILLS times (default 20) at random moments and restart it; after every kill, each
# acknowledged message (201 with its id) must be in lobby.sqlite3 and
# `PRAGMA integrity_check` must say ok.
#   tests/durability/kill9.sh [KILLS]      (LOBBY=path/to/lobby, default build/app/lobby)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export LOBBY=${LOBBY:-$root/build/app/lobby}
exec python3 "$root/tests/durability/kill9.py" "${1:-20}"
