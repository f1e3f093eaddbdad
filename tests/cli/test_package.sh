#!/usr/bin/env bash
# The Debian package: cpack builds it, its control file declares the dependencies, its files
# validate (AppStream, systemd), and the packaged binary runs headless against a temporary data
# folder. The package is unpacked with dpkg -x into a temporary root rather than installed with
# dpkg -i: ctest runs suites in parallel (and several worktrees share a machine), and a dpkg -i
# would take the machine-wide dpkg lock and replace /usr/bin/lobby under everyone else.
# LOBBY_PACKAGE_INSTALL=1 (CI, as root) installs it with dpkg -i and checks the installed unit too.
set -u
: "${BUILD:?set BUILD to the build folder}" "${VERSION:?set VERSION}"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
passed=0 failed=0
check() {
    local name=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}

(cd "$BUILD" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb="$work/out/lobby_${VERSION}_amd64.deb"
check "cpack makes lobby_${VERSION}_amd64.deb" [ -f "$deb" ]
dpkg-deb -I "$deb" >"$work/info"
depends=$(sed -n 's/^ Depends: //p' "$work/info")
for dep in libqt6core6 libqt6quick6 libsodium23 libqrencode4 libqt6sql6-sqlite qml6-module-qtquick-controls; do
    check "Depends names $dep" grep -q "$dep" <<<"$depends"
done
# Every declared dependency is one this machine has (what dpkg -i would need).
missing=""
IFS=',' read -ra alternatives <<<"$depends"
for alt in "${alternatives[@]}"; do
    name=$(sed 's/([^)]*)//; s/|.*//; s/ //g' <<<"$alt")
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" || missing="$missing $name"
done
check "every dependency is installable here (missing:$missing)" [ -z "$missing" ]

root="$work/root"
dpkg -x "$deb" "$root"
for file in usr/bin/lobby usr/share/applications/lobby.desktop \
    usr/share/metainfo/io.github.lobby.Lobby.metainfo.xml \
    usr/share/icons/hicolor/scalable/apps/lobby.svg usr/share/icons/hicolor/256x256/apps/lobby.png \
    lib/systemd/system/lobby.service usr/lib/sysusers.d/lobby.conf; do
    check "package has /$file" [ -e "$root/$file" ]
done
check "metainfo passes appstreamcli validate" appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.lobby.Lobby.metainfo.xml"
check "metainfo carries the version" grep -q "release version=\"$VERSION\"" "$root/usr/share/metainfo/io.github.lobby.Lobby.metainfo.xml"
# systemd-analyze verify wants the unit's ExecStart to exist: a copy points at the unpacked one.
mkdir -p "$work/units"
sed "s|/usr/bin/lobby|$root/usr/bin/lobby|" "$root/lib/systemd/system/lobby.service" >"$work/units/lobby.service"
check "lobby.service passes systemd-analyze verify" bash -c 'out=$(systemd-analyze verify "$0" 2>&1); echo "$out"; [ -z "$out" ]' "$work/units/lobby.service"
for option in "StateDirectory=lobby" "User=lobby" "ProtectSystem=strict" "NoNewPrivileges=yes" "PrivateTmp=yes" "--data-dir /var/lib/lobby"; do
    check "lobby.service has $option" grep -q -- "$option" "$work/units/lobby.service"
done

bin="$root/usr/bin/lobby"
check "packaged lobby --version is the package's" [ "$("$bin" --version)" = "lobby $VERSION" ]
"$bin" admin --data-dir "$work/data" site --slug s --name S >/dev/null
"$bin" --headless --data-dir "$work/data" --listen 127.0.0.1:0 >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "Lobby listening on" "$work/server.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/server.log")
check "packaged lobby serves /healthz" [ "$(curl -s "$url/healthz")" = '{"status":"ok"}' ]
kill -TERM $pid; wait $pid; rc=$?
check "packaged lobby stops on SIGTERM with 0" [ $rc -eq 0 ]

if [ "${LOBBY_PACKAGE_INSTALL:-}" = 1 ]; then
    dpkg -i "$deb" >"$work/dpkg.log" 2>&1; rc=$?
    check "dpkg -i installs the package" [ $rc -eq 0 ]
    check "installed lobby --version" [ "$(/usr/bin/lobby --version)" = "lobby $VERSION" ]
    check "the lobby system user exists" getent passwd lobby
    check "installed unit passes systemd-analyze verify" bash -c '[ -z "$(systemd-analyze verify /lib/systemd/system/lobby.service 2>&1)" ]'
fi

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
