'use strict';
// Two real headless Lobby instances on one PostgreSQL (a fresh schema on the server that
// tests/postgres.cmake starts), sharing one data folder (JWT secret, Pusher app): what is sent
// through instance A reaches the v1 WebSocket and pusher-js clients of instance B, typing and
// presence included, and the other way round.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const WebSocket = require('ws');
const { startLobby } = require('./lobby');
const { staffToken, api, initialize, client, subscribe, nextEvent } = require('./guestpusher');

const serverUrl = fs.readFileSync(process.env.LOBBY_PG_URL_FILE, 'utf8').trim();
const schema = `lobby_cluster_${crypto.randomBytes(4).toString('hex')}`;
const database = `${serverUrl}?options=-csearch_path%3D${schema}`;
const psql = (sql) => execFileSync('psql', [serverUrl, '-v', 'ON_ERROR_STOP=1', '-qc', sql],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
const hotel = 'hotel-killarney';

let a;
let b;
const sockets = [];

// A v1 WebSocket that queues every event by type.
function v1Socket(lobby, path, token) {
  const ws = new WebSocket(`${lobby.wsUrl}${path}?token=${token}`);
  sockets.push(ws);
  const queue = [];
  const waiting = [];
  ws.on('message', (raw) => {
    queue.push(JSON.parse(raw));
    for (const wait of [...waiting]) wait();
  });
  ws.next = (type, match = () => true) => new Promise((resolve) => {
    const take = () => {
      const index = queue.findIndex((event) => event.type === type && match(event));
      if (index < 0) return false;
      resolve(queue.splice(index, 1)[0]);
      waiting.splice(waiting.indexOf(take), 1);
      return true;
    };
    waiting.push(take);
    take();
  });
  ws.sendJson = (object) => ws.send(JSON.stringify(object));
  return ws;
}

async function login(lobby, path, body) {
  const response = await api(lobby, 'POST', path, body);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

before(async () => {
  psql(`CREATE SCHEMA ${schema}`);
  a = await startLobby({ demo: true, database });
  b = await startLobby({ dataDir: a.dataDir, database });
  assert.match(a.output(), /Database: postgresql:\/\/lobby@127\.0\.0\.1:\d+\/postgres/);
  assert.doesNotMatch(a.output(), /:[^@/]+@127/); // no password printed
});

after(async () => {
  for (const ws of sockets) ws.terminate();
  if (b) await b.close();
  if (a) await a.close();
  fs.rmSync(a.dataDir, { recursive: true, force: true });
  psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

test('a v1 message sent through instance A reaches a WebSocket on instance B', { timeout: 60000 }, async () => {
  const staff = (await login(a, '/api/v1/auth/login', { email: 'admin@lobby.demo', password: 'lobby-admin' })).access_token;
  const customerLogin = await login(b, '/api/v1/customer-auth/login', { email: 'alex@lobby.demo', password: 'lobby-customer' });
  const customer = customerLogin.access_token;
  const me = customerLogin.user;
  const created = await api(a, 'POST', '/api/v1/chat/chats', { customer_id: me.id, title: 'Across' }, staff);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const chatId = created.body.id;

  const onB = v1Socket(b, '/api/v1/chat/ws/chat/customer', customer);
  await onB.next('connected');
  onB.sendJson({ type: 'join_chat', chat_id: chatId });
  onB.sendJson({ type: 'ping' });
  await onB.next('pong'); // frames are handled in order: B has joined
  const onA = v1Socket(a, '/api/v1/chat/ws/chat/user', staff);
  await onA.next('connected');
  onA.sendJson({ type: 'join_chat', chat_id: chatId });
  onA.sendJson({ type: 'ping' });
  await onA.next('pong');

  onA.sendJson({ type: 'send_message', chat_id: chatId, content: 'Hello from instance A' });
  const received = await onB.next('message');
  assert.equal(received.message.content, 'Hello from instance A');
  assert.equal(received.message.chat_id, chatId);
  assert.equal(received.message.sender_type, 'user');

  // Typing and read receipts travel too, and B's answer comes back to A.
  onA.sendJson({ type: 'typing', chat_id: chatId, is_typing: true });
  assert.equal((await onB.next('typing')).is_typing, true);
  onB.sendJson({ type: 'read_message', chat_id: chatId, message_id: received.message.id });
  const receipt = await onA.next('read_receipt');
  assert.equal(receipt.message_id, received.message.id);
  onB.sendJson({ type: 'send_message', chat_id: chatId, content: 'Hi from B' });
  assert.equal((await onA.next('message', (e) => e.message.content === 'Hi from B')).message.sender_type, 'customer');

  // Presence: the customer is connected to B only, yet A lists them online.
  const chats = (await api(a, 'GET', '/api/v1/chat/chats', undefined, staff)).body;
  const listed = chats.find((chat) => chat.id === chatId);
  assert.ok(listed.online_participants.includes(me.id), JSON.stringify(listed));

  // Catch-up after an instance dies: B goes away, A's messages are read back by id from A.
  await b.stop();
  onA.sendJson({ type: 'send_message', chat_id: chatId, content: 'While B was down' });
  await onA.next('message', (e) => e.message.content === 'While B was down');
  const page = (await api(a, 'GET', `/api/v1/chat/chats/${chatId}/messages?page=1&page_size=50`, undefined, customer)).body;
  assert.deepEqual(page.messages.map((m) => m.content).reverse(),
    ['Hello from instance A', 'Hi from B', 'While B was down']);
  await b.restart();
});

test("a staff reply sent through A's REST API reaches the guest's pusher-js on B", { timeout: 60000 }, async () => {
  const guest = (await initialize(b, '205', '1234')).body;
  assert.ok(guest.session_token, JSON.stringify(guest));
  const pusher = client(b, guest.session_token);
  try {
    const channel = await subscribe(pusher, guest.pusher_channel);
    const staffMessage = nextEvent(channel, 'new-staff-message');
    const sent = await api(a, 'POST', `/api/chat/${hotel}/conversations/${guest.conversation_id}/messages/send/`,
      { message: 'Towels are on the way', sender_type: 'staff', staff_id: 1 }, staffToken(a, { id: 1 }));
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const { data } = await staffMessage;
    assert.equal(data.id, sent.body.id);
    assert.equal(data.message, 'Towels are on the way');
  } finally {
    pusher.disconnect();
  }
});

test('an instance killed with SIGKILL: its guest reconnects to the other instance and catches up by id', { timeout: 60000 }, async () => {
  const guest = (await initialize(b, '101', '1111')).body;
  assert.ok(guest.session_token, JSON.stringify(guest));
  const staff = staffToken(a, { id: 1 });
  const send = async (message) => {
    const sent = await api(a, 'POST', `/api/chat/${hotel}/conversations/${guest.conversation_id}/messages/send/`,
      { message, sender_type: 'staff', staff_id: 1 }, staff);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    return sent.body;
  };
  let pusher = client(b, guest.session_token);
  try {
    const channel = await subscribe(pusher, guest.pusher_channel);
    const live = nextEvent(channel, 'new-message');
    const seen = await send('Before the crash');
    assert.equal((await live).data.id, seen.id); // through A's NOTIFY to B
    await b.crash();
    pusher.disconnect();
    const missed = [];
    for (let i = 1; i <= 40; ++i) missed.push(await send(`While B was dead ${i}`));

    // The load balancer sends the guest to A: resubscribe there and read everything after the
    // last id seen.
    pusher = client(a, guest.session_token);
    await subscribe(pusher, guest.pusher_channel);
    const caughtUp = [];
    for (let after = seen.id; ;) {
      const page = await api(a, 'GET',
        `/api/chat/${hotel}/conversations/${guest.conversation_id}/messages/?after=${after}&limit=15`,
        undefined, guest.session_token);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      caughtUp.push(...page.body.messages);
      if (!page.body.has_more) break;
      after = page.body.last_id;
    }
    assert.deepEqual(caughtUp.map((m) => [m.id, m.message]), missed.map((m) => [m.id, m.message]));
  } finally {
    pusher.disconnect();
    await b.restart();
  }
});
