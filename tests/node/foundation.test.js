'use strict';
// The foundation seen by real npm clients: health, refused upgrades before the handshake, SIGTERM.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const { startLobby } = require('./lobby');

let lobby;
before(async () => { lobby = await startLobby(); });
after(async () => { await lobby.close(); });

test('GET /healthz answers ok', async () => {
  const response = await fetch(`${lobby.url}/healthz`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ok' });
});

test('a WebSocket upgrade on an unknown path is refused with HTTP 404 before the handshake', async () => {
  const ws = new WebSocket(`${lobby.wsUrl}/ws/nowhere/`);
  const response = await new Promise((resolve, reject) => {
    ws.on('unexpected-response', (request, res) => resolve(res));
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => {});
  });
  assert.equal(response.statusCode, 404);
  let body = '';
  for await (const chunk of response) body += chunk;
  assert.deepEqual(JSON.parse(body), { detail: 'Not found.' });
});

test('SIGTERM stops the server with exit code 0', async () => {
  const other = await startLobby();
  assert.equal(await other.stop(), 0);
  await other.close();
});
