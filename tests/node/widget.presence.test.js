'use strict';
// Presence as real clients cause it: a guest subscribed to its room channel (pusher-js) and a
// website visitor with an open event stream show `is_online` in the staff app's chat list, and
// go offline when they leave.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startLobby } = require('./lobby');
const { initialize, client, subscribe } = require('./guestpusher');

let lobby;
let token;
before(async () => {
  lobby = await startLobby({ demo: true, args: ['--handoff-wait', '1'] });
  const login = await fetch(`${lobby.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@lobby.demo', password: 'lobby-admin' }),
  });
  token = (await login.json()).access_token;
});
after(async () => {
  await lobby?.close();
});

async function chats() {
  const response = await fetch(`${lobby.url}/api/v1/chat/chats`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.json();
}

// The participant of `type` in the chat `pick` chooses, as the staff app lists it.
async function participant(pick, type) {
  const chat = (await chats()).find(pick);
  assert.ok(chat, 'the chat is in the staff app list');
  return chat.participants.find((p) => p.participant_type === type);
}

// Polls the chat list until the participant's is_online is `online`.
async function waitForOnline(pick, type, online) {
  for (;;) {
    const found = await participant(pick, type);
    if (found && found.is_online === online) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function widget(path, body, headers = {}) {
  const response = await fetch(`${lobby.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return (await response.json()).data;
}

// An open SSE response read until aborted.
function openStream(url, init = {}) {
  const controller = new AbortController();
  const opened = fetch(url, { ...init, signal: controller.signal }).then(async (response) => {
    assert.equal(response.status, 200);
    const reader = response.body.getReader();
    (async () => { try { for (;;) if ((await reader.read()).done) return; } catch { /* aborted */ } })();
    return response;
  });
  return { opened, close: () => controller.abort() };
}

test('a guest subscribed to its room channel is online, and offline once it leaves', { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '101', '1111')).body;
  const isTheRoom = (chat) => chat.id === guest.conversation_id;
  assert.equal((await participant(isTheRoom, 'guest')).is_online, false);

  const pusher = client(lobby, guest.session_token);
  await subscribe(pusher, guest.pusher_channel);
  await waitForOnline(isTheRoom, 'guest', true);

  pusher.disconnect();
  await waitForOnline(isTheRoom, 'guest', false);
});

test("a visitor's open event stream marks it online, from before its first message on", { timeout: 30000 }, async () => {
  const key = require('node:fs').readFileSync(`${lobby.dataDir}/demo-api-key`, 'utf8').trim();
  const visitor = (await widget('/api/chats/visitors/', {})).id;
  const session = (await widget('/api/chats/sessions/', { visitor_id: visitor })).id;
  // As the widget does: listen first, then write.
  const events = openStream(`${lobby.url}/api/chats/sessions/${session}/events/?visitor_id=${visitor}`);
  await events.opened;
  const question = `Do you have a room for tonight? (${session})`;
  const answer = await widget('/api/chats/messages/chat/',
    { message: question, session_id: session, visitor_id: visitor }, { 'X-API-Key': key });
  assert.ok(answer.message_id);

  const chatList = await chats();
  const mine = [];
  for (const chat of chatList.filter((c) => c.chat_type === 'widget_visitor')) {
    const response = await fetch(`${lobby.url}/api/v1/chat/chats/${chat.id}/messages`,
      { headers: { authorization: `Bearer ${token}` } });
    const messages = await response.json();
    const list = Array.isArray(messages) ? messages : messages.messages || messages.items || [];
    if (list.some((m) => m.content === question)) mine.push(chat.id);
  }
  assert.equal(mine.length, 1);
  const isTheChat = (chat) => chat.id === mine[0];
  await waitForOnline(isTheChat, 'visitor', true);

  events.close();
  await waitForOnline(isTheChat, 'visitor', false);
});
