'use strict';
// Pusher protocol parity with the real clients: pusher-js (subscriber) and the `pusher` server
// SDK (HTTP API, signatures) against a headless Lobby. Channels are signed by the SDK in the test
// (pusher-js's customHandler), as a hotel's own backend would, except where Lobby's own auth
// endpoints are the subject.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Pusher = require('pusher-js');
const { startLobby } = require('./lobby');
const {
  pusherApp, staffToken, api, initialize, connected, subscribe, nextEvent, serverSdk, sdkSignedClient,
} = require('./guestpusher');

let lobby;
let sdk;
const clients = [];

// A client signed by the test's SDK; `member` is the presence user.
function sdkClient(member) {
  const pusher = sdkSignedClient(lobby, sdk, { member });
  clients.push(pusher);
  return pusher;
}

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function nextError(channel) {
  return new Promise((resolve) => {
    const handler = (data) => { channel.unbind('pusher:error', handler); resolve(data); };
    channel.bind('pusher:error', handler);
  });
}

before(async () => {
  lobby = await startLobby({ demo: true });
  sdk = serverSdk(lobby);
});

after(async () => {
  for (const pusher of clients) pusher.disconnect();
  await lobby.close();
});

test('presence ids keep their JSON type in member_added, member_removed and client events', { timeout: 30000 }, async () => {
  const a = sdkClient({ user_id: 'alice', user_info: { name: 'Alice' } });
  const b = sdkClient({ user_id: 2, user_info: { name: 'Bob' } });
  const channelA = await subscribe(a, 'presence-types');
  const added = nextEvent(channelA, 'pusher:member_added');
  const channelB = await subscribe(b, 'presence-types');
  assert.equal(channelB.members.me.id, 2);
  assert.equal(channelB.members.count, 2);
  const member = (await added).data;
  assert.equal(member.id, 2); // a number, as signed (was "2")
  assert.deepEqual(member.info, { name: 'Bob' });

  const relayed = nextEvent(channelA, 'client-wave');
  channelB.trigger('client-wave', { hi: true });
  const { data, metadata } = await relayed;
  assert.deepEqual(data, { hi: true });
  assert.equal(metadata.user_id, 2);

  const removed = nextEvent(channelA, 'pusher:member_removed');
  b.unsubscribe('presence-types');
  assert.equal((await removed).data.id, 2);
  assert.equal(channelA.members.count, 1);
});

test('client events refused by name, size and rate get a pusher:error with code 4301 on their channel', { timeout: 30000 }, async () => {
  const sender = sdkClient();
  const receiver = sdkClient();
  const channel = await subscribe(sender, 'private-errors');
  const heard = await subscribe(receiver, 'private-errors');
  let received = 0;
  heard.bind('client-burst', () => { received += 1; });

  let error = nextError(channel);
  channel.trigger(`client-${'x'.repeat(200)}`, {});
  assert.equal((await error).code, 4301);

  error = nextError(channel);
  channel.trigger('client-big', { text: 'x'.repeat(11 * 1024) });
  const big = await error;
  assert.equal(big.code, 4301);
  assert.match(big.message, /10240 bytes/);

  // A burst of 25 spans at most two seconds, so at most 20 pass and at least 5 are refused.
  const refusals = [];
  channel.bind('pusher:error', (data) => refusals.push(data));
  for (let i = 0; i < 25; i += 1) channel.trigger('client-burst', { i });
  const marker = nextEvent(heard, 'client-marker');
  await settle(1100); // a new second, so the marker itself is within the limit
  channel.trigger('client-marker', {});
  await marker;
  assert.ok(refusals.length >= 5, `refused ${refusals.length}`);
  assert.ok(refusals.every((data) => data.code === 4301 && /rate limit/.test(data.message)));
  assert.equal(received, 25 - refusals.length);
  assert.ok(received >= 10 && received <= 20, `relayed ${received}`);
});

test('presence limits from the app file: members and user_info size refused with LimitReached', { timeout: 60000 }, async () => {
  const file = path.join(lobby.dataDir, 'pusher-app');
  const app = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(file, JSON.stringify({ ...app, limits: { max_presence_members: 2, max_presence_user_info_bytes: 64 } }));
  for (const pusher of clients.splice(0)) pusher.disconnect();
  await lobby.restart();
  sdk = serverSdk(lobby);
  await subscribe(sdkClient({ user_id: 1 }), 'presence-small');
  await subscribe(sdkClient({ user_id: 2 }), 'presence-small');
  // The same member again is not a new member.
  await subscribe(sdkClient({ user_id: 2 }), 'presence-small');
  await assert.rejects(subscribe(sdkClient({ user_id: 3 }), 'presence-small'), (error) => {
    assert.equal(error.type, 'LimitReached');
    assert.equal(error.status, 4100);
    return true;
  });
  await assert.rejects(subscribe(sdkClient({ user_id: 4, user_info: { bio: 'x'.repeat(64) } }), 'presence-other'),
    (error) => {
      assert.equal(error.type, 'LimitReached');
      assert.equal(error.status, 4301);
      return true;
    });
  // Back to the defaults for the tests that follow.
  fs.writeFileSync(file, JSON.stringify(app));
  for (const pusher of clients.splice(0)) pusher.disconnect();
  await lobby.restart();
  sdk = serverSdk(lobby);
});

test('channel information API: Pusher shapes, signed like the events endpoint', { timeout: 30000 }, async () => {
  await subscribe(sdkClient({ user_id: 7, user_info: {} }), 'presence-lounge');
  await subscribe(sdkClient({ user_id: 7, user_info: {} }), 'presence-lounge');
  await subscribe(sdkClient({ user_id: 8, user_info: {} }), 'presence-lounge');
  await subscribe(sdkClient(), 'lobby-news');
  await subscribe(sdkClient(), 'private-desk');

  const get = async (p, params) => {
    const response = await sdk.get({ path: p, params });
    return response.json();
  };
  assert.deepEqual(await get('/channels', { filter_by_prefix: 'presence-', info: 'user_count' }),
    { channels: { 'presence-lounge': { user_count: 2 } } });
  const all = await get('/channels', { info: 'subscription_count' });
  assert.deepEqual(all.channels['presence-lounge'], { subscription_count: 3 });
  assert.deepEqual(all.channels['lobby-news'], { subscription_count: 1 });
  assert.deepEqual(all.channels['private-desk'], { subscription_count: 1 });
  assert.deepEqual(await get('/channels', { filter_by_prefix: 'lobby-' }), { channels: { 'lobby-news': {} } });
  assert.deepEqual(await get('/channels/presence-lounge', { info: 'user_count,subscription_count' }),
    { occupied: true, user_count: 2, subscription_count: 3 });
  assert.deepEqual(await get('/channels/nobody-here'), { occupied: false });
  const { users } = await get('/channels/presence-lounge/users');
  assert.deepEqual(users.sort((x, y) => x.id - y.id), [{ id: 7 }, { id: 8 }]);

  // user_count is a presence notion; unknown attributes and unsigned requests are refused.
  await assert.rejects(sdk.get({ path: '/channels', params: { info: 'user_count' } }), { status: 400 });
  await assert.rejects(sdk.get({ path: '/channels/lobby-news', params: { info: 'user_count' } }), { status: 400 });
  await assert.rejects(sdk.get({ path: '/channels/lobby-news/users' }), { status: 400 });
  await assert.rejects(sdk.get({ path: '/channels', params: { info: 'everything' } }), { status: 400 });
  const app = pusherApp(lobby);
  const unsigned = await fetch(`${lobby.url}/apps/${app.app_id}/channels?auth_key=${app.key}&auth_version=1.0&auth_timestamp=${Math.floor(Date.now() / 1000)}&auth_signature=${'0'.repeat(64)}`);
  assert.equal(unsigned.status, 401);
  assert.equal((await fetch(`${lobby.url}/apps/${app.app_id}/channels`)).status, 401);
  assert.equal((await fetch(`${lobby.url}/apps/999/channels`)).status, 404);

  // trigger's info answers the counts after the event.
  const triggered = await sdk.trigger('presence-lounge', 'notice', { n: 1 }, { info: 'user_count,subscription_count' });
  assert.deepEqual(await triggered.json(), { channels: { 'presence-lounge': { user_count: 2, subscription_count: 3 } } });
});

test('cache channels replay the last event to a new subscriber, or pusher:cache_miss', { timeout: 30000 }, async () => {
  const first = sdkClient();
  const emptyChannel = first.subscribe('cache-empty');
  const miss = nextEvent(emptyChannel, 'pusher:cache_miss');
  await miss;

  await sdk.trigger('cache-scores', 'score', { home: 1 });
  await sdk.trigger('cache-scores', 'score', { home: 2 });
  const late = sdkClient();
  const scores = late.subscribe('cache-scores');
  const order = [];
  scores.bind('pusher:subscription_succeeded', () => order.push('succeeded'));
  const replay = nextEvent(scores, 'score');
  scores.bind('score', () => order.push('score'));
  assert.deepEqual((await replay).data, { home: 2 });
  assert.deepEqual(order, ['succeeded', 'score']);

  // Private cache channels keep client events too, with their user id on presence ones.
  const a = sdkClient({ user_id: 11, user_info: {} });
  const channel = await subscribe(a, 'presence-cache-board');
  channel.trigger('client-note', { text: 'kept' });
  await settle(200);
  const b = sdkClient({ user_id: 12, user_info: {} });
  const board = b.subscribe('presence-cache-board');
  const { data, metadata } = await nextEvent(board, 'client-note');
  assert.deepEqual(data, { text: 'kept' });
  assert.equal(metadata.user_id, 11);
});

test('user sign-in: Lobby signs guests and staff, sendToUser reaches them, terminate_connections ends them', { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '205', '1234')).body;
  const userClient = (token) => {
    const pusher = new Pusher(pusherApp(lobby).key, {
      cluster: 'mt1', wsHost: '127.0.0.1', wsPort: lobby.port, forceTLS: false,
      enabledTransports: ['ws'], disableStats: true,
      userAuthentication: {
        endpoint: `${lobby.url}/api/chat/pusher/user-auth/`, transport: 'ajax',
        headers: { Authorization: `Bearer ${token}` },
      },
    });
    clients.push(pusher);
    return pusher;
  };
  const signedIn = (pusher) => new Promise((resolve) => {
    pusher.connection.bind('message', (message) => {
      if (message.event === 'pusher_internal:subscription_succeeded' && message.channel.startsWith('#server-to-user-')) resolve(pusher.user.user_data);
    });
    pusher.signin();
  });

  const guestPusher = userClient(guest.session_token);
  const guestUser = await signedIn(guestPusher);
  assert.match(guestUser.id, /^guest-\d+$/);
  assert.equal(guestUser.user_info.room_number, '205');
  const staffPusher = userClient(staffToken(lobby, { id: 1 }));
  const staffUser = await signedIn(staffPusher);
  assert.equal(staffUser.id, 'staff-1');
  assert.equal(staffUser.user_info.name, 'John Smith');

  const toGuest = new Promise((resolve) => guestPusher.user.bind('room-service', resolve));
  let staffHeard = false;
  staffPusher.user.bind('room-service', () => { staffHeard = true; });
  await sdk.sendToUser(guestUser.id, 'room-service', { eta: 10 });
  assert.deepEqual(await toGuest, { eta: 10 });
  assert.equal(staffHeard, false);

  // Only a signed-in socket may hear its user channel; a forged sign-in is refused.
  const stranger = sdkClient();
  await connected(stranger);
  const strangerErrors = [];
  stranger.connection.bind('message', (message) => {
    if (message.event.startsWith('pusher:') && message.event.endsWith('error')) strangerErrors.push(message);
  });
  stranger.connection.send_event('pusher:subscribe', { channel: `#server-to-user-${guestUser.id}` });
  await new Promise((resolve) => { const check = () => (strangerErrors.length ? resolve() : setTimeout(check, 20)); check(); });
  assert.equal(strangerErrors[0].event, 'pusher:subscription_error');
  assert.equal(strangerErrors[0].data.status, 401);
  stranger.connection.send_event('pusher:signin', { auth: `${pusherApp(lobby).key}:${'0'.repeat(64)}`, user_data: JSON.stringify({ id: 'staff-1' }) });
  const refused = await new Promise((resolve) => stranger.connection.bind('error', resolve));
  assert.equal(refused.data.code, 4009);
  // The endpoint wants a credential.
  const anonymous = await api(lobby, 'POST', '/api/chat/pusher/user-auth/', { socket_id: stranger.connection.socket_id });
  assert.equal(anonymous.status, 401);

  const closed = new Promise((resolve) => guestPusher.connection.bind('state_change', ({ current }) => {
    if (current !== 'connected') resolve(current);
  }));
  // (pusher-js's WebSocket keeps a 30 s close timer after a server-side close: the process
  // lingers that long after the last test.)
  await sdk.terminateUserConnections(guestUser.id);
  await closed;
  assert.equal(staffPusher.connection.state, 'connected');
});

test('encrypted channels: Lobby derives the shared secret as Pusher does and relays ciphertext only', { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '205', '1234')).body;
  const channelName = 'private-encrypted-hotel-killarney-room-205-chat';
  const pusher = new Pusher(pusherApp(lobby).key, {
    cluster: 'mt1', wsHost: '127.0.0.1', wsPort: lobby.port, forceTLS: false,
    enabledTransports: ['ws'], disableStats: true,
    channelAuthorization: {
      endpoint: `${lobby.url}/api/chat/pusher/auth/`, transport: 'ajax',
      headers: { Authorization: `Bearer ${guest.session_token}` },
    },
  });
  clients.push(pusher);
  const raw = [];
  pusher.connection.bind('message', (message) => raw.push(message));
  const channel = await subscribe(pusher, channelName);
  const socketId = pusher.connection.socket_id;

  // Lobby's answer carries the same shared_secret as the SDK's own authorizeChannel.
  const signed = await fetch(`${lobby.url}/api/chat/pusher/auth/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${guest.session_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ socket_id: socketId, channel_name: channelName }),
  }).then((r) => r.json());
  assert.deepEqual(signed, sdk.authorizeChannel(socketId, channelName));

  const secret = nextEvent(channel, 'door-code');
  await sdk.trigger(channelName, 'door-code', { code: '4711' });
  assert.deepEqual((await secret).data, { code: '4711' });
  const wire = raw.find((message) => message.event === 'door-code');
  assert.doesNotMatch(JSON.stringify(wire), /4711/);
  assert.ok(wire.data.ciphertext && wire.data.nonce);

  // Another room's encrypted twin is refused, like its plain channel.
  await assert.rejects(subscribe(pusher, 'private-encrypted-hotel-killarney-room-101-chat'), { status: 403 });
  // Client events are refused on encrypted channels (pusher-js refuses them too).
  const error = nextError(channel);
  pusher.send_event('client-x', {}, channelName);
  assert.equal((await error).code, 4301);
});
