#!/usr/bin/env python3
"""Manual check of the output caps against a real `lobby --headless --demo` (tests/RELIABILITY.md):
1,000 messages of 10,000 characters posted with no stream open (what posting alone costs), then
ten widget event streams that never read while 1,000 more are posted, then twenty streams asking
for the whole history (after=0), then all closed. Prints Lobby's RSS after each step.
    tests/reliability/stream_rss.py build/app/lobby"""
import json, os, re, socket, subprocess, sys, tempfile, time, urllib.request

binary = sys.argv[1]
data = tempfile.mkdtemp(prefix='lobby-rss-')
lobby = subprocess.Popen([binary, '--headless', '--demo', '--data-dir', data, '--listen', '127.0.0.1:0'],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
for line in lobby.stdout:
    match = re.search(r'Lobby listening on (http://[\d.]+:(\d+))', line)
    if match:
        url, port = match.group(1), int(match.group(2))
        break
key = open(os.path.join(data, 'demo-api-key')).read().strip()


def rss():
    with open(f'/proc/{lobby.pid}/status') as status:
        return int(re.search(r'VmRSS:\s+(\d+)', status.read()).group(1)) // 1024


def call(path, body, headers={}):
    request = urllib.request.Request(url + path, json.dumps(body).encode(),
                                     {'Content-Type': 'application/json', **headers})
    return json.load(urllib.request.urlopen(request))['data']


def stalled_stream(path):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(('127.0.0.1', port))
    s.sendall(f'GET {path} HTTP/1.1\r\nHost: x\r\n\r\n'.encode())
    return s


def alive(s):
    """Reads what the stream holds: False when the server has closed it (EOF or reset)."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.settimeout(2)
    try:
        while s.recv(1 << 20):
            pass
        return False
    except socket.timeout:
        return True
    except ConnectionError:
        return False


slowest_health = 0.0


def health():
    global slowest_health
    start = time.monotonic()
    urllib.request.urlopen(url + '/healthz').read()
    slowest_health = max(slowest_health, 1000 * (time.monotonic() - start))


def post_long(session, visitor):
    """Returns the highest RSS seen while posting."""
    peak = rss()
    for i in range(1000):
        if i % 20 == 0:
            peak = max(peak, rss())
            health()
        call('/api/chats/messages/chat/', {'message': f'{i} ' + 'x' * 9990, 'session_id': session,
                                           'visitor_id': visitor}, {'X-API-Key': key})
    return max(peak, rss())


def new_session():
    visitor = call('/api/chats/visitors/', {})['id']
    return call('/api/chats/sessions/', {'visitor_id': visitor})['id'], visitor


print(f'start: {rss()} MiB')
base = rss()
peak = post_long(*new_session())
time.sleep(1)
print(f'1,000 posts, no stream: peak {peak} MiB ({peak - base:+d}), then {rss()} MiB')
session, visitor = new_session()
events = f'/api/chats/sessions/{session}/events/?visitor_id={visitor}'
live = [stalled_stream(events) for _ in range(10)]
time.sleep(0.5)
base = rss()
peak = post_long(session, visitor)
time.sleep(1)
print(f'10 stalled streams + 1,000 posts: peak {peak} MiB ({peak - base:+d}), then {rss()} MiB; '
      f'{sum(not alive(s) for s in live)} of 10 dropped')
base = rss()
catchups = [stalled_stream(events + '&after=0') for _ in range(20)]
for _ in range(30):
    time.sleep(0.1)
    health()
print(f'20 stalled after=0 streams: {rss()} MiB ({rss() - base:+d}); '
      f'{sum(not alive(s) for s in catchups)} of 20 dropped')
for s in live + catchups:
    s.close()
time.sleep(2)
print(f'all closed: {rss()} MiB')
print(f'slowest /healthz during all this: {slowest_health:.1f} ms')
lobby.terminate()
lobby.wait()
