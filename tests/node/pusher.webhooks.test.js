'use strict';
// Pusher webhooks against a receiver on 127.0.0.1 that is down for a while (and Lobby restarts
// meanwhile), then comes back: every batch arrives, signed as the `pusher` SDK verifies it.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const { startLobby } = require('./lobby');
const { pusherApp, subscribe, serverSdk, sdkSignedClient } = require('./guestpusher');

let lobby;
let sdk;
const clients = [];

function sdkClient(member) {
  const pusher = sdkSignedClient(lobby, sdk, { member });
  clients.push(pusher);
  return pusher;
}

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  lobby = await startLobby({ demo: true });
  sdk = serverSdk(lobby);
});

after(async () => {
  for (const pusher of clients) pusher.disconnect();
  await lobby.close();
});

test('lobby admin set-webhook takes only http(s) URLs', () => {
  for (const url of ['ftp://127.0.0.1/x', 'not a url', 'http://', 'javascript:alert(1)']) {
    assert.throws(() => lobby.admin('set-webhook', '--url', url), `accepted ${url}`);
  }
  assert.match(lobby.admin('set-webhook', '--url', 'https://127.0.0.1:9/elsewhere'), /Webhook of hotel-killarney/);
  assert.match(lobby.admin('remove-webhook'), /Removed the webhook of hotel-killarney/);
  assert.match(lobby.admin('remove-webhook'), /No webhook at hotel-killarney/);
});

test('webhooks: batched, signed, durable while the receiver is down and Lobby restarts', { timeout: 90000 }, async () => {
  const port = await freePort();
  lobby.admin('set-webhook', '--url', `http://127.0.0.1:${port}/pusher/webhook`);
  const channel = 'presence-hotel-killarney-lounge';

  const alice = sdkClient({ user_id: 5, user_info: {} });
  const bob = sdkClient({ user_id: 6, user_info: {} });
  await subscribe(alice, channel);
  const bobChannel = await subscribe(bob, channel);
  bobChannel.trigger('client-hello', { from: 'bob' });
  await subscribe(alice, 'presence-elsewhere-lounge'); // no site: no webhook
  await settle(300);
  alice.unsubscribe(channel);
  bob.unsubscribe(channel);
  // The receiver is down: the first attempts fail. Then Lobby restarts; the batches wait in the
  // outbox.
  await settle(2500);
  for (const pusher of clients.splice(0)) pusher.disconnect();
  await lobby.restart();
  sdk = serverSdk(lobby);

  const requests = [];
  const receiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      requests.push({ headers: request.headers, body, path: request.url });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  try {
    const events = () => requests.flatMap((r) => JSON.parse(r.body).events);
    const deadline = Date.now() + 60000;
    while (events().filter((e) => e.name === 'channel_vacated').length < 1 && Date.now() < deadline) await settle(100);

    for (const request of requests) {
      assert.equal(request.path, '/pusher/webhook');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['x-pusher-key'], pusherApp(lobby).key);
      const webhook = sdk.webhook({ headers: request.headers, rawBody: request.body });
      assert.ok(webhook.isValid(), 'signature');
      assert.ok(Number.isInteger(webhook.getTime().getTime()));
    }
    const seen = events().map((e) => [e.name, e.channel, e.user_id ?? '', e.event ?? '', e.data ?? ''].join(' '));
    assert.deepEqual(seen, [
      `channel_occupied ${channel}   `,
      `member_added ${channel} 5  `,
      `member_added ${channel} 6  `,
      `client_event ${channel} 6 client-hello {"from":"bob"}`,
      `member_removed ${channel} 5  `,
      `member_removed ${channel} 6  `,
      `channel_vacated ${channel}   `,
    ]);
    assert.ok(events().find((e) => e.name === 'client_event').socket_id);
    assert.ok(requests.length < 7, 'events of one moment travel together');
  } finally {
    receiver.close();
  }
});
