'use strict';
// The guest page's Requests tab and a place's QR code page, in real headless Chromium against a
// headless `lobby --demo` (Hotel Killarney: room 205 with PIN 1234; staff admin@lobby.demo is
// John Smith). Staff take and finish requests through the app API v1.
// Set LOBBY_SCREENSHOTS=/some/dir to keep screenshots at phone (390x844) and desktop size.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startLobby } = require('./lobby');
const { launchBrowser } = require('./browser');

const hotel = 'hotel-killarney';
const shots = process.env.LOBBY_SCREENSHOTS;
let lobby;
let browser;
let staff;

async function json(method, urlPath, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${lobby.url}${urlPath}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  lobby = await startLobby({ demo: true });
  browser = await launchBrowser();
  const login = await json('POST', '/api/v1/auth/login', { email: 'admin@lobby.demo', password: 'lobby-admin' });
  assert.equal(login.status, 200);
  staff = login.body.access_token;
});
after(async () => {
  await browser?.close();
  await lobby?.close();
});

async function openStay(context, room, pin) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${lobby.url}/chat/${hotel}/messages/room/${room}/validate-chat-pin`);
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
  await page.locator('body[data-live="true"]').waitFor({ state: 'attached' });
  return { page, errors };
}

const card = (page, text) => page.getByTestId('request-card').filter({ hasText: text });

test('a guest taps "Extra towels" and the card follows each step live', async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
  });
  const { page, errors } = await openStay(context, '205', '1234');
  await page.getByTestId('tab-requests').click();
  await page.getByTestId('requests-panel').waitFor();
  assert.ok(await page.getByTestId('message-list').isHidden());
  await page.getByTestId('quick-request').filter({ hasText: 'Extra towels' }).click();
  const towels = card(page, 'Extra towels');
  await towels.getByTestId('request-status').filter({ hasText: 'Received · Housekeeping' }).waitFor();
  assert.equal(await page.getByTestId('requests-badge').textContent(), '1');
  if (shots) await page.screenshot({ path: path.join(shots, 'guest-requests-open.png') });

  const [request] = (await json('GET', '/api/v1/requests?status=open', undefined, staff)).body;
  assert.equal(request.details, 'Extra towels');
  assert.equal((await json('PATCH', `/api/v1/requests/${request.id}`, { status: 'in_progress' }, staff)).status, 200);
  await towels.getByTestId('request-status').filter({ hasText: 'On the way · John Smith' }).waitFor();
  assert.equal(await towels.getAttribute('data-status'), 'in_progress');
  if (shots) await page.screenshot({ path: path.join(shots, 'guest-requests-on-the-way.png') });

  assert.equal((await json('PATCH', `/api/v1/requests/${request.id}`, { status: 'done' }, staff)).status, 200);
  await towels.getByTestId('request-status').filter({ hasText: /^Done \d{1,2}:\d{2}/ }).waitFor();
  assert.ok(await page.getByTestId('requests-badge').isHidden());
  // The system line is in the chat too.
  await page.getByTestId('tab-chat').click();
  await page.getByTestId('message-list').getByText('Extra towels — done by John Smith').waitFor();
  // No horizontal scrolling at phone width.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a free-text request, its refusals, and the list after a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page, errors } = await openStay(context, '205', '1234');
  await page.getByTestId('tab-requests').click();
  await page.getByTestId('request-send').click();
  await page.getByTestId('request-error').filter({ hasText: 'Say what you need' }).waitFor();
  await page.getByTestId('request-category').selectOption('transport');
  await page.getByTestId('request-details').fill('<b>A taxi</b> to the airport at 9');
  await page.getByTestId('request-send').click();
  const taxi = card(page, 'to the airport at 9');
  await taxi.waitFor();
  assert.equal(await taxi.locator('.request-title').textContent(), '<b>A taxi</b> to the airport at 9');
  assert.equal(await page.getByTestId('request-details').inputValue(), '');
  if (shots) await page.screenshot({ path: path.join(shots, 'guest-requests-desktop.png') });
  await page.reload();
  await page.locator('body[data-live="true"]').waitFor({ state: 'attached' });
  await page.getByTestId('tab-requests').click();
  await card(page, 'to the airport at 9').waitFor();
  assert.ok(await card(page, 'Extra towels').count() >= 1); // the first test's, same stay
  assert.deepEqual(errors, []);
  await context.close();
});

test('a place page takes a request without a PIN and staff see where it came from', async () => {
  const out = lobby.admin('add-place', '--name', 'Pool');
  const placePath = out.trim().split('\n').pop();
  assert.match(placePath, /^\/chat\/place\/p[\w-]+$/);
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  const response = await page.goto(`${lobby.url}${placePath}`);
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), 'Pool · Ask the hotel');
  await page.getByTestId('place-category').locator('option').first().waitFor({ state: 'attached' });
  await page.getByTestId('place-category').selectOption('housekeeping');
  await page.getByTestId('place-details').fill('Two towels, sunbed 12');
  await page.getByTestId('place-send').click();
  await page.getByTestId('place-request').filter({ hasText: 'Two towels, sunbed 12' }).waitFor();
  if (shots) await page.screenshot({ path: path.join(shots, 'place-page.png') });
  const listed = (await json('GET', '/api/v1/requests?category=housekeeping&status=open', undefined, staff)).body;
  assert.ok(listed.some((r) => r.place === 'Pool' && r.room_number === null && r.details === 'Two towels, sunbed 12'));
  assert.equal((await page.request.get(`${lobby.url}/chat/place/nope`)).status(), 404);
  assert.deepEqual(errors, []);
  await context.close();
});
