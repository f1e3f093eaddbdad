'use strict';
// Manual check (tests/RELIABILITY.md): 20,000 typing frames on one v1 socket against a headless
// demo Lobby, /healthz timed meanwhile. From the build's npm clients:
//   LOBBY=build/app/lobby NODE_PATH=build/node/node_modules node tests/reliability/typing_flood.js
const { startLobby } = require('../node/lobby.js');
const WebSocket = require('ws');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

(async () => {
  const lobby = await startLobby({ demo: true });
  const post = async (path, body) => (await fetch(lobby.url + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })).json();
  const open = (path, token) => new Promise((resolve) => {
    const ws = new WebSocket(`${lobby.wsUrl}${path}?token=${token}`);
    ws.on('open', () => resolve(ws));
  });

  const staff = await post('/api/v1/auth/login', { email: 'admin@lobby.demo', password: 'lobby-admin' });
  const customer = await post('/api/v1/customer-auth/login',
    { email: 'alex@lobby.demo', password: 'lobby-customer' });
  const chats = await (await fetch(`${lobby.url}/api/v1/chat/chats/customer`,
    { headers: { Authorization: `Bearer ${customer.access_token}` } })).json();
  const chatId = (chats.chats || chats)[0].id;

  const watcher = await open('/api/v1/chat/ws/chat/user', staff.access_token);
  const typist = await open('/api/v1/chat/ws/chat/customer', customer.access_token);
  let relayed = 0;
  watcher.on('message', (data) => { if (JSON.parse(data).type === 'typing') relayed++; });
  watcher.send(JSON.stringify({ type: 'join_chat', chat_id: chatId }));
  typist.send(JSON.stringify({ type: 'join_chat', chat_id: chatId }));
  await sleep(300);

  for (let i = 0; i < 20000; ++i)
    typist.send(JSON.stringify({ type: 'typing', chat_id: chatId, is_typing: i % 2 === 0 }));
  let slowest = 0;
  for (let i = 0; i < 20; ++i) {
    const start = performance.now();
    await (await fetch(`${lobby.url}/healthz`)).text();
    slowest = Math.max(slowest, performance.now() - start);
    await sleep(50);
  }
  await sleep(1500);
  console.log(`20,000 typing frames: ${relayed} relayed; slowest /healthz meanwhile ${slowest.toFixed(1)} ms`);
  watcher.close();
  typist.close();
  await lobby.close();
})();
