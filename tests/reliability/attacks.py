#!/usr/bin/env python3
"""The framing and connection attacks of tests/RELIABILITY.md, by hand, against a running
`lobby --headless`: each attack runs from 127.0.0.1 while /healthz is probed every 50 ms from
127.0.0.2; prints what the attacker got, the server's RSS growth and the slowest probe.

    tests/reliability/attacks.py PORT PID          # every attack
    tests/reliability/attacks.py PORT PID h2c idle # some
"""
import socket, sys, threading, time

PORT, PID = int(sys.argv[1]), int(sys.argv[2])
HUGE = 100663296


def rss_mb():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def connect(source="127.0.0.1"):
    s = socket.socket()
    s.bind((source, 0))
    s.connect(("127.0.0.1", PORT))
    return s


def statuses(data):
    out, rest = [], data
    while b"\r\n\r\n" in rest:
        headEnd = rest.index(b"\r\n\r\n")
        lines = rest[:headEnd].split(b"\r\n")
        length = 0
        for line in lines[1:]:
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if len(rest) < headEnd + 4 + length:
            break
        code = int(lines[0].split()[1])
        if code != 100:
            out.append(code)
        rest = rest[headEnd + 4 + length:]
    return out


def exchange(pieces, seconds=5.0, body=0):
    """Writes the pieces, then up to `body` bytes of filler, reading all the while."""
    s = connect()
    s.settimeout(0.05)
    got, sent, end = b"", 0, time.time() + seconds
    try:
        for piece in pieces:
            s.sendall(piece)
            time.sleep(0.05)
        filler = b" " * 65536
        while time.time() < end:
            if sent < body:
                try:
                    sent += s.send(filler[: min(len(filler), body - sent)])
                except socket.timeout:
                    pass
            try:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
            except socket.timeout:
                pass
    except OSError as e:
        got += f" <{e.__class__.__name__}>".encode()
    s.close()
    return statuses(got), sent


class Probe(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.times, self.failures, self.stop = [], 0, False

    def run(self):
        while not self.stop:
            start = time.time()
            try:
                s = connect("127.0.0.2")
                s.settimeout(2)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                s.close()
                if not data.startswith(b"HTTP/1.1 200"):
                    self.failures += 1
            except OSError:
                self.failures += 1
            self.times.append(time.time() - start)
            time.sleep(0.05)


def head(line, headers=b""):
    return line + b"\r\nHost: 127.0.0.1\r\n" + headers + b"\r\n"


def h2c():
    return exchange([head(b"POST /api/chats/visitors/ HTTP/1.1",
                          b"Upgrade: h2c\r\nConnection: Upgrade\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n" % HUGE)], body=HUGE)


def upgrade_x():
    return exchange([head(b"GET /healthz HTTP/1.1", b"Upgrade: x\r\n") +
                     head(b"POST /api/chats/visitors/ HTTP/1.1",
                          b"Content-Type: application/json\r\nContent-Length: %d\r\n" % HUGE)], body=HUGE)


def te(headers):
    return lambda: exchange([head(b"POST /api/chats/visitors/ HTTP/1.1", headers) +
                             b"%x\r\n" % HUGE], body=HUGE)


def desync():
    fake = head(b"POST /api/chats/visitors/ HTTP/1.1", b"Content-Length: 2\r\n")
    body = b"b" * (1000 - len(fake)) + fake
    return exchange([head(b"GET /healthz HTTP/1.1") + head(b"POST /healthz HTTP/1.1", b"Content-Length: 1000\r\n") + body[:400],
                     body[400:],
                     head(b"POST /api/chats/visitors/ HTTP/1.1",
                          b"Content-Type: application/json\r\nContent-Length: %d\r\n" % HUGE)], body=HUGE)


def five_heads():
    return exchange([head(b"GET /healthz HTTP/1.1", b"X-Pad: " + b"p" * (31 << 10) + b"\r\n") * 5], seconds=2)


def idle(count=1100):
    held = []
    for _ in range(count):
        try:
            held.append(connect())
        except OSError:
            break
    time.sleep(3)
    alive = 0
    for s in held:
        s.setblocking(False)
        try:
            s.recv(1)  # answered or closed: refused
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
        s.close()
    return f"{len(held)} opened, {alive} still open after 3 s", 0


def slowloris(count=300, seconds=40):
    held = [connect() for _ in range(count)]
    line = head(b"GET /healthz HTTP/1.1", b"X-Slow: " + b"s" * 100 + b"\r\n")
    end = time.time() + seconds
    i = 0
    while time.time() < end:
        for s in held:
            try:
                s.send(line[i % len(line):i % len(line) + 1])
            except OSError:
                pass
        i += 1
        time.sleep(1)
    alive = 0
    for s in held:
        s.setblocking(False)
        try:
            s.recv(4096)  # a 408 (head timeout) or 503 (per-address cap), or closed
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
        s.close()
    return f"{alive} of {count} still open after {seconds} s", 0


def refused_bodies(clients=40, size=2 << 20):
    results = []

    def one():
        results.append(exchange([head(b"POST /api/chats/visitors/ HTTP/1.1",
                                      b"Content-Type: application/json\r\nContent-Length: %d\r\n" % size)],
                                seconds=8, body=size)[0][:1] or ["reset/none"])
    threads = [threading.Thread(target=one) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return f"{sum(1 for r in results if r == [413])} of {clients} read 413", 0


def upload_30mb():
    return exchange([head(b"POST /api/v1/chat/upload HTTP/1.1",
                          b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 30000000\r\n")],
                    seconds=10, body=30000000)


ATTACKS = {
    "h2c": h2c, "upgrade-x": upgrade_x,
    "te-folded": te(b"Transfer-Encoding:\r\n chunked\r\n"),
    "te-gzip-folded": te(b"Transfer-Encoding: gzip,\r\n chunked\r\n"),
    "te-chunked-identity": te(b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n"),
    "desync": desync, "five-heads": five_heads, "idle": idle, "slowloris": slowloris,
    "refused-bodies": refused_bodies, "upload-30mb": upload_30mb,
}

for name in sys.argv[3:] or ATTACKS:
    probe = Probe()
    probe.start()
    before = rss_mb()
    result, _ = ATTACKS[name]()
    probe.stop = True
    probe.join()
    times = sorted(probe.times)
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
    print(f"{name:20} {str(result):38} RSS +{rss_mb() - before:6.1f} MB  /healthz median {p(0.5):5.1f} "
          f"p99 {p(0.99):6.1f} max {times[-1] * 1000:6.1f} ms, {len(times)} probes, {probe.failures} failed",
          flush=True)
