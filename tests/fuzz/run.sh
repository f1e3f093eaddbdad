#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, -DLOBBY_FUZZ=ON, in build-fuzz/) and runs each for
# SECONDS (default 60), starting from the committed seeds in tests/fuzz/corpus/<name>/. What a
# run learns goes to build-fuzz/fuzz-corpus/<name>/ (not committed); crashes to
# build-fuzz/fuzz-crashes/<name>/. Prints one line per harness: executions, corpus, crashes.
#   tests/fuzz/run.sh 60            # every harness, 60 s each
#   tests/fuzz/run.sh 600 fuzz_jwt  # one harness
set -uo pipefail
seconds=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${LOBBY_FUZZ_BUILD:-$root/build-fuzz}
all=(fuzz_json fuzz_jwt fuzz_requestguard fuzz_multipart fuzz_assistant fuzz_http fuzz_socket fuzz_wsframe)
harnesses=("${@:-${all[@]}}")
[ $# -gt 0 ] || harnesses=("${all[@]}")

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DLOBBY_FUZZ=ON >/dev/null || exit 1
cmake --build "$build" -j2 --target "${harnesses[@]}" || exit 1

export QT_QPA_PLATFORM=offscreen
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for name in "${harnesses[@]}"; do
    seeds=$root/tests/fuzz/corpus/${name#fuzz_}
    corpus=$build/fuzz-corpus/$name
    crashes=$build/fuzz-crashes/$name
    mkdir -p "$corpus" "$crashes"
    log=$build/fuzz-$name.log
    "$build/tests/fuzz/$name" -max_total_time="$seconds" -max_len=65536 -timeout=30 \
        -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$crashes/" \
        "$corpus" "$seeds" >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    units=$(ls "$corpus" | wc -l)
    found=$(ls "$crashes" | wc -l)
    echo "$name: ${execs:-?} executions in ${seconds} s, corpus $units, crash files $found, exit $rc"
    [ "$rc" -eq 0 ] || { status=1; tail -n 40 "$log"; }
done
exit $status
