'use strict';
// Reconnect: messages sent while a client was away are all delivered by catch-up, in
// every family, with the mechanism each family's clients use (README.md, per family):
//
// - app v1: reconnect, `join_chat`, then the REST history (`GET /chats/{id}/messages`, pages
//   newest first) until the last message seen; live and history deduplicated by message id
//   (deduplicated by message id, as the apps do).
// - direct chat: there are no message ids and no history endpoint; its catch-up is the history
//   sent on connect (the last 500 messages, oldest first).
// - hotel guest (pusher-js): resubscribe, then `GET .../messages/?after=<last id>` page by page
//   (`has_more`, `last_id`).
// - website widget: the event stream resumed with `Last-Event-ID`, as EventSource does.
//
// Each test: a client gets some messages live, goes away, N messages are sent by the other side
// through the real API, the client comes back and catches up: every missed message exactly
// once, in order; messages sent while it catches up arrive live exactly once.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const WebSocket = require('ws');
const { startLobby } = require('./lobby');
const { staffToken, api, initialize, client, subscribe } = require('./guestpusher');

const hotel = 'hotel-killarney';
let lobby;
const cleanups = [];

// A WebSocket that queues JSON frames; next(match) takes the first queued frame that matches.
function jsonSocket(url) {
  const ws = new WebSocket(url);
  const frames = [];
  const waiters = [];
  ws.on('message', (raw) => {
    frames.push(JSON.parse(raw.toString()));
    for (const waiter of [...waiters]) waiter();
  });
  ws.on('error', () => {});
  ws.frames = frames;
  ws.next = (match) => new Promise((resolve) => {
    const take = () => {
      const index = frames.findIndex(match);
      if (index < 0) return false;
      const i = waiters.indexOf(take);
      if (i >= 0) waiters.splice(i, 1);
      resolve(frames.splice(index, 1)[0]);
      return true;
    };
    if (!take()) waiters.push(take);
  });
  ws.opened = new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  ws.closed = new Promise((resolve) => ws.on('close', resolve));
  ws.sendJson = (object) => ws.send(JSON.stringify(object));
  cleanups.push(() => ws.terminate());
  return ws;
}

// A v1 socket that has joined `chatId` (frames are handled in order: the pong says it is in).
async function v1Joined(socketPath, token, chatId) {
  const ws = jsonSocket(`${lobby.wsUrl}${socketPath}?token=${token}`);
  await ws.next((f) => f.type === 'connected');
  ws.sendJson({ type: 'join_chat', chat_id: chatId });
  ws.sendJson({ type: 'ping' });
  await ws.next((f) => f.type === 'pong');
  return ws;
}

// Sends `texts` over a staff v1 socket and resolves with the stored messages (the sender's own
// `message` frames), in order.
async function v1SendAll(ws, chatId, texts) {
  for (const content of texts) ws.sendJson({ type: 'send_message', chat_id: chatId, content });
  const sent = [];
  for (const content of texts) {
    sent.push((await ws.next((f) => f.type === 'message' && f.message.content === content)).message);
  }
  return sent;
}

const texts = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
const ascending = (ids) => ids.every((id, i) => i === 0 || ids[i - 1] < id);

async function login(urlPath, body) {
  const response = await api(lobby, 'POST', urlPath, body);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

before(async () => {
  lobby = await startLobby({ demo: true });
});

after(async () => {
  for (const cleanup of cleanups) cleanup();
  await lobby.close();
});

test('app v1: after a reconnect, join_chat + REST history pages bring every missed message once', { timeout: 120000 }, async () => {
  const staffLogin = await login('/api/v1/auth/login', { email: 'admin@lobby.demo', password: 'lobby-admin' });
  const customerLogin = await login('/api/v1/customer-auth/login', { email: 'alex@lobby.demo', password: 'lobby-customer' });
  const staff = staffLogin.access_token;
  const customer = customerLogin.access_token;
  const created = await api(lobby, 'POST', '/api/v1/chat/chats',
    { customer_id: customerLogin.user.id, title: 'Reconnect', initial_message: 'Welcome' }, staff);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const chatId = created.body.id;

  const staffWs = await v1Joined('/api/v1/chat/ws/chat/user', staff, chatId);
  let customerWs = await v1Joined('/api/v1/chat/ws/chat/customer', customer, chatId);
  const seen = [];
  const before = await v1SendAll(staffWs, chatId, texts('before', 3));
  for (const m of before) seen.push((await customerWs.next((f) => f.type === 'message' && f.message.id === m.id)).message);
  const lastSeen = seen.at(-1).id;

  customerWs.close();
  await customerWs.closed;
  const missed = await v1SendAll(staffWs, chatId, texts('while away', 130));

  customerWs = await v1Joined('/api/v1/chat/ws/chat/customer', customer, chatId);
  // While the client reads its history, the conversation goes on.
  const during = v1SendAll(staffWs, chatId, texts('during catch-up', 20));
  const history = [];
  for (let page = 1; ; ++page) {
    const response = await api(lobby, 'GET', `/api/v1/chat/chats/${chatId}/messages?page=${page}&page_size=50`, undefined, customer);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    history.push(...response.body.messages);
    if (!response.body.has_more || response.body.messages.some((m) => m.id <= lastSeen)) break;
  }
  const duringSent = await during;
  const live = [];
  for (const m of duringSent) live.push((await customerWs.next((f) => f.type === 'message' && f.message.id === m.id)).message);

  // Every missed message is in the history, in id order (pages are newest first).
  const fromHistory = history.filter((m) => m.id > lastSeen && m.id <= missed.at(-1).id);
  const byId = new Map(fromHistory.map((m) => [m.id, m]));
  assert.deepEqual([...byId.keys()].sort((a, b) => a - b), missed.map((m) => m.id));
  assert.deepEqual([...byId.values()].sort((a, b) => a.id - b.id).map((m) => m.content), texts('while away', 130));
  // Live frames after the reconnect: each message sent during catch-up exactly once, no replay.
  assert.equal(customerWs.frames.filter((f) => f.type === 'message').length, 0);
  assert.deepEqual(live.map((m) => m.content), texts('during catch-up', 20));
  // The client's view (seen + history + live, deduplicated by id as the apps do): everything
  // once, in order.
  const view = new Map();
  for (const m of [...seen, ...history, ...live]) if (m.id >= seen[0].id) view.set(m.id, m.content);
  const ids = [...view.keys()].sort((a, b) => a - b);
  assert.deepEqual(ids, [...before, ...missed, ...duringSent].map((m) => m.id));
  assert.deepEqual(ids.map((id) => view.get(id)),
    [...texts('before', 3), ...texts('while away', 130), ...texts('during catch-up', 20)]);
});

test('direct chat: the history sent on reconnect holds every missed message once, in order', { timeout: 120000 }, async () => {
  const alex = await login('/api/auth/login/', { email: 'alex@lobby.demo', password: 'lobby-customer' });
  const maria = await login('/api/auth/login/', { email: 'maria@lobby.demo', password: 'lobby-staff' });
  const alexId = alex.user.id;
  const mariaId = maria.user.id;
  const open = async (peer, token) => {
    const ws = jsonSocket(`${lobby.wsUrl}/ws/chat/${peer}/?token=${token}`);
    await ws.opened;
    // Everything before the echo of a marker is the history sent on connect.
    const marker = `marker ${Math.random()}`;
    ws.sendJson({ message: marker });
    await ws.next((f) => f.message === marker && f.sender_id !== undefined);
    ws.history = ws.frames.splice(0, ws.frames.length).filter((f) => f.content !== undefined);
    return ws;
  };
  const sendAll = async (ws, list) => {
    for (const message of list) ws.sendJson({ message });
    for (const message of list) await ws.next((f) => f.message === message);
  };

  let alexWs = await open(mariaId, alex.tokens.access);
  const mariaWs = await open(alexId, maria.tokens.access);
  await sendAll(mariaWs, texts('before', 3));
  for (const message of texts('before', 3)) {
    assert.deepEqual(await alexWs.next((f) => f.message === message), { message, sender_id: mariaId });
  }
  alexWs.close();
  await alexWs.closed;

  await sendAll(mariaWs, texts('while away', 150));

  alexWs = await open(mariaId, alex.tokens.access);
  const contents = alexWs.history.map((f) => f.content);
  // The history ends with what was seen, then what was missed, each once, oldest first.
  assert.deepEqual(contents.slice(contents.indexOf('before 1')), [...texts('before', 3), ...texts('while away', 150)]);
  for (const text of texts('while away', 150)) assert.equal(contents.filter((c) => c === text).length, 1);
  const missedFrames = alexWs.history.filter((f) => f.content.startsWith('while away'));
  assert.ok(missedFrames.every((f) => f.sender_id === mariaId && f.reciever_id === alexId && f.is_read === false));
  assert.ok(missedFrames.every((f, i) => i === 0 || Date.parse(missedFrames[i - 1].timestamp) <= Date.parse(f.timestamp)));
  // None of them comes again as a live frame.
  assert.equal(alexWs.frames.filter((f) => f.message !== undefined).length, 0);
  // And the conversation goes on live.
  await sendAll(mariaWs, ['after the reconnect']);
  assert.deepEqual(await alexWs.next((f) => f.message !== undefined), { message: 'after the reconnect', sender_id: mariaId });
});

test('hotel guest: after pusher-js reconnects, ?after=<last id> pages bring every missed message once', { timeout: 120000 }, async () => {
  const guest = (await initialize(lobby, '102', '2222')).body;
  assert.ok(guest.session_token, JSON.stringify(guest));
  const john = staffToken(lobby, { id: 1 });
  const staffSend = async (message) => {
    const sent = await api(lobby, 'POST', `/api/chat/${hotel}/conversations/${guest.conversation_id}/messages/send/`,
      { message, sender_type: 'staff', staff_id: 1 }, john);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    return sent.body;
  };
  const liveMessages = (pusher) => pusher.received
    .filter((e) => e.event === 'new-message').map((e) => e.data);
  const waitFor = async (condition) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  let pusher = client(lobby, guest.session_token);
  cleanups.push(() => pusher.disconnect());
  await subscribe(pusher, guest.pusher_channel);
  const before = [];
  for (const text of texts('before', 3)) before.push(await staffSend(text));
  await waitFor(() => liveMessages(pusher).length === 3);
  assert.deepEqual(liveMessages(pusher).map((m) => m.id), before.map((m) => m.id));
  const lastSeen = before.at(-1).id;
  pusher.disconnect();
  await waitFor(() => pusher.connection.state === 'disconnected');

  const missed = [];
  for (const text of texts('while away', 250)) missed.push(await staffSend(text));

  pusher = client(lobby, guest.session_token);
  const reconnected = pusher;
  cleanups.push(() => reconnected.disconnect());
  await subscribe(pusher, guest.pusher_channel);
  const during = (async () => {
    const sent = [];
    for (const text of texts('during catch-up', 20)) sent.push(await staffSend(text));
    return sent;
  })();
  const history = [];
  for (let afterId = lastSeen; ;) {
    const page = await api(lobby, 'GET',
      `/api/chat/${hotel}/conversations/${guest.conversation_id}/messages/?after=${afterId}&limit=100`,
      undefined, guest.session_token);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    history.push(...page.body.messages);
    if (!page.body.has_more) break;
    afterId = page.body.last_id;
  }
  const duringSent = await during;
  await waitFor(() => liveMessages(pusher).length === 20);

  // The history pages: every missed message exactly once, in order (and possibly some of the
  // ones sent during the catch-up, which the live events also carry).
  const ids = history.map((m) => m.id);
  assert.ok(ascending(ids), 'pages are in id order without repeats');
  assert.deepEqual(history.slice(0, 250).map((m) => [m.id, m.message]), missed.map((m) => [m.id, m.message]));
  assert.deepEqual(ids.slice(250), duringSent.map((m) => m.id).slice(0, ids.length - 250));
  // Live after the resubscription: each message sent during the catch-up once, nothing replayed.
  assert.deepEqual(liveMessages(pusher).map((m) => m.id), duringSent.map((m) => m.id));
  // The guest's view, deduplicated by id: everything once, in order.
  const view = new Map();
  for (const m of [...before, ...history, ...liveMessages(pusher)]) view.set(m.id, m.message);
  assert.deepEqual([...view.keys()], [...before, ...missed, ...duringSent].map((m) => m.id));
  assert.deepEqual([...view.values()],
    [...texts('before', 3), ...texts('while away', 250), ...texts('during catch-up', 20)]);
});

// Reads one server-sent event stream; `events` collects {id, data}; like EventSource, the last
// `id:` is remembered for the next connection's Last-Event-ID.
function sseStream(url, lastEventId) {
  const controller = new AbortController();
  const stream = { events: [], lastEventId, waiters: [] };
  stream.done = (async () => {
    const headers = lastEventId ? { 'Last-Event-ID': String(lastEventId) } : {};
    const response = await fetch(url, { headers, signal: controller.signal });
    assert.equal(response.status, 200);
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id;
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (id !== undefined) stream.lastEventId = id;
          if (data) stream.events.push({ id, data: JSON.parse(data) });
          for (const waiter of [...stream.waiters]) waiter();
        }
      }
    } catch (error) {
      if (error.name !== 'AbortError') throw error;
    }
  })();
  stream.until = (condition) => new Promise((resolve) => {
    const check = () => {
      if (!condition(stream.events)) return false;
      stream.waiters.splice(stream.waiters.indexOf(check), 1);
      resolve();
      return true;
    };
    stream.waiters.push(check);
    check();
  });
  stream.close = async () => { controller.abort(); await stream.done; };
  cleanups.push(() => controller.abort());
  return stream;
}

test('website widget: the event stream resumed with Last-Event-ID brings every missed message once', { timeout: 180000 }, async () => {
  const key = fs.readFileSync(path.join(lobby.dataDir, 'demo-api-key'), 'utf8').trim();
  const visitor = (await api(lobby, 'POST', '/api/chats/visitors/', {})).body.data.id;
  const session = (await api(lobby, 'POST', '/api/chats/sessions/', { visitor_id: visitor })).body.data.id;
  const asked = await fetch(`${lobby.url}/api/chats/messages/chat/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ message: 'Can I bring my bicycle into the room?', session_id: session, visitor_id: visitor }),
  });
  const answer = (await asked.json()).data;
  assert.equal(answer.handoff, true);
  // Staff answer from the app v1 WebSocket (the real API), in the conversation the visitor has.
  const staff = (await login('/api/v1/auth/login', { email: 'admin@lobby.demo', password: 'lobby-admin' })).access_token;
  const chats = await api(lobby, 'GET', '/api/v1/chat/chats', undefined, staff);
  const web = chats.body.find((c) => c.chat_type === 'widget_visitor' && c.last_message_preview.startsWith('Thanks for your message'));
  assert.ok(web, JSON.stringify(chats.body));
  const staffWs = await v1Joined('/api/v1/chat/ws/chat/user', staff, web.id);

  const eventsUrl = `${lobby.url}/api/chats/sessions/${session}/events/?visitor_id=${visitor}`;
  const messages = (stream) => stream.events.filter((e) => e.data.type === 'message').map((e) => e.data.message);
  let stream = sseStream(eventsUrl);
  await stream.until(() => messages(stream).some((m) => m.id === answer.response_id));
  const before = await v1SendAll(staffWs, web.id, texts('before', 3));
  await stream.until(() => messages(stream).some((m) => m.content === 'before 3'));
  assert.deepEqual(messages(stream).slice(-3).map((m) => m.content), texts('before', 3));
  const lastEventId = stream.lastEventId;
  assert.equal(lastEventId, String(before.at(-1).id));
  await stream.close();

  // More than one catch-up query's worth (500) while the visitor is away.
  const missed = await v1SendAll(staffWs, web.id, texts('while away', 600));

  stream = sseStream(eventsUrl, lastEventId);
  // The catch-up and the subscription happen in one turn of the server: once the first missed
  // message is here, whatever is sent next comes after the whole catch-up.
  await stream.until(() => messages(stream).length > 0);
  const live = await v1SendAll(staffWs, web.id, ['after the reconnect']);
  await stream.until(() => messages(stream).some((m) => m.content === 'after the reconnect'));
  const got = messages(stream);
  assert.equal(got.length, 601, `${got.length} messages after the reconnect, not 600 + 1`);
  assert.deepEqual(got.map((m) => m.id), [...missed, ...live].map((m) => String(m.id)));
  assert.deepEqual(got.map((m) => m.content), [...texts('while away', 600), 'after the reconnect']);
  assert.ok(got.every((m) => m.role === 'staff'));
  assert.equal(stream.lastEventId, String(live[0].id));
  await stream.close();
});

// The expiry timers of v1 and direct sockets belong to the socket now (the soak found
// QTimer::singleShot timers outliving closed sockets for an hour): a token that expires still
// closes its socket with 1008.
test('a v1 or direct socket whose access token expires is closed with 1008', { timeout: 60000 }, async () => {
  const secret = fs.readFileSync(path.join(lobby.dataDir, 'jwt-secret'), 'utf8').trim();
  const shortToken = (id, kind) => {
    const b64 = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
      sub: String(id), user_id: id, kind, site_id: 1, token_type: 'access', iat: now, exp: now + 4,
      jti: `short-${Math.random()}`,
    })}`;
    return `${input}.${require('node:crypto').createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  const alex = await login('/api/auth/login/', { email: 'alex@lobby.demo', password: 'lobby-customer' });
  const maria = await login('/api/auth/login/', { email: 'maria@lobby.demo', password: 'lobby-staff' });
  const v1 = jsonSocket(`${lobby.wsUrl}/api/v1/chat/ws/chat/user?token=${shortToken(maria.user.id, 'staff')}`);
  const direct = jsonSocket(`${lobby.wsUrl}/ws/chat/${maria.user.id}/?token=${shortToken(alex.user.id, 'customer')}`);
  const closeCode = (ws) => new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  const codes = Promise.all([closeCode(v1), closeCode(direct)]);
  assert.equal((await v1.next((f) => f.type === 'connected')).participant_id, maria.user.id);
  await direct.opened;
  assert.deepEqual(await codes, [1008, 1008]);
});
