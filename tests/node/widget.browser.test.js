'use strict';
// The embeddable widget on the /demo/ site, in real headless Chromium.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startLobby } = require('./lobby');
const { launchBrowser } = require('./browser');

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

async function openDemo(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  const response = await page.goto(`${lobby.url}/demo/`);
  return { page, response, errors };
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
