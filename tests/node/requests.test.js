'use strict';
// Guest requests with the real pusher-js client against a headless `lobby --demo` (Hotel
// Killarney, rooms 205/101, staff 1 "John Smith"): every change of a room's request reaches the
// room's private channel as `request-updated`, data a JSON string as Pusher sends it.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startLobby } = require('./lobby');
const { staffToken, api, initialize, client, subscribe, nextEvent } = require('./guestpusher');

let lobby;
let john;
const clients = [];

before(async () => {
  lobby = await startLobby({ demo: true });
  john = staffToken(lobby, { id: 1 });
});
after(async () => {
  for (const pusher of clients) pusher.disconnect();
  await lobby.close();
});

test('a guest watches the request it made move to in progress and done', { timeout: 30000 }, async () => {
  const guest = (await initialize(lobby, '205', '1234')).body;
  const neighbour = (await initialize(lobby, '101', '1111')).body;
  const pusher = client(lobby, guest.session_token);
  const other = client(lobby, neighbour.session_token);
  clients.push(pusher, other);
  const channel = await subscribe(pusher, guest.pusher_channel);
  const otherChannel = await subscribe(other, neighbour.pusher_channel);
  const leaked = [];
  otherChannel.bind('request-updated', (data) => leaked.push(data));

  let next = nextEvent(channel, 'request-updated');
  const made = await api(lobby, 'POST', `/api/chat/guest-session/${guest.session_token}/requests/`,
    { category: 'housekeeping', details: 'Extra towels' });
  assert.equal(made.status, 201);
  let { data } = await next;
  assert.equal(data.id, made.body.id);
  assert.equal(data.status, 'open');
  assert.equal(data.room_number, '205');

  next = nextEvent(channel, 'request-updated');
  const taken = await api(lobby, 'PATCH', `/api/v1/requests/${made.body.id}`, { status: 'in_progress' }, john);
  assert.equal(taken.status, 200);
  ({ data } = await next);
  assert.equal(data.status, 'in_progress');
  assert.equal(data.assignee_name, 'John Smith');

  next = nextEvent(channel, 'request-updated');
  const line = nextEvent(channel, 'new-message');
  assert.equal((await api(lobby, 'PATCH', `/api/v1/requests/${made.body.id}`, { status: 'done' }, john)).status, 200);
  assert.equal((await line).data.message, 'Extra towels — done by John Smith');
  ({ data } = await next);
  assert.equal(data.status, 'done');
  assert.ok(data.done_at);
  assert.deepEqual(leaked, []);
});
