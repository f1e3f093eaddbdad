"""kill -9 durability run; see kill9.sh."""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

LOBBY = os.environ["LOBBY"]
KILLS = int(sys.argv[1])
HOTEL = "hotel-killarney"
ROOMS = [("101", "1111"), ("102", "2222"), ("205", "1234")]  # the demo's rooms and PINs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


data_dir = tempfile.mkdtemp(prefix="lobby-kill9-")
port = free_port()
base = f"http://127.0.0.1:{port}"
database = os.path.join(data_dir, "lobby.sqlite3")
server = None


def start(demo):
    global server
    args = [LOBBY, "--headless", "--data-dir", data_dir, "--listen", f"127.0.0.1:{port}"]
    server = subprocess.Popen(args + (["--demo"] if demo else []), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("lobby did not start")


def post(path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


acknowledged = {}  # message id -> text
attempts = 0
failed_requests = 0
lock = threading.Lock()
stop = threading.Event()


def guest_load(room, pin):
    """One guest posting as fast as the server answers; records every 201's message id."""
    global attempts, failed_requests
    session = None
    n = 0
    while not stop.is_set():
        try:
            if session is None:
                status, body = post(f"/api/chat/{HOTEL}/guest-session/room/{room}/initialize/",
                                    {"pin": pin})
                if status != 200:
                    time.sleep(0.05)
                    continue
                session = body
            n += 1
            text = f"room {room} message {n}"
            with lock:
                attempts += 1
            status, body = post(
                f"/api/chat/{HOTEL}/conversations/{session['conversation_id']}/messages/send/",
                {"message": text, "sender_type": "guest",
                 "session_token": session["session_token"]})
            if status in (200, 201):
                with lock:
                    acknowledged[int(body["id"])] = text
            else:
                raise OSError(f"status {status}")
        except (OSError, ValueError, KeyError, TypeError):
            with lock:
                failed_requests += 1  # the server is down (killed): not acknowledged
            time.sleep(0.02)


def check():
    """The database after a kill: integrity, and every acknowledged message present."""
    integrity = subprocess.run(["sqlite3", database, "PRAGMA integrity_check"],
                               capture_output=True, text=True).stdout.strip()
    rows = subprocess.run(["sqlite3", database, "SELECT id, content FROM messages"],
                          capture_output=True, text=True).stdout
    stored = {}
    for line in rows.splitlines():
        ident, _, text = line.partition("|")
        stored[int(ident)] = text
    with lock:
        wanted = dict(acknowledged)
    lost = [i for i, text in wanted.items() if stored.get(i) != text]
    return integrity, len(wanted), lost


start(demo=True)
threads = [threading.Thread(target=guest_load, args=room, daemon=True) for room in ROOMS]
for t in threads:
    t.start()
random.seed(int(os.environ.get("KILL9_SEED", time.time())))
total_lost = set()
started = time.time()
try:
    for kill in range(1, KILLS + 1):
        time.sleep(random.uniform(0.3, 3.0))
        server.send_signal(signal.SIGKILL)
        server.wait()
        integrity, count, lost = check()
        total_lost.update(lost)
        print(f"kill {kill:2}: {count} acknowledged so far, lost {len(lost)}, "
              f"integrity_check {integrity}", flush=True)
        if integrity != "ok":
            total_lost.add(-kill)
        start(demo=False)
    time.sleep(1)
finally:
    stop.set()
    for t in threads:
        t.join(timeout=10)
    if server and server.poll() is None:
        server.send_signal(signal.SIGTERM)
        server.wait()
integrity, count, lost = check()
total_lost.update(lost)
print(f"kills {KILLS}, send attempts {attempts}, acknowledged {count}, "
      f"failed requests (server down) {failed_requests}, lost {len(lost)}, "
      f"integrity_check {integrity}, {time.time() - started:.0f} s")
shutil.rmtree(data_dir, ignore_errors=True)
sys.exit(1 if total_lost or integrity != "ok" else 0)
