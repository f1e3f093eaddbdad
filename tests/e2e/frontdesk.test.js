'use strict';
// A front desk day, end to end: the real `lobby --demo` with its console window on an Xvfb
// display (signed in as John Smith, driven with xdotool: clicks on inbox rows, typing in the
// composer, Enter), the guest page of room 205 and the /demo/ widget in Chromium, and the
// customer Alex Murphy on the app's v1 WebSocket. What the console shows is read from its
// LOBBY_CONSOLE_TRANSCRIPT lines (its models, as the QML binds to them). Every client must show
// every message exactly once, with the right name; presence dots follow connections; the room
// is checked out by `lobby admin` on the same data folder while everything is open.
// LOBBY_SCREENSHOTS=DIR keeps a screenshot of the desktop, the guest page and the widget per step.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const WebSocket = require('ws');
const { launchBrowser } = require('../node/browser');
const { startXvfb, startConsole, desktop, consoleState, waitFor } = require('./desktop');

const binary = process.env.LOBBY;
if (!binary) throw new Error('set LOBBY to the lobby binary');

// The console window (1280x800 at the screen's top left, no window manager): inbox rows are
// 72 px high below the search and filters; the composer's text field is at the bottom of the
// middle pane. A click is always followed by a check of what it opened.
const INBOX_X = 175;
const FIRST_ROW_Y = 224;
const ROW_HEIGHT = 72;
const ARCHIVED_FILTER = { x: 308, y: 155 };
const COMPOSER = { x: 663, y: 765 };

const GUEST_QUESTION = 'Could we have two extra towels in room 205, please?';
const GUEST_THANKS = 'Lovely, thank you!';
const FAQ_QUESTION = 'What time is breakfast served?';
const HANDOFF_QUESTION = 'Can I bring my dog to the hotel next weekend?';
const CUSTOMER_QUESTION = 'Is my late check-out on Sunday confirmed?';
const REPLY_TO_GUEST = 'Of course, towels are on their way to 205.';
const REPLY_TO_VISITOR = 'Dogs are welcome, we have two dog-friendly rooms.';
const REPLY_TO_VISITOR_AGAIN = 'Shall I reserve one of them for you?';
const REPLY_TO_CUSTOMER = 'Yes Alex, check-out at 13:00 on Sunday is confirmed.';
const STAFF_NAME = 'John Smith';

const screenshots = process.env.LOBBY_SCREENSHOTS;
let step = 0;

let xvfb;
let screen;
let lobby;
let browser;
let dataDir;
let transcript;
let guest; // { context, page }
let widget; // { context, page }
let customer; // { ws, frames }

const state = () => consoleState(transcript) || { inbox: [], messages: [] };
const describeConsole = () => {
  const now = state();
  return JSON.stringify({
    inbox: now.inbox.map((row) => ({ id: row.conversationId, kind: row.kind, title: row.title,
      preview: row.preview, unread: row.unreadCount, online: row.online })),
    open: now.conversation_id,
    messages: now.messages.map((m) => `${m.senderKind}/${m.senderName}: ${m.text}`),
  });
};
const waitConsole = (what, check, timeout = 15000) =>
  waitFor(`the console to show ${what}`, () => check(state()), { timeout, describe: describeConsole });
const row = (now, match) => now.inbox.find(match);
const roomRow = (now) => row(now, (r) => r.kind === 'room' && /205/.test(r.title));
const widgetRow = (now) => row(now, (r) => r.kind === 'widget');
const customerRow = (now) => row(now, (r) => r.kind === 'app' && r.title === 'Alex Murphy');
const messagesWith = (now, text) => now.messages.filter((m) => m.text === text);

async function shot(name) {
  if (!screenshots) return;
  fs.mkdirSync(screenshots, { recursive: true });
  step += 1;
  const prefix = path.join(screenshots, `${String(step).padStart(2, '0')}-${name}`);
  screen.screenshot(`${prefix}-console.png`);
  if (guest && !guest.page.isClosed()) await guest.page.screenshot({ path: `${prefix}-guest.png` });
  if (widget && !widget.page.isClosed()) await widget.page.screenshot({ path: `${prefix}-widget.png` });
}

// Clicks the conversation's row in the inbox and waits until the console has it open.
async function openInConsole(conversationId, loaded) {
  const index = state().inbox.findIndex((r) => r.conversationId === conversationId);
  assert.ok(index >= 0, `conversation ${conversationId} is in the inbox: ${describeConsole()}`);
  screen.click(INBOX_X, FIRST_ROW_Y + ROW_HEIGHT * index);
  await waitConsole(`conversation ${conversationId} open after a click on row ${index}`,
    (now) => now.conversation_id === conversationId && loaded(now));
}

// Types a reply in the composer and sends it with Enter, as staff do.
async function replyFromConsole(text) {
  screen.click(COMPOSER.x, COMPOSER.y);
  screen.type(text);
  screen.key('Return');
  await waitConsole(`the reply "${text}"`, (now) => messagesWith(now, text).length > 0);
}

async function json(method, urlPath, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${lobby.url}${urlPath}`,
    { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

const widgetItems = (page, role) =>
  page.getByTestId('widget-messages').locator(`li.${role}`).allTextContents();
const widgetTexts = (page) =>
  page.getByTestId('widget-messages').locator('li .text').allTextContents();
const guestTexts = (page) => page.getByTestId('message-list').locator('li .text').allTextContents();
const count = (list, text) => list.filter((item) => item === text).length;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lobby-frontdesk-'));
  transcript = path.join(dataDir, 'console-transcript.jsonl');
  xvfb = await startXvfb();
  screen = desktop(xvfb.display);
  lobby = await startConsole({ binary, display: xvfb.display, dataDir: path.join(dataDir, 'data'),
    transcript, args: ['--handoff-wait', '45'] });
  browser = await launchBrowser();
});

// Each part gets 15 s to stop, so that one that hangs is named instead of holding the run.
const within = (what, promise) => Promise.race([promise, new Promise((_, reject) =>
  setTimeout(() => reject(new Error(`${what} did not stop`)), 15000).unref())]);

after(async () => {
  try {
    customer?.ws.terminate();
    await within('Chromium', browser?.close());
    const code = await within('lobby', lobby?.stop());
    assert.equal(code, 0, 'the console exits 0 on SIGTERM');
  } finally {
    await within('Xvfb', xvfb?.stop());
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the console opens signed in; the customer coming online turns the dot green', async () => {
  await waitConsole('the demo inbox', (now) => now.signed_in && customerRow(now));
  const login = await json('POST', '/api/v1/customer-auth/login',
    { email: 'alex@lobby.demo', password: 'lobby-customer' });
  assert.equal(login.status, 200);
  const chats = await json('GET', '/api/v1/chat/chats/customer', undefined, login.body.access_token);
  const chatId = chats.body[0].id;
  assert.equal(chatId, customerRow(state()).conversationId);
  const ws = new WebSocket(`${lobby.wsUrl}/api/v1/chat/ws/chat/customer?token=${login.body.access_token}`);
  customer = { ws, frames: [], chatId };
  ws.on('message', (data) => customer.frames.push(JSON.parse(data)));
  await waitFor('the customer socket to connect', () => customer.frames.some((f) => f.type === 'connected'));
  ws.send(JSON.stringify({ type: 'join_chat', chat_id: chatId }));
  await waitConsole('Alex Murphy online', (now) => customerRow(now)?.online === true);
  await shot('customer-online');
});

test('a guest asks from the room page: the console shows it once, unread, from the guest', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  guest = { context, page };
  await page.goto(`${lobby.url}/chat/hotel-killarney/messages/room/205/validate-chat-pin`);
  await page.getByTestId('pin-input').fill('1234');
  await page.getByTestId('pin-submit').click();
  await page.locator('body[data-live="true"]').waitFor({ state: 'attached' });
  await page.getByTestId('message-input').fill(GUEST_QUESTION);
  await page.getByTestId('send-button').click();
  await page.getByTestId('message-list').locator('li.guest:not(.pending) .text', { hasText: GUEST_QUESTION })
    .waitFor();
  await waitConsole('the guest question in the inbox, unread',
    (now) => roomRow(now)?.preview === GUEST_QUESTION && roomRow(now)?.unreadCount === 1);
  assert.equal(count(await guestTexts(page), GUEST_QUESTION), 1);
  await shot('guest-asks');
});

test('the guest shows online in the console while the room page is open', async () => {
  await waitConsole('room 205 online', (now) => roomRow(now)?.online === true, 10000);
});

test('the FAQ answers a visitor in the /demo/ widget', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  widget = { context, page };
  await page.goto(`${lobby.url}/demo/`);
  await page.getByTestId('widget-launcher').click();
  await page.waitForFunction(() => sessionStorage.getItem('lobby_widget_session'));
  await page.getByTestId('widget-input').fill(FAQ_QUESTION);
  await page.getByTestId('widget-send').click();
  const answer = page.getByTestId('widget-messages').locator('li.assistant', { hasText: 'Garden Room' });
  await answer.waitFor();
  await waitFor('the answer to finish streaming', () => page.evaluate(() =>
    document.getElementById('lobby-chat-widget').shadowRoot
      .querySelector('[data-testid="widget-messages"]').getAttribute('aria-busy') === 'false'));
  const texts = await widgetTexts(page);
  assert.equal(count(texts, FAQ_QUESTION), 1, `the question once: ${JSON.stringify(texts)}`);
  assert.equal(texts.filter((t) => t.startsWith('Breakfast is served in the Garden Room')).length, 1,
    `the FAQ answer once: ${JSON.stringify(texts)}`);
  assert.deepEqual(await widgetItems(page, 'staff'), [], 'nothing was handed to staff');
  await waitConsole('the visitor conversation', (now) => widgetRow(now));
  await shot('faq-answers');
});

test('the visitor shows online in the console while the widget is open', async () => {
  await waitConsole('the visitor online', (now) => widgetRow(now)?.online === true, 10000);
});

test('another visitor question is handed to staff: unread in the console', async () => {
  const { page } = widget;
  await page.getByTestId('widget-input').fill(HANDOFF_QUESTION);
  await page.getByTestId('widget-send').click();
  await waitConsole('the handed-off question, unread',
    (now) => widgetRow(now)?.preview === HANDOFF_QUESTION && widgetRow(now)?.unreadCount >= 1);
  assert.equal(count(await widgetTexts(page), HANDOFF_QUESTION), 1);
  await shot('handoff');
});

test('staff answer the visitor from the console composer: the console shows it once', async () => {
  const conversationId = widgetRow(state()).conversationId;
  await openInConsole(conversationId, (now) => messagesWith(now, HANDOFF_QUESTION).length > 0);
  await replyFromConsole(REPLY_TO_VISITOR);
  await shot('reply-to-visitor');
  const now = state();
  assert.equal(messagesWith(now, HANDOFF_QUESTION).length, 1, describeConsole());
  assert.equal(messagesWith(now, HANDOFF_QUESTION)[0].senderKind, 'visitor');
  assert.equal(messagesWith(now, REPLY_TO_VISITOR).length, 1, describeConsole());
});

test('the console names the reply to the visitor after the staff member who sent it', () => {
  assert.equal(messagesWith(state(), REPLY_TO_VISITOR)[0]?.senderName, STAFF_NAME, describeConsole());
});

test('the visitor sees the staff replies once and each of their questions once', async () => {
  const { page } = widget;
  await page.getByTestId('widget-messages').locator('li .text', { hasText: REPLY_TO_VISITOR }).waitFor();
  // A second reply comes through the session's event stream after the first: once it is on
  // screen, whatever the first reply's stream and events were going to draw has been drawn.
  await replyFromConsole(REPLY_TO_VISITOR_AGAIN);
  await page.getByTestId('widget-messages').locator('li .text', { hasText: REPLY_TO_VISITOR_AGAIN })
    .waitFor();
  const texts = await widgetTexts(page);
  await shot('visitor-sees-reply');
  assert.equal(count(texts, REPLY_TO_VISITOR), 1, `the reply once: ${JSON.stringify(texts)}`);
  assert.equal(count(texts, REPLY_TO_VISITOR_AGAIN), 1, `the second reply once: ${JSON.stringify(texts)}`);
  assert.equal(count(texts, HANDOFF_QUESTION), 1, `the question once: ${JSON.stringify(texts)}`);
  assert.equal(count(texts, FAQ_QUESTION), 1, `the first question once: ${JSON.stringify(texts)}`);
});

test('the widget names the staff reply after the staff member who sent it', async () => {
  const staffItems = await widgetItems(widget.page, 'staff');
  assert.ok(staffItems.some((item) => item.includes(REPLY_TO_VISITOR) && item.includes(STAFF_NAME)),
    `the reply shows ${STAFF_NAME}: ${JSON.stringify(staffItems)}`);
});

test('staff answer the guest from the console composer; the guest page shows it once, named', async () => {
  const conversationId = roomRow(state()).conversationId;
  await openInConsole(conversationId, (now) => messagesWith(now, GUEST_QUESTION).length > 0);
  await replyFromConsole(REPLY_TO_GUEST);
  const { page } = guest;
  await page.getByTestId('message-list').locator('li.staff .text', { hasText: REPLY_TO_GUEST }).waitFor();
  // The guest answers; once the answer is stored and shown, the reply's events are all in.
  await page.getByTestId('message-input').fill(GUEST_THANKS);
  await page.getByTestId('send-button').click();
  await page.getByTestId('message-list').locator('li.guest:not(.pending) .text', { hasText: GUEST_THANKS })
    .waitFor();
  await waitConsole('the guest thanks', (now) => messagesWith(now, GUEST_THANKS).length > 0);
  await shot('reply-to-guest');
  const texts = await guestTexts(page);
  assert.deepEqual([count(texts, GUEST_QUESTION), count(texts, REPLY_TO_GUEST), count(texts, GUEST_THANKS)],
    [1, 1, 1], JSON.stringify(texts));
  const sender = await page.getByTestId('message-list').locator('li.staff', { hasText: REPLY_TO_GUEST })
    .locator('.sender').textContent();
  assert.equal(sender, STAFF_NAME);
  const now = state();
  for (const text of [GUEST_QUESTION, REPLY_TO_GUEST, GUEST_THANKS])
    assert.equal(messagesWith(now, text).length, 1, `${text} once: ${describeConsole()}`);
  assert.equal(messagesWith(now, GUEST_QUESTION)[0].senderKind, 'guest');
});

test('the console names the reply to the guest after the staff member who sent it', () => {
  assert.equal(messagesWith(state(), REPLY_TO_GUEST)[0]?.senderName, STAFF_NAME, describeConsole());
});

test('the customer writes from the app; staff answer from the composer; each side sees it once', async () => {
  customer.ws.send(JSON.stringify({ type: 'send_message', chat_id: customer.chatId,
    content: CUSTOMER_QUESTION, message_type: 'text' }));
  await waitConsole('the customer question', (now) => customerRow(now)?.preview === CUSTOMER_QUESTION);
  await openInConsole(customer.chatId, (now) => messagesWith(now, CUSTOMER_QUESTION).length > 0);
  await replyFromConsole(REPLY_TO_CUSTOMER);
  const isReply = (f) => f.type === 'message' && f.message?.content === REPLY_TO_CUSTOMER;
  await waitFor('the reply on the customer socket', () => customer.frames.some(isReply));
  // Frames are in order: after the pong, anything about the reply has arrived.
  customer.ws.send(JSON.stringify({ type: 'ping' }));
  await waitFor('pong', () => customer.frames.some((f) => f.type === 'pong'));
  await shot('reply-to-customer');
  const replies = customer.frames.filter(isReply);
  assert.equal(replies.length, 1);
  assert.equal(replies[0].message.sender_name, STAFF_NAME);
  assert.equal(replies[0].message.sender_type, 'user');
  assert.equal(customer.frames.filter((f) => f.type === 'message' && f.message?.content === CUSTOMER_QUESTION)
    .length, 1);
  const now = state();
  assert.equal(messagesWith(now, CUSTOMER_QUESTION).length, 1, describeConsole());
  assert.equal(messagesWith(now, CUSTOMER_QUESTION)[0].senderName, 'Alex Murphy');
  assert.equal(messagesWith(now, REPLY_TO_CUSTOMER).length, 1, describeConsole());
  assert.equal(messagesWith(now, REPLY_TO_CUSTOMER)[0].senderName, STAFF_NAME);
});

test('presence dots follow connections: the app and the widget closing turn them grey', async () => {
  customer.ws.close();
  await waitConsole('Alex Murphy offline', (now) => customerRow(now)?.online === false);
  await widget.context.close();
  await waitConsole('the visitor offline', (now) => widgetRow(now)?.online === false);
  await shot('offline');
});

test('check-out by `lobby admin` on the same data folder sends the open guest page back to the PIN', async () => {
  const out = execFileSync(binary, ['admin', '--data-dir', path.join(dataDir, 'data'), 'check-out',
    '--number', '205'], { encoding: 'utf8' });
  assert.match(out.trim().split('\n').pop(), /^\d{4}$/);
  try {
    await guest.page.getByTestId('pin-input').waitFor({ timeout: 15000 });
  } finally {
    await shot('checked-out');
  }
});

test('the console follows the check-out: room 205 leaves All and is under Archived, offline', async () => {
  await waitConsole('room 205 gone from All', (now) => !roomRow(now));
  screen.click(ARCHIVED_FILTER.x, ARCHIVED_FILTER.y);
  await waitConsole('room 205 under Archived, offline',
    (now) => roomRow(now)?.archived === true && roomRow(now)?.online === false);
  await shot('archived');
});
