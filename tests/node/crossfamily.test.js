'use strict';
// One conversation, every family: a staff member answering over the app v1 WebSocket reaches a
// hotel guest on Pusher and a website visitor on the widget's event stream, and what guests and
// visitors write reaches the staff socket. (Adapters translate, the domain decides: README.md, "Architecture".)
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const WebSocket = require('ws');
const { startLobby } = require('./lobby');
const { api, initialize, client, subscribe, nextEvent } = require('./guestpusher');

let lobby;
let staff; // { ws, frames }
const pushers = [];

async function staffSocket() {
  const login = await api(lobby, 'POST', '/api/v1/auth/login',
    { email: 'admin@lobby.demo', password: 'lobby-admin' });
  assert.equal(login.status, 200);
  const ws = new WebSocket(`${lobby.wsUrl}/api/v1/chat/ws/chat/user?token=${login.body.access_token}`);
  const frames = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  return { ws, frames, token: login.body.access_token };
}

// Waits until a frame matching `predicate` has arrived on the staff socket.
async function staffFrame(predicate) {
  for (let i = 0; i < 300; ++i) {
    const found = staff.frames.find(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no such frame; got ${JSON.stringify(staff.frames.slice(-5))}`);
}

// Reads the widget session's event stream until `predicate` matches an event.
async function widgetEvent(session, visitor, predicate) {
  const controller = new AbortController();
  const response = await fetch(
    `${lobby.url}/api/chats/sessions/${session}/events/?visitor_id=${visitor}`, { signal: controller.signal });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
      for (const line of buffer.split('\n')) {
        if (!line.startsWith('data: ')) continue;
        const event = JSON.parse(line.slice(6));
        if (predicate(event)) return event;
      }
    }
  } finally {
    controller.abort();
  }
}

before(async () => {
  lobby = await startLobby({ demo: true });
  staff = await staffSocket();
});

after(async () => {
  pushers.forEach((p) => p.disconnect());
  staff?.ws.close();
  await lobby?.close();
});

test('staff see every family in one list and answer a guest from the app', { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '205', '1234')).body;
  const pusher = client(lobby, guest.session_token);
  pushers.push(pusher);
  const channel = await subscribe(pusher, guest.pusher_channel);
  // The guest writes: the staff socket hears it once it joined the room's conversation.
  const chats = await api(lobby, 'GET', '/api/v1/chat/chats', undefined, staff.token);
  const room = chats.body.find((c) => c.id === guest.conversation_id);
  assert.equal(room.chat_type, 'room_guest');
  staff.ws.send(JSON.stringify({ type: 'join_chat', chat_id: room.id }));
  // join_chat has no acknowledgement; frames are handled in order, so the pong says it is in.
  staff.ws.send(JSON.stringify({ type: 'ping' }));
  await staffFrame((f) => f.type === 'pong');
  const sent = await api(lobby, 'POST', `/api/chat/hotel-killarney/conversations/${room.id}/messages/send/`,
    { message: 'Could we get a kettle?', sender_type: 'guest', session_token: guest.session_token });
  assert.equal(sent.status, 201);
  const heard = await staffFrame((f) => f.type === 'message' && f.message?.content === 'Could we get a kettle?');
  assert.equal(heard.message.chat_id, room.id);
  // Staff answer over the v1 WebSocket; the guest's Pusher channel gets it.
  const reply = nextEvent(channel, 'new-staff-message');
  staff.ws.send(JSON.stringify({ type: 'send_message', chat_id: room.id, content: 'Kettle on its way', message_type: 'text' }));
  const { data } = await reply;
  assert.equal(data.message, 'Kettle on its way');
  assert.equal(data.staff_info.name, 'John Smith');
  assert.equal(data.conversation_id, room.id);
});

test('a staff reply over the app reaches a website visitor live', { timeout: 30000 }, async () => {
  const key = fs.readFileSync(path.join(lobby.dataDir, 'demo-api-key'), 'utf8').trim();
  const visitor = (await api(lobby, 'POST', '/api/chats/visitors/', {})).body.data.id;
  const session = (await api(lobby, 'POST', '/api/chats/sessions/', { visitor_id: visitor })).body.data.id;
  const asked = await fetch(`${lobby.url}/api/chats/messages/chat/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ message: 'Do you allow dogs in the rooms?', session_id: session, visitor_id: visitor }),
  });
  assert.equal((await asked.json()).data.handoff, true);
  const chats = await api(lobby, 'GET', '/api/v1/chat/chats', undefined, staff.token);
  const web = chats.body.find((c) => c.chat_type === 'widget_visitor' && c.last_message_preview.startsWith('Thanks for your message'));
  assert.ok(web, 'the widget conversation is in the staff list');
  const live = widgetEvent(session, visitor, (e) => e.type === 'message' && e.message.role === 'staff');
  staff.ws.send(JSON.stringify({ type: 'join_chat', chat_id: web.id }));
  staff.ws.send(JSON.stringify({ type: 'send_message', chat_id: web.id, content: 'Yes, dogs are welcome!' }));
  const event = await live;
  assert.equal(event.message.content, 'Yes, dogs are welcome!');
  assert.equal(event.message.sender_name, 'John Smith');
});
