'use strict';
// Cross-instance delivery latency, started by bench/cluster/run.sh:
//
//   node latency.js URL_A URL_B [RATE] [SECONDS]        # defaults: 500 msg/s for 20 s
//
// Staff signs in on instance A, the demo customer on instance B; staff opens a conversation
// with the customer. The customer has a v1 WebSocket joined to it on B (cross-instance) and
// another on A (same instance, the reference). A staff v1 WebSocket on A sends RATE messages a
// second for SECONDS; each message's content carries its sequence number and the sender's
// clock (performance.now(), one process for sender and receivers). Latency = arrival on the
// receiving socket - send time. Messages that have not arrived 10 s after the last send are
// lost. Prints p50/p90/p99/max per receiver, the rate achieved and the losses.
const WebSocket = require('ws');
const { performance } = require('node:perf_hooks');

const [urlA, urlB, rateText, secondsText] = process.argv.slice(2);
if (!urlA || !urlB) {
  console.error('usage: node latency.js URL_A URL_B [RATE] [SECONDS]');
  process.exit(2);
}
const rate = Number(rateText || 500);
const seconds = Number(secondsText || 20);
const target99 = Number(process.env.BENCH_TARGET_P99_MS || 50);
const warmup = Number(process.env.BENCH_WARMUP_MESSAGES || 200);

async function post(base, path, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = await response.json();
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

function socket(base, path, token, chatId) {
  const ws = new WebSocket(`${base.replace('http://', 'ws://')}${path}?token=${token}`, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', function first(raw) {
      const frame = JSON.parse(raw.toString());
      if (frame.type === 'connected') ws.send(JSON.stringify({ type: 'join_chat', chat_id: chatId }));
      if (frame.type === 'connected') ws.send(JSON.stringify({ type: 'ping' }));
      if (frame.type === 'pong') {
        ws.off('message', first);
        resolve(ws);
      }
    });
  });
}

// A receiver records the arrival time of each sequence number (first arrival only).
// `sinceStored` is the part after the server took the message: arrival - the message's
// created_at (the wall clock both processes share, millisecond resolution).
function receiver(ws, name) {
  const arrivals = new Map();
  const sinceStored = new Map();
  let duplicates = 0;
  ws.on('message', (raw) => {
    const now = performance.now();
    const wall = Date.now();
    const frame = JSON.parse(raw.toString());
    if (frame.type !== 'message') return;
    const match = /^bench (\d+) ([\d.]+)$/.exec(frame.message.content);
    if (!match) return;
    const seq = Number(match[1]);
    if (arrivals.has(seq)) {
      duplicates += 1;
      return;
    }
    arrivals.set(seq, now - Number(match[2]));
    sinceStored.set(seq, wall - Date.parse(frame.message.created_at));
  });
  return { name, arrivals, sinceStored, duplicates: () => duplicates };
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const staff = await post(urlA, '/api/v1/auth/login', { email: 'admin@lobby.demo', password: 'lobby-admin' });
  const customer = await post(urlB, '/api/v1/customer-auth/login', { email: 'alex@lobby.demo', password: 'lobby-customer' });
  const chat = await post(urlA, '/api/v1/chat/chats', { customer_id: customer.user.id, title: 'Bench' }, staff.access_token);
  const sender = await socket(urlA, '/api/v1/chat/ws/chat/user', staff.access_token, chat.id);
  const onB = receiver(await socket(urlB, '/api/v1/chat/ws/chat/customer', customer.access_token, chat.id), 'cross instance (A -> B)');
  const onA = receiver(await socket(urlA, '/api/v1/chat/ws/chat/customer', customer.access_token, chat.id), 'same instance (A -> A)');
  const echo = receiver(sender, 'sender echo');

  // Warm-up messages (not counted) at the same rate, then the measured run.
  const total = warmup + Math.round(rate * seconds);
  let seq = 0;
  const started = performance.now();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      while (seq < due) {
        sender.send(JSON.stringify({ type: 'send_message', chat_id: chat.id, content: `bench ${seq} ${performance.now()}` }));
        seq += 1;
      }
      if (seq >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  const sendSeconds = (performance.now() - started) / 1000;
  // Wait for stragglers: until everything arrived everywhere, at most 10 s.
  for (let waited = 0; waited < 10000; waited += 50) {
    if ([onA, onB, echo].every((r) => r.arrivals.size >= total)) break;
    await sleep(50);
  }

  const measured = total - warmup;
  console.log(`sent ${measured} messages (after ${warmup} warm-up) at ${rate} msg/s target, ` +
    `${(total / sendSeconds).toFixed(1)} msg/s achieved; stored (echo to the sender): ${echo.arrivals.size}/${total}`);
  let pass = true;
  for (const r of [onA, onB]) {
    const latencies = [];
    for (let s = warmup; s < total; ++s) if (r.arrivals.has(s)) latencies.push(r.arrivals.get(s));
    latencies.sort((x, y) => x - y);
    const lost = measured - latencies.length;
    const fmt = (v) => `${v.toFixed(1)} ms`;
    console.log(`${r.name.padEnd(24)} p50 ${fmt(percentile(latencies, 50))}  p90 ${fmt(percentile(latencies, 90))}  ` +
      `p99 ${fmt(percentile(latencies, 99))}  max ${fmt(latencies.at(-1) ?? NaN)}  lost ${lost}  duplicates ${r.duplicates()}`);
    const stored = [];
    for (let s = warmup; s < total; ++s) if (r.sinceStored.has(s)) stored.push(r.sinceStored.get(s));
    stored.sort((x, y) => x - y);
    console.log(`${''.padEnd(24)} of which after the server took it (created_at -> arrival): ` +
      `p50 ${fmt(percentile(stored, 50))}  p99 ${fmt(percentile(stored, 99))}`);
    if (r === onB && (!(percentile(latencies, 99) <= target99) || lost > 0)) pass = false;
  }
  if (process.env.BENCH_DUMP) {
    // seq, latency on A, latency on B (ms), for a look at the time series.
    const lines = [];
    for (let s = 0; s < total; ++s) lines.push(`${s} ${onA.arrivals.get(s)?.toFixed(2) ?? '-'} ${onB.arrivals.get(s)?.toFixed(2) ?? '-'}`);
    require('node:fs').writeFileSync(process.env.BENCH_DUMP, `${lines.join('\n')}\n`);
  }
  const cpu = process.cpuUsage();
  console.log(`CPU of this client (sender and receivers): ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
  console.log(`target: cross-instance p99 <= ${target99} ms at ${rate} msg/s, nothing lost: ${pass ? 'MET' : 'MISSED'}`);
  for (const ws of [sender]) ws.close();
  process.exit(pass ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
