'use strict';
// The embeddable widget on the /demo/ site, in real headless Chromium.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startLobby } = require('./lobby');
const { launchBrowser } = require('./browser');
const WebSocket = require('ws');

let lobby;
let browser;
before(async () => {
  lobby = await startLobby({ demo: true, args: ['--handoff-wait', '1'] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await lobby?.close();
});

async function openDemo(context, server = lobby) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  const response = await page.goto(`${server.url}/demo/`);
  return { page, response, errors };
}

// A staff member answers the widget conversation that contains `question`, the way the staff
// app does: log in, find the chat over REST, join it and send over the v1 WebSocket.
async function staffReplies(server, question, reply) {
  const post = (path, body) => fetch(`${server.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then((r) => r.json());
  const get = (path, token) => fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  }).then((r) => r.json());
  const { access_token: token } = await post('/api/v1/auth/login',
    { email: 'admin@lobby.demo', password: 'lobby-admin' });
  let chatId = null;
  const chats = (await get('/api/v1/chat/chats', token))
    .filter((chat) => chat.chat_type === 'widget_visitor').sort((a, b) => b.id - a.id);
  for (const chat of chats) {
    const messages = await get(`/api/v1/chat/chats/${chat.id}/messages`, token);
    const list = Array.isArray(messages) ? messages : messages.messages || messages.items || [];
    if (list.some((m) => m.content === question)) { chatId = chat.id; break; }
  }
  assert.ok(chatId, 'the widget conversation is in the staff inbox');
  const ws = new WebSocket(`${server.wsUrl}/api/v1/chat/ws/chat/user?token=${token}`);
  const frames = [];
  const waiters = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data);
    frames.push(frame);
    waiters.splice(0).forEach((wake) => wake());
  });
  const next = async (match) => {
    for (;;) {
      const index = frames.findIndex(match);
      if (index >= 0) return frames.splice(index, 1)[0];
      await new Promise((resolve) => waiters.push(resolve));
    }
  };
  await next((f) => f.type === 'connected');
  ws.send(JSON.stringify({ type: 'join_chat', chat_id: chatId }));
  ws.send(JSON.stringify({ type: 'send_message', chat_id: chatId, content: reply, message_type: 'text' }));
  await next((f) => f.type === 'message' && f.message?.content === reply);
  ws.close();
}

// Sends a message and waits until the answer to it is complete.
async function ask(page, text) {
  const before = await page.getByTestId('widget-messages').locator('li').count();
  await page.getByTestId('widget-input').fill(text);
  await page.getByTestId('widget-send').click();
  await page.waitForFunction((n) => {
    const list = document.getElementById('lobby-chat-widget').shadowRoot
      .querySelector('[data-testid="widget-messages"]');
    return list.querySelectorAll('li').length >= n + 2 && list.getAttribute('aria-busy') === 'false';
  }, before);
}

test('the demo site serves the widget under a Content-Security-Policy', async () => {
  const context = await browser.newContext();
  const { page, response, errors } = await openDemo(context);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);
  assert.ok(await page.getByTestId('room-link').count() >= 3);
  await page.getByTestId('widget-launcher').click();
  await page.getByTestId('widget-input').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('an FAQ answer streams into the panel piece by piece', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await page.getByTestId('widget-launcher').click();
  await page.waitForFunction(() => sessionStorage.getItem('lobby_widget_session'));
  // Count how often the answer's text changes while it arrives.
  await page.evaluate(() => {
    window.__answerUpdates = 0;
    const list = document.getElementById('lobby-chat-widget').shadowRoot
      .querySelector('[data-testid="widget-messages"]');
    new MutationObserver(() => { window.__answerUpdates += 1; })
      .observe(list, { subtree: true, characterData: true, childList: true });
  });
  await ask(page, 'What time is breakfast served?');
  const answer = page.getByTestId('widget-messages').locator('li.assistant').last();
  assert.match(await answer.textContent(), /^Breakfast is served in the Garden Room/);
  assert.ok(await page.evaluate(() => window.__answerUpdates) >= 3);
  assert.match(await page.evaluate(() => localStorage.getItem('whipsmart_visitor_id')), /^[0-9a-f-]{36}$/);
  await context.close();
});

test('HTML in a message is shown as text, never as markup', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await page.getByTestId('widget-launcher').click();
  await page.waitForFunction(() => sessionStorage.getItem('lobby_widget_session'));
  const payload = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  await ask(page, payload);
  const mine = page.getByTestId('widget-messages').locator('li.user').last();
  assert.equal(await mine.textContent(), payload);
  assert.equal(await page.getByTestId('widget-messages').locator('img, b').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await context.close();
});

test('"+" starts a new chat with the same visitor', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await page.getByTestId('widget-launcher').click();
  await page.waitForFunction(() => sessionStorage.getItem('lobby_widget_session'));
  await ask(page, 'When is check-out?');
  const visitor = await page.evaluate(() => localStorage.getItem('whipsmart_visitor_id'));
  const first = await page.evaluate(() => JSON.parse(sessionStorage.getItem('lobby_widget_session')).id);
  await page.getByTestId('widget-new-chat').click();
  await page.waitForFunction((id) =>
    JSON.parse(sessionStorage.getItem('lobby_widget_session')).id !== id, first);
  assert.equal(await page.getByTestId('widget-messages').locator('li').count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem('whipsmart_visitor_id')), visitor);
  await context.close();
});

test('a reload catches up on the conversation without a new visitor or session', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await page.getByTestId('widget-launcher').click();
  await page.waitForFunction(() => sessionStorage.getItem('lobby_widget_session'));
  await ask(page, 'Is there parking at the hotel?');
  const session = await page.evaluate(() => sessionStorage.getItem('lobby_widget_session'));
  await page.reload();
  await page.getByTestId('widget-launcher').click();
  await page.getByTestId('widget-messages').locator('li').nth(1).waitFor();
  const texts = await page.getByTestId('widget-messages').locator('li').allTextContents();
  assert.equal(texts[0], 'Is there parking at the hotel?');
  assert.match(texts[1], /free parking/);
  assert.equal(JSON.parse(await page.evaluate(() => sessionStorage.getItem('lobby_widget_session'))).id,
    JSON.parse(session).id);
  await context.close();
});

test('a staff reply after the hand-off arrives live through the session events', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await page.getByTestId('widget-launcher').click();
  await page.waitForFunction(() => sessionStorage.getItem('lobby_widget_session'));
  const question = 'Could you recommend a florist near the hotel?';
  await ask(page, question); // no FAQ answer: handed to staff, holding message after 1 s
  await staffReplies(lobby, question, 'Blooms & Co. on Main Street, two minutes away.');
  const reply = page.getByTestId('widget-messages').locator('li.staff');
  await reply.waitFor();
  assert.equal(await reply.textContent(), 'Blooms & Co. on Main Street, two minutes away.');
  await context.close();
});

test('a staff reply during the hand-off streams into the panel as a staff bubble', async () => {
  const patient = await startLobby({ demo: true, args: ['--handoff-wait', '20'] });
  try {
    const context = await browser.newContext();
    const { page } = await openDemo(context, patient);
    await page.getByTestId('widget-launcher').click();
    await page.waitForFunction(() => sessionStorage.getItem('lobby_widget_session'));
    const question = 'Can you arrange a birthday cake for tonight?';
    await page.getByTestId('widget-input').fill(question);
    await page.getByTestId('widget-send').click();
    // The stream says it is waiting for staff; staff answer while it is open.
    await page.getByText('Connecting you to our team').waitFor();
    await staffReplies(patient, question, 'Happy to! Chocolate or lemon?');
    const reply = page.getByTestId('widget-messages').locator('li.staff');
    await reply.waitFor();
    await page.waitForFunction(() => document.getElementById('lobby-chat-widget').shadowRoot
      .querySelector('[data-testid="widget-messages"]').getAttribute('aria-busy') === 'false');
    assert.equal(await reply.textContent(), 'Happy to! Chocolate or lemon?');
    assert.equal(await page.getByTestId('widget-messages').locator('li.assistant').count(), 0);
    await context.close();
  } finally {
    await patient.close();
  }
});
