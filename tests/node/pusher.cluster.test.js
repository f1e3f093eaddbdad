'use strict';
// The Pusher side of several instances: two real `lobby --database postgresql://...` processes
// on one fresh schema and one data folder (so one Pusher app), pusher-js clients on both and the
// `pusher` SDK against A, as a hotel's backend behind a load balancer would use them. A's HTTP
// API reaches B's subscribers and counts them; client events and presence cross both ways.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const { startLobby } = require('./lobby');
const { connected, subscribe, nextEvent, serverSdk, sdkSignedClient } = require('./guestpusher');

const serverUrl = fs.readFileSync(process.env.LOBBY_PG_URL_FILE, 'utf8').trim();
const schema = `lobby_pushercluster_${crypto.randomBytes(4).toString('hex')}`;
const database = `${serverUrl}?options=-csearch_path%3D${schema}`;
const psql = (sql) => execFileSync('psql', [serverUrl, '-v', 'ON_ERROR_STOP=1', '-qc', sql],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });

let a;
let b;
let sdk;
const clients = [];

// A pusher-js client of `lobby` whose channels and sign-in the SDK signs.
function sdkClient(lobby, options) {
  const pusher = sdkSignedClient(lobby, sdk, options);
  clients.push(pusher);
  return pusher;
}

// What the other instance hears arrives a moment later: asks until `check` holds (or the test's
// timeout ends it).
async function eventually(ask, check) {
  for (;;) {
    const answer = await ask();
    if (check(answer)) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function getJson(path, params) {
  const response = await sdk.get({ path, params });
  assert.equal(response.status, 200);
  return response.json();
}

before(async () => {
  psql(`CREATE SCHEMA ${schema}`);
  a = await startLobby({ demo: true, database });
  b = await startLobby({ dataDir: a.dataDir, database });
  sdk = serverSdk(a);
});

after(async () => {
  for (const pusher of clients) pusher.disconnect();
  if (b) await b.close();
  if (a) await a.close();
  fs.rmSync(a.dataDir, { recursive: true, force: true });
  psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

test('events triggered through A reach subscribers on B, a 10 KB one and batches included', { timeout: 30000 }, async () => {
  const onB = sdkClient(b);
  const channel = await subscribe(onB, 'front-desk');
  const small = nextEvent(channel, 'checked-in');
  await sdk.trigger('front-desk', 'checked-in', { room: 12 });
  assert.deepEqual((await small).data, { room: 12 });

  // Over NOTIFY's 8000 bytes: it travels as a row.
  const text = 'x'.repeat(10000 - 20);
  const large = nextEvent(channel, 'long');
  await sdk.trigger('front-desk', 'long', { text });
  assert.equal((await large).data.text, text);

  const batched = nextEvent(channel, 'batched');
  await sdk.triggerBatch([{ channel: 'front-desk', name: 'batched', data: { n: 1 } }]);
  assert.deepEqual((await batched).data, { n: 1 });

  // A's trigger answer counts B's subscriber.
  const answer = await eventually(async () => (await sdk.trigger('front-desk', 'count', {}, { info: 'subscription_count' })).json(),
    (body) => body.channels['front-desk'].subscription_count === 1);
  assert.deepEqual(answer, { channels: { 'front-desk': { subscription_count: 1 } } });
  onB.unsubscribe('front-desk');
});

test('the channels API on A counts the subscriptions and presence members of both instances', { timeout: 30000 }, async () => {
  const aliceOnA = sdkClient(a, { member: { user_id: 'alice', user_info: { name: 'Alice' } } });
  const aliceOnB = sdkClient(b, { member: { user_id: 'alice', user_info: { name: 'Alice' } } });
  const bobOnB = sdkClient(b, { member: { user_id: 7, user_info: { name: 'Bob' } } });
  const watcherOnB = sdkClient(b);
  await subscribe(aliceOnA, 'presence-lounge');
  await subscribe(aliceOnB, 'presence-lounge');
  await subscribe(bobOnB, 'presence-lounge');
  await subscribe(watcherOnB, 'spa-only-on-b');

  const channels = await eventually(
    () => getJson('/channels', { filter_by_prefix: 'presence-', info: 'user_count,subscription_count' }),
    (body) => body.channels['presence-lounge']?.subscription_count === 3);
  // Alice is on both instances and counts once.
  assert.deepEqual(channels, { channels: { 'presence-lounge': { user_count: 2, subscription_count: 3 } } });

  const all = await eventually(() => getJson('/channels', {}), (body) => 'spa-only-on-b' in body.channels);
  assert.deepEqual(Object.keys(all.channels).sort(), ['presence-lounge', 'spa-only-on-b']);
  assert.deepEqual(await getJson('/channels/spa-only-on-b', { info: 'subscription_count' }),
    { occupied: true, subscription_count: 1 });
  const users = await getJson('/channels/presence-lounge/users', {});
  assert.deepEqual(users.users.map((user) => user.id).sort(), [7, 'alice'].sort());

  // Once B's subscriptions end, A stops counting them.
  bobOnB.unsubscribe('presence-lounge');
  aliceOnB.unsubscribe('presence-lounge');
  watcherOnB.unsubscribe('spa-only-on-b');
  const after = await eventually(
    () => getJson('/channels', { info: 'subscription_count' }),
    (body) => !('spa-only-on-b' in body.channels) && body.channels['presence-lounge']?.subscription_count === 1);
  assert.deepEqual(after, { channels: { 'presence-lounge': { subscription_count: 1 } } });
  assert.deepEqual(await getJson('/channels/presence-lounge/users', {}), { users: [{ id: 'alice' }] });
  aliceOnA.unsubscribe('presence-lounge');
});

test('presence members and client events cross between instances both ways', { timeout: 30000 }, async () => {
  const carol = sdkClient(a, { member: { user_id: 'carol', user_info: { desk: 'A' } } });
  const dan = sdkClient(b, { member: { user_id: 42, user_info: { desk: 'B' } } });
  const onA = await subscribe(carol, 'presence-housekeeping');
  await eventually(() => getJson('/channels/presence-housekeeping', { info: 'user_count' }),
    (body) => body.user_count === 1);

  // Dan on B sees Carol (on A) among the members, and Carol hears that Dan came.
  const added = nextEvent(onA, 'pusher:member_added');
  const onB = await subscribe(dan, 'presence-housekeeping');
  assert.equal(onB.members.count, 2);
  assert.deepEqual(onB.members.get('carol'), { id: 'carol', info: { desk: 'A' } });
  const member = (await added).data;
  assert.equal(member.id, 42);
  assert.deepEqual(member.info, { desk: 'B' });

  const toA = nextEvent(onA, 'client-towels');
  onB.trigger('client-towels', { room: 101 });
  const heard = await toA;
  assert.deepEqual(heard.data, { room: 101 });
  assert.equal(heard.metadata.user_id, 42);

  const toB = nextEvent(onB, 'client-done');
  onA.trigger('client-done', { room: 101 });
  assert.deepEqual((await toB).data, { room: 101 });
  assert.equal((await toB).metadata.user_id, 'carol');

  // Private channels too.
  const privateA = await subscribe(carol, 'private-laundry');
  const privateB = await subscribe(dan, 'private-laundry');
  await eventually(() => getJson('/channels/private-laundry', { info: 'subscription_count' }),
    (body) => body.subscription_count === 2);
  const relayed = nextEvent(privateB, 'client-ready');
  privateA.trigger('client-ready', { bags: 3 });
  assert.deepEqual((await relayed).data, { bags: 3 });

  const removed = nextEvent(onA, 'pusher:member_removed');
  dan.unsubscribe('presence-housekeeping');
  assert.equal((await removed).data.id, 42);
  assert.equal(onA.members.count, 1);
});

test('sendToUser and terminate_connections through A reach a user signed in on B', { timeout: 30000 }, async () => {
  const erin = sdkClient(b, { user: { id: 'erin' } });
  await connected(erin);
  const signedIn = new Promise((resolve) => erin.bind('pusher:signin_success', resolve));
  erin.signin();
  await signedIn;
  await eventually(() => getJson('/channels', {}), () => true); // A is up
  const message = new Promise((resolve) => erin.user.bind('room-ready', resolve));
  // The user's channel subscription on B reaches A first; retried until it is delivered.
  let delivered;
  message.then((data) => { delivered = data; });
  await eventually(async () => {
    await sdk.sendToUser('erin', 'room-ready', { room: 5 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    return delivered;
  }, (data) => data !== undefined);
  assert.deepEqual(delivered, { room: 5 });

  const closed = new Promise((resolve) => erin.connection.bind('state_change', ({ current }) => {
    if (current !== 'connected') resolve(current);
  }));
  await sdk.terminateUserConnections('erin');
  await closed;
  erin.disconnect();
});

test('an instance that stops is no longer counted', { timeout: 30000 }, async () => {
  const onB = sdkClient(b);
  await subscribe(onB, 'night-audit');
  await eventually(() => getJson('/channels', {}), (body) => 'night-audit' in body.channels);
  await b.close();
  b = null;
  await eventually(() => getJson('/channels', {}), (body) => !('night-audit' in body.channels));
});
