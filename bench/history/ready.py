#!/usr/bin/python3
"""Time to ready: from starting `lobby --headless ...` to its "Lobby listening on" line, measured
from this process (fork/exec included), RUNS times; each run is stopped with SIGTERM before the
next starts. Prints the times in ms and the median and maximum.

    ready.py RUNS LOBBY ARGS...
"""
import signal
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
command = sys.argv[2:]
times = []
for _ in range(runs):
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for line in process.stdout:
        if line.startswith(b"Lobby listening on"):
            times.append((time.perf_counter() - started) * 1000)
            break
    else:
        sys.exit(f"lobby exited without listening (code {process.wait()})")
    process.send_signal(signal.SIGTERM)
    process.stdout.read()
    process.wait()
print("ready_ms=" + ",".join(f"{t:.0f}" for t in times) +
      f" median_ms={statistics.median(times):.0f} max_ms={max(times):.0f}")
