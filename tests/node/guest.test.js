'use strict';
// Hotel guest chat with the real pusher-js client and Pusher's npm server SDK against a headless
// Lobby with the demo hotel (rooms 101/102/205, staff 1 "John Smith" and 2 "Maria Garcia").
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const PusherServer = require('pusher');
const { startLobby } = require('./lobby');
const {
  pusherApp, staffToken, api, initialize, client, connected, subscribe, nextEvent,
} = require('./guestpusher');

const hotel = 'hotel-killarney';
// A hang (an event that never comes) fails the test instead of stalling the suite.
let lobby;
let john; // staff 1
let maria; // staff 2
const clients = [];
const track = (pusher) => { clients.push(pusher); return pusher; };

function sdk() {
  const app = pusherApp(lobby);
  return new PusherServer({
    appId: app.app_id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(lobby.port),
    useTLS: false,
  });
}

const staffSend = (conversation, message, token = john, staffId = 1) =>
  api(lobby, 'POST', `/api/chat/${hotel}/conversations/${conversation}/messages/send/`,
    { message, sender_type: 'staff', staff_id: staffId }, token);
const guestSend = (guest, message) =>
  api(lobby, 'POST', `/api/chat/${hotel}/conversations/${guest.conversation_id}/messages/send/`,
    { message, sender_type: 'guest', session_token: guest.session_token });

before(async () => {
  lobby = await startLobby({ demo: true });
  john = staffToken(lobby, { id: 1 });
  maria = staffToken(lobby, { id: 2 });
});

after(async () => {
  for (const pusher of clients) pusher.disconnect();
  await lobby.close();
});

test('initialize returns the session, a private channel and how to reach the Pusher socket', { timeout: 30000 }, async () => {
  const { status, body } = await initialize(lobby, '205', '1234');
  assert.equal(status, 200);
  assert.match(body.session_token, /^guest_/);
  assert.equal(body.pusher_channel, `private-${hotel}-room-205-chat`);
  assert.equal(body.hotel_slug, hotel);
  assert.equal(body.room_number, '205');
  assert.equal(body.current_staff_handler, null);
  assert.equal(body.pusher_key, pusherApp(lobby).key);
  assert.equal(body.pusher_auth_endpoint, `${lobby.url}/api/chat/pusher/auth/`);
  const again = await initialize(lobby, '205', '1234', body.session_token);
  assert.equal(again.body.session_token, body.session_token);
  assert.equal(again.body.conversation_id, body.conversation_id);
});

test('a guest subscribes to its private room channel and gets staff replies live', { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '205', '1234')).body;
  const pusher = track(client(lobby, guest.session_token));
  const channel = await subscribe(pusher, guest.pusher_channel);
  const staffMessage = nextEvent(channel, 'new-staff-message');
  const anyMessage = nextEvent(channel, 'new-message');
  const assigned = nextEvent(channel, 'staff-assigned');
  const sent = await staffSend(guest.conversation_id, 'On the way!');
  assert.equal(sent.status, 201);
  const { data } = await staffMessage;
  assert.deepEqual(data, {
    id: sent.body.id,
    message: 'On the way!',
    staff_info: { name: 'John Smith', role: 'Receptionist', profile_image: null },
    timestamp: sent.body.timestamp,
    conversation_id: guest.conversation_id,
  });
  assert.equal((await anyMessage).data.id, sent.body.id);
  assert.deepEqual((await assigned).data.staff_info.name, 'John Smith');
  // The handler is now part of the session.
  const validated = await api(lobby, 'GET', `/api/chat/guest-session/${guest.session_token}/validate/`);
  assert.equal(validated.body.valid, true);
  assert.equal(validated.body.current_staff_handler.name, 'John Smith');
  const unread = await api(lobby, 'GET', `/api/chat/guest-session/${guest.session_token}/unread-count/`);
  assert.equal(unread.body.unread_count, 1);
});

test("a guest is refused another room's channel with status 403", { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '101', '1111')).body;
  const pusher = track(client(lobby, guest.session_token));
  await assert.rejects(subscribe(pusher, `private-${hotel}-room-205-chat`), (error) => {
    assert.equal(error.type, 'AuthError');
    assert.equal(error.status, 403);
    return true;
  });
  // A signature made up by the client is refused by the socket itself.
  await connected(pusher);
  pusher.connection.send_event('pusher:subscribe', {
    channel: `private-${hotel}-room-102-chat`, auth: `${pusherApp(lobby).key}:${'0'.repeat(64)}`,
  });
  const refused = await new Promise((resolve) => pusher.bind_global((event, data) => {
    if (event === 'pusher:subscription_error') resolve(data);
  }));
  assert.equal(refused.status, 401);
});

test('staff get new-guest-message on their private channel: all of them while nobody handles the room, then only the handler', { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '102', '2222')).body;
  const johnClient = track(client(lobby, john));
  const mariaClient = track(client(lobby, maria));
  const johnChannel = await subscribe(johnClient, `private-${hotel}-staff-1-chat`);
  const mariaChannel = await subscribe(mariaClient, `private-${hotel}-staff-2-chat`);
  await assert.rejects(subscribe(mariaClient, `private-${hotel}-staff-1-chat`), { status: 403 });

  const toJohn = nextEvent(johnChannel, 'new-guest-message');
  const toMaria = nextEvent(mariaChannel, 'new-guest-message');
  const sent = await guestSend(guest, 'Need towels');
  assert.equal(sent.status, 201);
  const expected = {
    message_id: sent.body.id, room_number: '102', guest_name: 'Room 102', message: 'Need towels',
    conversation_id: guest.conversation_id,
  };
  assert.deepEqual((await toJohn).data, expected);
  assert.deepEqual((await toMaria).data, expected);

  // Maria answers and so handles the room: the next guest message is hers alone.
  assert.equal((await staffSend(guest.conversation_id, 'Sending them up', maria, 2)).status, 201);
  const mariaAgain = nextEvent(mariaChannel, 'new-guest-message');
  await guestSend(guest, 'Thanks!');
  assert.equal((await mariaAgain).data.message, 'Thanks!');
  // Everything for John's channel up to here has arrived once this marker has.
  const marker = nextEvent(johnChannel, 'marker');
  await sdk().trigger(`private-${hotel}-staff-1-chat`, 'marker', {});
  await marker;
  const johnGot = johnClient.received.filter((e) => e.event === 'new-guest-message').map((e) => e.data.message);
  assert.deepEqual(johnGot, ['Need towels']);
});

test('client events are relayed to the other subscribers of a private channel, never on public ones', { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '205', '1234')).body;
  const guestClient = track(client(lobby, guest.session_token));
  const staffClient = track(client(lobby, john));
  const guestChannel = await subscribe(guestClient, guest.pusher_channel);
  const staffChannel = await subscribe(staffClient, guest.pusher_channel);
  const relayed = nextEvent(staffChannel, 'client-typing');
  assert.equal(guestChannel.trigger('client-typing', { typing: true }), true);
  assert.deepEqual((await relayed).data, { typing: true });

  const publicChannel = await subscribe(guestClient, `${hotel}-room-205-chat`);
  const error = new Promise((resolve) => guestClient.connection.bind('error', resolve));
  publicChannel.trigger('client-typing', { typing: true });
  assert.match((await error).data.message, /only supported on private and presence channels/);
});

test('public channel names like {hotel}-room-{room}-chat carry nothing', { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '205', '1234')).body;
  const listener = track(client(lobby)); // no credentials at all
  const channels = await Promise.all([
    subscribe(listener, `${hotel}-room-205-chat`),
    subscribe(listener, `${hotel}-staff-1-chat`),
    subscribe(listener, `${hotel}-staff-2-chat`),
  ]);
  await guestSend(guest, 'Is breakfast still on?');
  await staffSend(guest.conversation_id, 'Until 10:30');
  const marker = nextEvent(channels[0], 'marker');
  await sdk().trigger(`${hotel}-room-205-chat`, 'marker', {});
  await marker;
  const seen = listener.received.filter((e) => !e.event.startsWith('pusher'));
  assert.deepEqual(seen.map((e) => e.event), ['marker']);
});

test("Pusher's npm server SDK triggers events that pusher-js clients receive", { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '205', '1234')).body;
  const pusher = track(client(lobby, guest.session_token));
  const channel = await subscribe(pusher, guest.pusher_channel);
  const notice = nextEvent(channel, 'hotel-notice');
  const response = await sdk().trigger(guest.pusher_channel, 'hotel-notice', { text: 'Spa opens at 8' });
  assert.equal(response.status, 200);
  assert.deepEqual((await notice).data, { text: 'Spa opens at 8' });

  const batch = nextEvent(channel, 'batch-notice');
  await sdk().triggerBatch([{ channel: guest.pusher_channel, name: 'batch-notice', data: { n: 1 } }]);
  assert.deepEqual((await batch).data, { n: 1 });
});

test('the HTTP API refuses wrong signatures, keys, body hashes and stale timestamps', { timeout: 30000 }, async () => {
  const app = pusherApp(lobby);
  const body = '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}';
  const crypto = require('node:crypto');
  const md5 = crypto.createHash('md5').update(body).digest('hex');
  const sign = (query, secret = app.secret) => crypto.createHmac('sha256', secret)
    .update(`POST\n/apps/${app.app_id}/events\n${query}`).digest('hex');
  const post = (query) => fetch(`${lobby.url}/apps/${app.app_id}/events?${query}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body,
  });
  const now = Math.floor(Date.now() / 1000);
  const good = `auth_key=${app.key}&auth_timestamp=${now}&auth_version=1.0&body_md5=${md5}`;
  assert.equal((await post(`${good}&auth_signature=${sign(good)}`)).status, 200);
  assert.equal((await post(`${good}&auth_signature=${sign(good, 'not-the-secret')}`)).status, 401);
  // Pusher's worked example, signed right but with its 2012 timestamp: too old here.
  const example = `auth_key=${app.key}&auth_timestamp=1353088179&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f`;
  assert.equal(md5, 'ec365a775a4cd0599faeb73354201b6f');
  const stale = await post(`${example}&auth_signature=${sign(example)}`);
  assert.equal(stale.status, 401);
  assert.match((await stale.json()).detail, /Timestamp expired/);
  const badMd5 = good.replace(md5, '0'.repeat(32));
  assert.equal((await post(`${badMd5}&auth_signature=${sign(badMd5)}`)).status, 401);
  const otherKey = good.replace(app.key, 'f'.repeat(20));
  assert.equal((await post(`${otherKey}&auth_signature=${sign(otherKey)}`)).status, 401);
});

test('staff presence: member_added and member_removed on presence-{hotel}-staff', { timeout: 30000 }, async () => {
  const johnClient = track(client(lobby, john));
  const presence = await subscribe(johnClient, `presence-${hotel}-staff`);
  assert.equal(presence.members.me.id, '1');
  assert.equal(presence.members.me.info.name, 'John Smith');
  const added = nextEvent(presence, 'pusher:member_added');
  const mariaClient = client(lobby, maria);
  const mariaPresence = await subscribe(mariaClient, `presence-${hotel}-staff`);
  assert.equal(mariaPresence.members.count, 2);
  const member = (await added).data;
  assert.equal(member.id, '2');
  assert.equal(member.info.name, 'Maria Garcia');
  const removed = nextEvent(presence, 'pusher:member_removed');
  mariaClient.disconnect();
  assert.equal((await removed).data.id, '2');
  // Guests may not join staff presence.
  const guest = (await initialize(lobby, '101', '1111')).body;
  await assert.rejects(subscribe(track(client(lobby, guest.session_token)), `presence-${hotel}-staff`), { status: 403 });
});

test("check-out ends the stay: the old guest hears nothing more and the next guest starts fresh", { timeout: 30000 }, async () => {
  const oldGuest = (await initialize(lobby, '205', '1234')).body;
  const oldClient = track(client(lobby, oldGuest.session_token));
  const oldChannel = await subscribe(oldClient, oldGuest.pusher_channel);
  const probe = await subscribe(oldClient, 'probe');
  assert.equal((await guestSend(oldGuest, 'Late check-out please')).status, 201);

  // Checked out from the command line, i.e. from another process than the server: the server
  // notices the other process's commit and ends the old stay's subscriptions by itself.
  const ended = nextEvent(oldChannel, 'session-ended');
  const newPin = lobby.admin('check-out', '--number', '205');
  await ended;
  assert.match(newPin, /^\d{4}$/);
  assert.equal((await api(lobby, 'GET', `/api/chat/guest-session/${oldGuest.session_token}/validate/`)).status, 404);
  assert.equal((await initialize(lobby, '205', '1234')).status, newPin === '1234' ? 200 : 401);
  const next = (await initialize(lobby, '205', newPin)).body;
  assert.notEqual(next.conversation_id, oldGuest.conversation_id);
  assert.equal(next.pusher_channel, oldGuest.pusher_channel);
  const history = await api(lobby, 'GET',
    `/api/chat/${hotel}/conversations/${next.conversation_id}/messages/?after=0`, undefined, next.session_token);
  assert.deepEqual(history.body.messages, []);
  const oldHistory = await api(lobby, 'GET',
    `/api/chat/${hotel}/conversations/${oldGuest.conversation_id}/messages/?after=0`, undefined, next.session_token);
  assert.equal(oldHistory.status, 403);

  const nextClient = track(client(lobby, next.session_token));
  const nextChannel = await subscribe(nextClient, next.pusher_channel);
  const reply = nextEvent(nextChannel, 'new-staff-message');
  await staffSend(next.conversation_id, 'Welcome to room 205!');
  assert.equal((await reply).data.message, 'Welcome to room 205!');
  const marker = nextEvent(probe, 'marker');
  await sdk().trigger('probe', 'marker', {});
  await marker;
  assert.equal(oldClient.received.filter((e) => e.event === 'new-staff-message').length, 0);
  // The old session cannot sign channels any more.
  const refused = track(client(lobby, oldGuest.session_token));
  await assert.rejects(subscribe(refused, oldGuest.pusher_channel), { status: 401 });
});

test('check-out --pin sets the new PIN; an unknown room is an error', { timeout: 30000 }, async () => {
  const before = (await initialize(lobby, '101', '1111')).body;
  assert.equal(lobby.admin('check-out', '--number', '101', '--pin', '7777'), '7777');
  const after = await initialize(lobby, '101', '7777');
  assert.equal(after.status, 200);
  assert.notEqual(after.body.conversation_id, before.conversation_id);
  assert.throws(() => lobby.admin('check-out', '--number', '999'), /no room 999/);
  assert.throws(() => lobby.admin('check-out', '--number', '101', '--pin', '12'), /4 to 8 digits/);
});

test("check-out also ends the guest's subscription to the encrypted twin of the room channel", { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '101', '7777')).body;
  const twin = `private-encrypted-${hotel}-room-101-chat`;
  const pusher = track(client(lobby, guest.session_token));
  const raw = []; // encrypted channels hide plain events from pusher-js's bindings
  pusher.connection.bind('message', (message) => raw.push(message));
  await subscribe(pusher, twin);
  const probe = await subscribe(pusher, 'probe-101');
  assert.equal((await guestSend(guest, 'Is the pool open?')).status, 201);
  lobby.admin('check-out', '--number', '101', '--pin', '7777');
  const deadline = Date.now() + 10000;
  const ended = () => raw.find((m) => m.event === 'session-ended' && m.channel === twin);
  while (!ended() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(ended(), 'session-ended on the encrypted twin');
  assert.equal(ended().data.reason, 'checked-out');

  const app = pusherApp(lobby);
  const keyed = new PusherServer({
    appId: app.app_id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(lobby.port),
    useTLS: false, encryptionMasterKeyBase64: app.encryption_master_key_base64,
  });
  const before = raw.length;
  await keyed.trigger(twin, 'door-code', { code: '4711' });
  const marker = nextEvent(probe, 'marker');
  await keyed.trigger('probe-101', 'marker', {});
  await marker;
  assert.deepEqual(raw.slice(before).filter((m) => m.channel === twin), []);
});

test('the Pusher app survives a restart: same key, sessions still valid', { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '101', '7777')).body;
  const key = pusherApp(lobby).key;
  await lobby.restart();
  assert.equal(pusherApp(lobby).key, key);
  const validated = await api(lobby, 'GET', `/api/chat/guest-session/${guest.session_token}/validate/`);
  assert.equal(validated.status, 200);
  const pusher = track(client(lobby, guest.session_token));
  await subscribe(pusher, guest.pusher_channel);
});

test('five wrong PINs lock: 429 with Retry-After, and the right PIN is refused', { timeout: 30000 }, async () => {
  // Failures count per room and per address; the check-out test above made one from this address.
  const statuses = [];
  while (statuses.length < 5 && statuses[statuses.length - 1] !== 429)
    statuses.push((await initialize(lobby, '102', '0000')).status);
  assert.deepEqual(statuses.slice(0, -1).filter((s) => s !== 401), []);
  assert.ok(statuses.length >= 4, `locked after ${statuses.length} attempts`);
  assert.equal(statuses[statuses.length - 1], 429);
  const right = await initialize(lobby, '102', '2222');
  assert.equal(right.status, 429);
  assert.ok(Number(right.headers.get('retry-after')) > 800);
  assert.match(right.body.detail, /Too many wrong PINs/);
});

test('--guest-session-days sets how long a guest session lasts', { timeout: 30000 }, async () => {
  const short = await startLobby({ demo: true, args: ['--guest-session-days', '1'] });
  try {
    const response = await fetch(`${short.url}/api/chat/${hotel}/guest-session/room/205/initialize/`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '1234' }),
    });
    const body = await response.json();
    const lifetime = Date.parse(body.expires_at) - Date.now();
    assert.ok(lifetime > 23 * 3600 * 1000 && lifetime <= 24 * 3600 * 1000, `expires in ${lifetime} ms`);
  } finally {
    await short.close();
  }
});
