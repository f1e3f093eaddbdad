'use strict';
// The guest page behind a room's QR code, in real headless Chromium against a headless
// `lobby --demo` (Hotel Killarney: rooms 101/102/205 with PINs 1111/2222/1234; staff
// admin@lobby.demo is John Smith, Receptionist). Staff act through the guide's REST API with a
// JWT from POST /api/v1/auth/login.
// Set LOBBY_SCREENSHOTS=/some/dir to keep screenshots of the page at 360x740.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startLobby } = require('./lobby');
const { launchBrowser } = require('./browser');

const hotel = 'hotel-killarney';
const pins = { 101: '1111', 102: '2222', 205: '1234' };
const SESSION_KEY = 'hotelmate_guest_chat_session';

let lobby;
let browser;
let staff; // { token, id }

async function json(method, urlPath, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${lobby.url}${urlPath}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const staffSend = async (conversation, message) => {
  const sent = await json('POST', `/api/chat/${hotel}/conversations/${conversation}/messages/send/`,
    { message, sender_type: 'staff', staff_id: staff.id }, staff.token);
  assert.equal(sent.status, 201);
  return sent.body;
};
const staffHistory = async (conversation) =>
  (await json('GET', `/api/chat/${hotel}/conversations/${conversation}/messages/?limit=200`,
    undefined, staff.token)).body.messages;

before(async () => {
  lobby = await startLobby({ demo: true });
  browser = await launchBrowser();
  const login = await json('POST', '/api/v1/auth/login',
    { email: 'admin@lobby.demo', password: 'lobby-admin' });
  assert.equal(login.status, 200);
  staff = { token: login.body.access_token, id: login.body.user.id };
});
after(async () => {
  await browser?.close();
  await lobby?.close();
});

const roomUrl = (room) => `${lobby.url}/chat/${hotel}/messages/room/${room}/validate-chat-pin`;

async function openRoom(context, room) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  const response = await page.goto(roomUrl(room));
  return { page, response, errors };
}

// Enters the PIN and waits until the chat is open and live on the room channel.
async function enterPin(page, pin) {
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('message-list').waitFor();
  await live(page);
}

const live = (page) => page.locator('body[data-live="true"]').waitFor({ state: 'attached' });
const stored = (page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key)), SESSION_KEY);
const texts = (page) => page.getByTestId('message-list').locator('li .text').allTextContents();
const bubble = (page, text) => page.getByTestId('message-list').locator('li')
  .filter({ has: page.locator('.text', { hasText: text }) });

async function send(page, text) {
  await page.getByTestId('message-input').fill(text);
  await page.getByTestId('send-button').click();
  await page.getByTestId('message-list').locator('li.guest:not(.pending) .text', { hasText: text })
    .last().waitFor();
}

// Waits until the page has marked everything read for this guest session.
function everythingRead(page, token) {
  return page.waitForFunction(async (t) => {
    const answer = await fetch(`/api/chat/guest-session/${t}/unread-count/`).then((r) => r.json());
    return answer.unread_count === 0;
  }, token);
}

test('the page is served from Lobby under a Content-Security-Policy; unknown rooms are 404', async () => {
  const context = await browser.newContext();
  const { page, response, errors } = await openRoom(context, '101');
  assert.equal(response.status(), 200);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /connect-src 'self' ws: wss:/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(await page.title(), 'Room 101 · Hotel Killarney');
  await page.getByTestId('pin-input').waitFor();
  // pusher-js is vendored, served by Lobby itself.
  const vendored = await page.request.get(`${lobby.url}/static/vendor/pusher/pusher.min.js`);
  assert.equal(vendored.status(), 200);
  assert.match(await vendored.text(), /Pusher/);
  assert.equal((await page.request.get(roomUrl('999'))).status(), 404);
  assert.equal((await page.request.get(`${lobby.url}/chat/no-such-hotel/messages/room/101/validate-chat-pin`)).status(), 404);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a wrong PIN shows an error and stores nothing', async () => {
  const context = await browser.newContext();
  const { page } = await openRoom(context, '101');
  await page.getByTestId('pin-input').fill('0000');
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('pin-error').waitFor();
  assert.match(await page.getByTestId('pin-error').textContent(), /PIN/);
  assert.equal(await stored(page), null);
  assert.equal(await page.getByTestId('message-list').isVisible(), false);
  await context.close();
});

test('the right PIN opens the chat: the guest sends, staff reply live, the handler shows in the header', async () => {
  const context = await browser.newContext();
  const { page, errors } = await openRoom(context, '101');
  await enterPin(page, pins[101]);
  const session = await stored(page);
  assert.deepEqual(Object.keys(session).sort(),
    ['conversation_id', 'current_staff_handler', 'lastUpdated', 'pusher_channel', 'session_token']);
  assert.match(session.session_token, /^guest_/);
  assert.equal(session.pusher_channel, `private-${hotel}-room-101-chat`);

  await send(page, 'Could I have two extra pillows?');
  const history = await staffHistory(session.conversation_id);
  assert.ok(history.some((m) => m.message === 'Could I have two extra pillows?' && m.sender_type === 'guest'));

  await staffSend(session.conversation_id, 'Of course, they are on their way.');
  const reply = bubble(page, 'Of course, they are on their way.');
  await reply.waitFor();
  assert.match(await reply.getAttribute('class'), /\bstaff\b/);
  assert.match(await reply.textContent(), /John Smith/);
  await page.locator('#handler-name', { hasText: 'John Smith' }).waitFor();
  assert.equal(await page.locator('#handler-role').textContent(), 'Receptionist');
  assert.equal(await page.locator('#handler-avatar').textContent(), 'JS');
  await page.waitForFunction((key) =>
    JSON.parse(localStorage.getItem(key)).current_staff_handler?.name === 'John Smith', SESSION_KEY);
  // Read while visible: the guest has nothing unread.
  await everythingRead(page, session.session_token);
  assert.deepEqual(errors, []);
  await context.close();
});

test('HTML in messages is shown as text and never runs', async () => {
  const context = await browser.newContext();
  const { page } = await openRoom(context, '102');
  await enterPin(page, pins[102]);
  const fromGuest = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  const fromStaff = '<script>window.__pwned=2</script><img src=x onerror="window.__pwned=3">';
  await send(page, fromGuest);
  await staffSend((await stored(page)).conversation_id, fromStaff);
  await bubble(page, fromStaff).waitFor();
  const all = await texts(page);
  assert.ok(all.includes(fromGuest));
  assert.ok(all.includes(fromStaff));
  assert.equal(await page.getByTestId('message-list').locator('img, b, script').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await context.close();
});

test('a reload skips the PIN while the stored session is valid', async () => {
  const context = await browser.newContext();
  const { page } = await openRoom(context, '205');
  await enterPin(page, pins[205]);
  await send(page, 'Is the spa open tonight?');
  const before = await stored(page);
  await page.reload();
  await page.getByTestId('message-list').locator('li', { hasText: 'Is the spa open tonight?' }).waitFor();
  assert.equal(await page.getByTestId('pin-input').isVisible(), false);
  assert.equal((await stored(page)).session_token, before.session_token);
  await context.close();
});

test('messages sent while the page was closed appear when it opens again, in order, once', async () => {
  const context = await browser.newContext();
  let { page } = await openRoom(context, '205');
  await enterPin(page, pins[205]);
  const { conversation_id: conversation } = await stored(page);
  await page.close();
  await staffSend(conversation, 'Your table is booked for 8 pm.');
  await staffSend(conversation, 'Enjoy your dinner!');
  ({ page } = await openRoom(context, '205'));
  await bubble(page, 'Enjoy your dinner!').waitFor();
  await live(page);
  const all = await texts(page);
  const first = all.indexOf('Your table is booked for 8 pm.');
  assert.ok(first >= 0);
  assert.equal(all[first + 1], 'Enjoy your dinner!');
  assert.equal(all.filter((t) => t === 'Your table is booked for 8 pm.').length, 1);
  assert.equal(all.filter((t) => t === 'Enjoy your dinner!').length, 1);
  await context.close();
});

test('messages lost while the connection was down are fetched when it comes back', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Between the page and Lobby's Pusher socket: while "asleep", events from the server are lost.
  let asleep = false;
  const sockets = [];
  await page.routeWebSocket(/\/app\//, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => { if (!asleep) ws.send(message); });
    sockets.push(ws);
  });
  await page.goto(roomUrl('205'));
  await enterPin(page, pins[205]);
  const { conversation_id: conversation } = await stored(page);
  asleep = true;
  await staffSend(conversation, 'Housekeeping will come at 10.');
  await staffSend(conversation, 'Let us know if that suits you.');
  assert.equal(await bubble(page, 'Let us know if that suits you.').count(), 0);
  // The phone wakes up: the old socket is gone, pusher-js reconnects.
  asleep = false;
  await sockets.at(-1).close({ code: 4200, reason: 'gone' });
  await bubble(page, 'Let us know if that suits you.').waitFor();
  const all = await texts(page);
  const first = all.indexOf('Housekeeping will come at 10.');
  assert.ok(first >= 0);
  assert.equal(all[first + 1], 'Let us know if that suits you.');
  assert.equal(all.filter((t) => t === 'Housekeeping will come at 10.').length, 1);
  await context.close();
});

test('the page fits a 360 px wide phone without horizontal scrolling', async () => {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
  });
  const { page } = await openRoom(context, '101');
  await page.getByTestId('pin-input').waitFor();
  const noHorizontalScroll = () => page.evaluate(() =>
    document.documentElement.scrollWidth <= window.innerWidth && document.body.scrollWidth <= window.innerWidth);
  assert.ok(await noHorizontalScroll());
  const shots = process.env.LOBBY_SCREENSHOTS;
  if (shots) await page.screenshot({ path: path.join(shots, 'guest-pin.png') });
  await enterPin(page, pins[101]);
  await send(page, 'https://example.com/a-very-long-link-without-any-spaces-that-must-wrap-inside-the-bubble-and-not-widen-the-page');
  await send(page, 'Thank you! What time does the pool open?');
  await staffSend((await stored(page)).conversation_id, 'The pool opens at 7:00 and closes at 21:00. Towels are at the entrance.');
  await bubble(page, 'The pool opens at 7:00').waitFor();
  assert.ok(await noHorizontalScroll());
  const sendBox = await page.getByTestId('send-button').boundingBox();
  assert.ok(sendBox.x + sendBox.width <= 360 && sendBox.y + sendBox.height <= 740);
  if (shots) await page.screenshot({ path: path.join(shots, 'guest-chat.png') });
  await context.close();
});

// Headless Chromium keeps every tab visible, so the test drives document.visibilityState and
// records notifications through a stand-in Notification with permission granted.
function fakeVisibilityAndNotifications() {
  window.__hidden = false;
  window.__notifications = [];
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible'),
  });
  window.Notification = class {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) { window.__notifications.push({ title, body: options.body }); }
    addEventListener() {}
    close() {}
  };
}
const setHidden = (page, hidden) => page.evaluate((value) => {
  window.__hidden = value;
  document.dispatchEvent(new Event('visibilitychange'));
}, hidden);

test('while hidden, staff messages count in the title and notify; visible again marks them read', async () => {
  const context = await browser.newContext();
  await context.addInitScript(fakeVisibilityAndNotifications);
  const { page, errors } = await openRoom(context, '101');
  await enterPin(page, pins[101]);
  const session = await stored(page);
  await setHidden(page, true);
  await staffSend(session.conversation_id, 'Your taxi is here.');
  await staffSend(session.conversation_id, 'It is a black Skoda.');
  await bubble(page, 'It is a black Skoda.').waitFor();
  assert.equal(await page.title(), '(2) Room 101 · Hotel Killarney');
  assert.deepEqual(await page.evaluate(() => window.__notifications),
    [{ title: 'John Smith', body: 'Your taxi is here.' }, { title: 'John Smith', body: 'It is a black Skoda.' }]);
  const unread = async () => (await json('GET',
    `/api/chat/guest-session/${session.session_token}/unread-count/`)).body.unread_count;
  assert.equal(await unread(), 2);
  await setHidden(page, false);
  assert.equal(await page.title(), 'Room 101 · Hotel Killarney');
  await everythingRead(page, session.session_token);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a browser without Notification still logs in, sends and receives', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => { delete window.Notification; window.Notification = undefined; });
  const { page, errors } = await openRoom(context, '101');
  await enterPin(page, pins[101]);
  await send(page, 'No notifications here');
  await staffSend((await stored(page)).conversation_id, 'Still here for you.');
  await bubble(page, 'Still here for you.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a check-out ends the session: an open page and a page opened later go back to the PIN', async () => {
  const context = await browser.newContext();
  const { page } = await openRoom(context, '102');
  await enterPin(page, pins[102]);
  const sleeping = await browser.newContext(); // a second phone of the room, page closed
  const closed = await openRoom(sleeping, '102');
  await enterPin(closed.page, pins[102]);
  await closed.page.close();
  // Checked out by another process (the admin command); the next stay's first event tells
  // the old stay's subscribers.
  assert.equal(lobby.admin('check-out', '--number', '102', '--pin', '5678'), '5678');
  const nextGuest = await browser.newContext();
  const next = await openRoom(nextGuest, '102');
  await enterPin(next.page, '5678');
  await send(next.page, 'Hello from the next guest');
  await page.getByTestId('pin-error').waitFor();
  assert.match(await page.getByTestId('pin-error').textContent(), /ended/);
  assert.equal(await stored(page), null);
  // The other phone's stored session no longer validates.
  const reopened = await openRoom(sleeping, '102');
  await reopened.page.getByTestId('pin-input').waitFor();
  assert.match(await reopened.page.getByTestId('pin-error').textContent(), /ended/);
  assert.equal(await stored(reopened.page), null);
  // The new stay starts empty: the old guest's messages are not shown to the next one.
  assert.deepEqual(await texts(next.page), ['Hello from the next guest']);
  await nextGuest.close();
  await sleeping.close();
  await context.close();
});

test('a check-out by the admin command reaches the open page at once; unsent text waits for the PIN', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Between the page and Lobby's Pusher socket: while "asleep", events from the server are lost.
  let asleep = false;
  await page.routeWebSocket(/\/app\//, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => { if (!asleep) ws.send(message); });
  });
  await page.goto(roomUrl('101'));
  await enterPin(page, pins[101]);
  await send(page, 'Could we get a late check-out?');
  await page.getByTestId('message-input').fill('And a taxi at 9, please');
  // Another process checks the room out; nobody starts a new stay: Lobby itself notices.
  assert.equal(lobby.admin('check-out', '--number', '101', '--pin', '4321'), '4321');
  await page.getByTestId('pin-error').waitFor();
  assert.match(await page.getByTestId('pin-error').textContent(), /ended/);
  await enterPin(page, '4321');
  assert.equal(await page.getByTestId('message-input').inputValue(), 'And a taxi at 9, please');
  await send(page, 'And a taxi at 9, please');
  assert.equal(await page.getByTestId('message-input').inputValue(), '');

  // Checked out again while the page hears nothing: the next message is refused, and the page
  // says so and keeps it instead of dropping it.
  asleep = true;
  assert.equal(lobby.admin('check-out', '--number', '101', '--pin', '1111'), '1111');
  await page.getByTestId('message-input').fill('Is the bar still open?');
  await page.getByTestId('send-button').click();
  await page.getByTestId('pin-error').waitFor();
  assert.match(await page.getByTestId('pin-error').textContent(), /not sent/);
  asleep = false;
  await page.reload(); // the text survives a reload of the tab, too
  await page.getByTestId('pin-input').waitFor();
  await enterPin(page, pins[101]);
  assert.equal(await page.getByTestId('message-input').inputValue(), 'Is the bar still open?');
  await context.close();
});
