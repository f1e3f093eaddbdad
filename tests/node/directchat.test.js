'use strict';
// The direct chat guide's client, driven with the npm `ws` package against a headless Lobby:
// /api/auth/login/, history frames on connect, {message} out and {message, sender_id} in,
// read status, refresh, and refused upgrades.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const { startLobby } = require('./lobby');

let lobby;
let aliceId;
let bobId;
let carolId;

async function login(email, password) {
  const response = await fetch(`${lobby.url}/api/auth/login/`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.ok(body.user && body.tokens && body.tokens.access && body.tokens.refresh);
  return body;
}

// Opens /ws/chat/<peer>/ and collects frames; `next(match)` resolves with the next one matching.
function connect(peerId, token) {
  const ws = new WebSocket(`${lobby.wsUrl}/ws/chat/${peerId}/?token=${token}`);
  const frames = [];
  const waiters = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(data));
    for (const waiter of [...waiters]) waiter();
  });
  const next = (match) => new Promise((resolve) => {
    const check = () => {
      const index = frames.findIndex(match);
      if (index < 0) return;
      waiters.splice(waiters.indexOf(check), 1);
      resolve(frames.splice(index, 1)[0]);
    };
    waiters.push(check);
    check();
  });
  const opened = new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  // Everything before the echo of a marker message is the history sent on connect.
  const history = async () => {
    await opened;
    const marker = `marker-${Math.random()}`;
    ws.send(JSON.stringify({ message: marker }));
    await next((f) => f.message === marker);
    const before = frames.splice(0, frames.length);
    return before.filter((f) => f.content !== undefined);
  };
  return { ws, frames, next, opened, history };
}

function refusal(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (request, response) => resolve(response.statusCode));
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => {});
  });
}

before(async () => {
  lobby = await startLobby();
  lobby.admin('site', '--slug', 'school', '--name', 'School', '--kind', 'salon');
  aliceId = Number(lobby.admin('add-customer', '--email', 'alice@school.test', '--phone', '+15550101',
    '--password', 'alice-password', '--name', 'Alice'));
  bobId = Number(lobby.admin('add-staff', '--email', 'bob@school.test', '--password', 'bob-password',
    '--name', 'Bob'));
  lobby.admin('site', '--slug', 'other', '--name', 'Other');
  carolId = Number(lobby.admin('--site', 'other', 'add-customer', '--email', 'carol@other.test',
    '--phone', '+15550303', '--password', 'carol-password', '--name', 'Carol'));
});
after(async () => { await lobby.close(); });

test('history on connect, live messages both ways, read status', { timeout: 60000 }, async () => {
  const alice = (await login('alice@school.test', 'alice-password')).tokens.access;
  const bob = (await login('bob@school.test', 'bob-password')).tokens.access;

  // Alice writes while Bob is away; she receives her own message back.
  const a1 = connect(bobId, alice);
  await a1.opened;
  a1.ws.send(JSON.stringify({ message: 'Hello!' }));
  const echo = await a1.next((f) => f.message === 'Hello!');
  assert.deepEqual(echo, { message: 'Hello!', sender_id: aliceId });
  a1.ws.close();

  // Bob connects: the history, one frame per message, in the guide's shape and spelling.
  const b1 = connect(aliceId, bob);
  const history = await b1.history();
  const hello = history.find((f) => f.content === 'Hello!');
  assert.ok(hello, JSON.stringify(history));
  assert.deepEqual(Object.keys(hello).sort(), ['content', 'is_read', 'reciever_id', 'sender_id', 'timestamp']);
  assert.equal(hello.sender_id, aliceId);
  assert.equal(hello.reciever_id, bobId);
  assert.equal(hello.is_read, false);
  assert.ok(!Number.isNaN(Date.parse(hello.timestamp)));

  // Both connected: a message reaches both sides as {message, sender_id}.
  const a2 = connect(bobId, alice);
  await a2.history();
  b1.ws.send(JSON.stringify({ message: 'Hi Alice' }));
  assert.deepEqual(await a2.next((f) => f.message === 'Hi Alice'), { message: 'Hi Alice', sender_id: bobId });
  assert.deepEqual(await b1.next((f) => f.message === 'Hi Alice'), { message: 'Hi Alice', sender_id: bobId });
  a2.ws.close();
  b1.ws.close();

  // Bob loaded "Hello!" and Alice received "Hi Alice" live: both are read now.
  const a3 = connect(bobId, alice);
  const later = await a3.history();
  assert.equal(later.find((f) => f.content === 'Hello!').is_read, true);
  assert.equal(later.find((f) => f.content === 'Hi Alice').is_read, true);
  assert.equal(later.find((f) => f.content === 'Hi Alice').reciever_id, aliceId);
  a3.ws.close();
});

test('malformed frames do not close the socket', { timeout: 60000 }, async () => {
  const alice = (await login('alice@school.test', 'alice-password')).tokens.access;
  const a = connect(bobId, alice);
  await a.opened;
  a.ws.send('not json at all');
  assert.ok((await a.next((f) => f.error !== undefined)).error);
  a.ws.send(JSON.stringify({ text: 'wrong field' }));
  assert.ok((await a.next((f) => f.error !== undefined)).error);
  a.ws.send(JSON.stringify({ message: 'still here' }));
  assert.deepEqual(await a.next((f) => f.message === 'still here'), { message: 'still here', sender_id: aliceId });
  assert.equal(a.ws.readyState, WebSocket.OPEN);
  a.ws.close();
});

test('a refreshed access token opens the socket; bad tokens and unknown peers are refused', { timeout: 60000 }, async () => {
  const { tokens } = await login('alice@school.test', 'alice-password');
  const refreshed = await fetch(`${lobby.url}/api/auth/token/refresh/`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh: tokens.refresh }),
  });
  assert.equal(refreshed.status, 200);
  const { access } = await refreshed.json();
  const a = connect(bobId, access);
  await a.opened;
  a.ws.close();

  // An access token is not a refresh token.
  const wrong = await fetch(`${lobby.url}/api/auth/token/refresh/`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh: tokens.access }),
  });
  assert.equal(wrong.status, 401);

  assert.equal(await refusal(`${lobby.wsUrl}/ws/chat/${bobId}/?token=garbage`), 401);
  assert.equal(await refusal(`${lobby.wsUrl}/ws/chat/${bobId}/?token=${tokens.refresh}`), 401);
  assert.equal(await refusal(`${lobby.wsUrl}/ws/chat/${bobId}/`), 401);
  assert.equal(await refusal(`${lobby.wsUrl}/ws/chat/424242/?token=${tokens.access}`), 404);
  // Another site's account does not exist for this one.
  assert.equal(await refusal(`${lobby.wsUrl}/ws/chat/${carolId}/?token=${tokens.access}`), 404);
});
