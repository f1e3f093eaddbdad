'use strict';
// The soak load, started by tests/soak/soak.sh against a running headless Lobby with
// the demo data:
//
//   node soak.js URL SERVER_PID DATA_DIR MINUTES CONNECTIONS
//
// Opens CONNECTIONS WebSockets — app v1 staff and customer sockets joined to a conversation,
// hotel guests' Pusher sockets subscribed to their private room channel (authorized through
// /api/chat/pusher/auth/), direct chat sockets — then for MINUTES every second closes ~5 % of
// them (half with a clean close handshake, half by dropping the TCP connection) and opens as
// many new ones, while messages keep flowing through the real APIs (a v1 message, a staff reply
// to each room over the guest REST API and, every 5 s, a direct message). Every 10 s it samples
// the server's VmRSS and open file descriptors. At the end it closes every client and waits for
// the server's descriptors to come back to the baseline (taken after a first round of every
// kind of connection, so that whatever the server opens once is in it).
//
// Pass: RSS at the end within 5 % of the steady state (the first sample after a one-minute
// warm-up at full load), descriptors back to the baseline, /healthz answering. Exit 1 otherwise.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const WebSocket = require('ws');

const [url, pidText, dataDir, minutesText, connectionsText] = process.argv.slice(2);
if (!url || !pidText || !dataDir) {
  console.error('usage: node soak.js URL SERVER_PID DATA_DIR [MINUTES] [CONNECTIONS]');
  process.exit(2);
}
const pid = Number(pidText);
const minutes = Number(minutesText || 10);
const total = Number(connectionsText || 2000);
const wsUrl = url.replace('http://', 'ws://');
const warmupSeconds = Number(process.env.SOAK_WARMUP_SECONDS || 60);
const churnShare = Number(process.env.SOAK_CHURN ?? 0.05);
const withTraffic = process.env.SOAK_TRAFFIC !== '0';
const maxGrowth = 0.05;
const hotel = 'hotel-killarney';
const rooms = [['101', '1111'], ['102', '2222'], ['205', '1234']];
// Share of each kind of connection.
const mix = [['v1staff', 0.35], ['v1customer', 0.1], ['pusher', 0.4], ['direct', 0.15]];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const stats = { opened: 0, closedByUs: 0, dropped: 0, failed: 0, frames: 0, sent: 0, sendErrors: 0, unexpectedClose: 0 };

function statusKb(field) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]);
}
const rssKb = () => statusKb('VmRSS');
const fdCount = () => fs.readdirSync(`/proc/${pid}/fd`).length;

// One TCP connection per request, closed after the answer (no keep-alive pool), so that the
// server's descriptor count depends only on the WebSockets.
function api(method, urlPath, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}${urlPath}`, { method, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body: text ? JSON.parse(text) : null }));
    });
    request.on('error', reject);
    request.end(payload);
  });
}
async function must(promise, what) {
  const response = await promise;
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

// ---- the world: tokens, conversations, guest sessions -------------------------------------
let world;
async function setUp() {
  const staff = await must(api('POST', '/api/v1/auth/login', { email: 'admin@lobby.demo', password: 'lobby-admin' }), 'staff login');
  const customer = await must(api('POST', '/api/v1/customer-auth/login', { email: 'alex@lobby.demo', password: 'lobby-customer' }), 'customer login');
  const maria = await must(api('POST', '/api/auth/login/', { email: 'maria@lobby.demo', password: 'lobby-staff' }), 'maria login');
  const chat = await must(api('POST', '/api/v1/chat/chats',
    { customer_id: customer.user.id, title: 'Soak', initial_message: 'soak starts' }, staff.access_token), 'create chat');
  const guests = [];
  for (const [room, pin] of rooms) {
    guests.push(await must(api('POST', `/api/chat/${hotel}/guest-session/room/${room}/initialize/`, { pin }), `room ${room}`));
  }
  const pusherKey = JSON.parse(fs.readFileSync(path.join(dataDir, 'pusher-app'), 'utf8')).key;
  world = {
    staffToken: staff.access_token, staffId: staff.user.id,
    customerToken: customer.access_token, customerId: customer.user.id,
    mariaToken: maria.tokens.access, mariaId: maria.user.id,
    chatId: chat.id, guests, pusherKey,
  };
}

// ---- connections ---------------------------------------------------------------------------
const live = new Set();
let draining = false;

function open(kind) {
  let target;
  if (kind === 'v1staff') target = `${wsUrl}/api/v1/chat/ws/chat/user?token=${world.staffToken}`;
  else if (kind === 'v1customer') target = `${wsUrl}/api/v1/chat/ws/chat/customer?token=${world.customerToken}`;
  else if (kind === 'pusher') target = `${wsUrl}/app/${world.pusherKey}?protocol=7&client=soak&version=1`;
  else target = `${wsUrl}/ws/chat/${world.mariaId}/?token=${world.customerToken}`;
  const ws = new WebSocket(target, { perMessageDeflate: false, handshakeTimeout: 30000 });
  const connection = { kind, ws, ours: false };
  const guest = world.guests[Math.floor(Math.random() * world.guests.length)];
  const ready = new Promise((resolve) => {
    ws.on('open', () => {
      stats.opened += 1;
      live.add(connection);
      if (kind === 'v1staff' || kind === 'v1customer') {
        ws.send(JSON.stringify({ type: 'join_chat', chat_id: world.chatId }));
      }
      resolve(true);
    });
    ws.on('error', () => { stats.failed += 1; resolve(false); });
  });
  ws.on('message', async (raw) => {
    stats.frames += 1;
    if (kind !== 'pusher') return;
    const frame = JSON.parse(raw.toString());
    if (frame.event === 'pusher:subscription_error') stats.failed += 1;
    if (frame.event === 'pusher:ping') ws.send(JSON.stringify({ event: 'pusher:pong', data: {} }));
    if (frame.event !== 'pusher:connection_established') return;
    const socketId = JSON.parse(frame.data).socket_id;
    try {
      const auth = await api('POST', '/api/chat/pusher/auth/',
        { socket_id: socketId, channel_name: guest.pusher_channel }, guest.session_token);
      if (auth.status !== 200) throw new Error(`auth ${auth.status}`);
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: guest.pusher_channel, auth: auth.body.auth } }));
      }
    } catch {
      stats.failed += 1;
    }
  });
  ws.on('close', () => {
    if (live.delete(connection) && !draining) stats.unexpectedClose += 1;
  });
  return ready.then(() => connection);
}

function pickKind() {
  let r = Math.random();
  for (const [kind, share] of mix) {
    if ((r -= share) < 0) return kind;
  }
  return mix[0][0];
}

async function openMany(kinds, concurrency = 50) {
  const queue = [...kinds];
  const workers = Array.from({ length: concurrency }, async () => {
    while (queue.length) await open(queue.shift());
  });
  await Promise.all(workers);
}

function closeOne(connection) {
  connection.ours = true;
  live.delete(connection);
  if (Math.random() < 0.5) {
    stats.closedByUs += 1;
    connection.ws.close(1000);
  } else {
    stats.dropped += 1; // the TCP connection goes away without a close handshake
    connection.ws.terminate();
  }
}

async function closeAll() {
  draining = true;
  const all = [...live];
  const closed = all.map((c) => new Promise((resolve) => {
    c.ws.once('close', resolve);
    closeOne(c);
  }));
  await Promise.all(closed);
}

// ---- traffic through the APIs ----------------------------------------------------------------
let sender; // a v1 staff socket that posts to the soak conversation
let directSender; // maria's direct socket towards the customer
async function startSenders() {
  sender = new WebSocket(`${wsUrl}/api/v1/chat/ws/chat/user?token=${world.staffToken}`);
  directSender = new WebSocket(`${wsUrl}/ws/chat/${world.customerId}/?token=${world.mariaToken}`);
  await Promise.all([sender, directSender].map((ws) => new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  })));
  sender.send(JSON.stringify({ type: 'join_chat', chat_id: world.chatId }));
}
let tick = 0;
async function traffic() {
  tick += 1;
  const stamp = `soak ${tick} ${Date.now()}`;
  sender.send(JSON.stringify({ type: 'send_message', chat_id: world.chatId, content: stamp }));
  stats.sent += 1;
  if (tick % 5 === 0) {
    directSender.send(JSON.stringify({ message: stamp }));
    stats.sent += 1;
  }
  await Promise.all(world.guests.map(async (guest) => {
    const sent = await api('POST', `/api/chat/${hotel}/conversations/${guest.conversation_id}/messages/send/`,
      { message: stamp, sender_type: 'staff', staff_id: world.staffId }, world.staffToken).catch(() => ({ status: 0 }));
    if (sent.status === 201) stats.sent += 1;
    else stats.sendErrors += 1;
  }));
}

// ---- the run ----------------------------------------------------------------------------------
async function waitForFds(target, seconds) {
  for (let i = 0; i < seconds * 2; ++i) {
    if (fdCount() <= target) return fdCount();
    await sleep(500);
  }
  return fdCount();
}

// The descriptor count once it has stopped changing for 3 s (closing sockets take a moment).
async function settledFds() {
  let last = fdCount();
  for (let stable = 0; stable < 6; ++stable) {
    await sleep(500);
    const now = fdCount();
    if (now !== last) stable = -1;
    last = now;
  }
  return last;
}

async function main() {
  await setUp();
  await startSenders();
  const idleFds = fdCount();
  // A first round of every kind of connection, all closed again: the baseline includes
  // whatever the server opens once and keeps.
  await openMany(mix.flatMap(([kind]) => Array(20).fill(kind)));
  await sleep(1000);
  await closeAll();
  draining = false;
  const baselineFds = await settledFds();
  const baselineRss = rssKb();
  console.log(`server pid ${pid}: ${idleFds} fds idle, baseline ${baselineFds} fds, ${(baselineRss / 1024).toFixed(1)} MB RSS`);

  const started = Date.now();
  await openMany(Array.from({ length: total }, pickKind));
  const connectSeconds = (Date.now() - started) / 1000;
  console.log(`${live.size} connections open in ${connectSeconds.toFixed(1)} s (${stats.failed} failed)`);

  const rows = [];
  const samples = [];
  const runStart = Date.now();
  const sample = () => {
    const t = Math.round((Date.now() - runStart) / 1000);
    const s = { t, rss: rssKb(), anon: statusKb('RssAnon'), fds: fdCount(), open: live.size };
    samples.push(s);
    rows.push([t, s.open, (s.rss / 1024).toFixed(1), (s.anon / 1024).toFixed(1), s.fds, stats.opened, stats.closedByUs, stats.dropped, stats.frames]);
    console.log(rows.at(-1).map((v) => String(v).padStart(10)).join(''));
  };
  console.log(['t (s)', 'open', 'RSS (MB)', 'anon (MB)', 'fds', 'opened', 'closed', 'dropped', 'frames in'].map((h) => h.padStart(10)).join(''));
  sample();
  const end = runStart + minutes * 60 * 1000;
  let nextSample = runStart + 10000;
  while (Date.now() < end) {
    const second = Date.now();
    const victims = [...live].filter(() => Math.random() < churnShare);
    for (const victim of victims) closeOne(victim);
    const refill = Math.max(0, total - live.size);
    const reopening = openMany(Array.from({ length: refill }, pickKind), 25);
    if (withTraffic) await traffic();
    await reopening;
    if (Date.now() >= nextSample) {
      sample();
      nextSample += 10000;
    }
    const rest = 1000 - (Date.now() - second);
    if (rest > 0) await sleep(rest);
  }
  sample();
  const steady = samples.find((s) => s.t >= warmupSeconds) || samples[0];
  const last = samples.at(-1);
  const peakRss = Math.max(...samples.map((s) => s.rss));

  // Every client closes (the two senders stay, as they did for the baseline).
  await closeAll();
  const endFds = await waitForFds(baselineFds, 60);
  const health = await api('GET', '/healthz').then((r) => r.status).catch(() => 0);
  sender.close();
  directSender.close();

  const growth = (last.rss - steady.rss) / steady.rss;
  console.log('');
  console.log(`connections: ${total} target, ${stats.opened} opened in all, ${stats.closedByUs} closed cleanly and ${stats.dropped} dropped by the clients, ${stats.failed} failed, ${stats.unexpectedClose} closed by the server`);
  console.log(`messages sent through the APIs: ${stats.sent} (${stats.sendErrors} errors); frames received: ${stats.frames}`);
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| RSS at baseline (no clients) | ${(baselineRss / 1024).toFixed(1)} MB |`);
  console.log(`| RSS steady state (t = ${steady.t} s) | ${(steady.rss / 1024).toFixed(1)} MB |`);
  console.log(`| RSS at the end (t = ${last.t} s) | ${(last.rss / 1024).toFixed(1)} MB |`);
  console.log(`| RSS peak | ${(peakRss / 1024).toFixed(1)} MB |`);
  console.log(`| RSS growth, steady state → end | ${(growth * 100).toFixed(2)} % (limit ${maxGrowth * 100} %) |`);
  console.log(`| fds: idle / baseline / at full load / after all clients closed | ${idleFds} / ${baselineFds} / ${last.fds} / ${endFds} |`);
  console.log(`| /healthz after the run | ${health} |`);
  const failures = [];
  if (growth > maxGrowth) failures.push(`RSS grew ${(growth * 100).toFixed(2)} %`);
  if (endFds > baselineFds) failures.push(`${endFds - baselineFds} file descriptors leaked`);
  if (health !== 200) failures.push('/healthz does not answer');
  if (minutes * 60 < warmupSeconds + 10) failures.push('the run is shorter than the warm-up');
  console.log(failures.length ? `FAIL: ${failures.join('; ')}` : 'PASS');
  process.exit(failures.length ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
