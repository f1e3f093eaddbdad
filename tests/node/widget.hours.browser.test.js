'use strict';
// The widget while the desk is closed, in real headless Chromium at desktop and phone size: the
// header says when the desk opens again, the texts are the site's settings, and a message gets
// the site's away message. Settings are set the way a receptionist without the console would:
// `lobby admin set-setting` on the running instance's data folder.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startLobby } = require('./lobby');
const { launchBrowser } = require('./browser');

let lobby;
let browser;

// Closed every weekday; open tomorrow (UTC) 07:00-08:00 only: "Back at 7:00" whatever the time.
function closedUntilTomorrowSeven() {
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
  const hours = { exceptions: { [tomorrow]: ['07:00-08:00'] } };
  for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) hours[day] = [];
  return JSON.stringify(hours);
}

before(async () => {
  lobby = await startLobby({ demo: true, args: ['--handoff-wait', '1'] });
  browser = await launchBrowser();
  lobby.admin('set-setting', '--name', 'time_zone', '--value', 'UTC');
  lobby.admin('set-setting', '--name', 'hours', '--value', closedUntilTomorrowSeven());
  lobby.admin('set-setting', '--name', 'display_name', '--value', 'Killarney Front Desk');
  lobby.admin('set-setting', '--name', 'greeting', '--value', 'Hello from the lakeside! How can we help?');
  lobby.admin('set-setting', '--name', 'away_message', '--value', 'Thanks! The desk is closed for the night.');
});
after(async () => {
  await browser?.close();
  await lobby?.close();
});

const shot = async (page, name) => {
  if (process.env.LOBBY_SCREENSHOTS)
    await page.screenshot({ path: require('node:path').join(process.env.LOBBY_SCREENSHOTS, `${name}.png`) });
};

const inWidget = (page, testId) => page.evaluate((id) => {
  const node = document.getElementById('lobby-chat-widget').shadowRoot.querySelector(`[data-testid="${id}"]`);
  return node ? { text: node.textContent, hidden: node.hidden, width: node.getBoundingClientRect().width } : null;
}, testId);

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
  test(`closed: the header says when the desk is back, texts from the settings (${name})`, async () => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(`${lobby.url}/demo/`);
    await page.getByTestId('widget-launcher').click();
    await page.waitForFunction(() => sessionStorage.getItem('lobby_widget_session'));
    const status = await inWidget(page, 'widget-desk-status');
    assert.equal(status.text, 'Back at 7:00');
    assert.equal(status.hidden, false);
    assert.ok(status.width > 0, 'the status is laid out');
    const title = await page.evaluate(() => document.getElementById('lobby-chat-widget').shadowRoot
      .querySelector('header strong').textContent);
    assert.equal(title, 'Killarney Front Desk');
    const greeting = await page.evaluate(() => document.getElementById('lobby-chat-widget').shadowRoot
      .querySelector('li.greeting .text').textContent);
    assert.equal(greeting, 'Hello from the lakeside! How can we help?');
    await shot(page, `widget-closed-${name}`);

    // Nobody is there: the away message answers at once, saying when the desk is back.
    await page.getByTestId('widget-input').fill('Is the pool heated?');
    await page.getByTestId('widget-send').click();
    await page.waitForFunction(() => [...document.getElementById('lobby-chat-widget').shadowRoot
      .querySelectorAll('li.assistant .text')].some((t) => t.textContent.includes("We're back at 7:00 tomorrow.")));
    const answers = await page.evaluate(() => [...document.getElementById('lobby-chat-widget').shadowRoot
      .querySelectorAll('li.assistant:not(.greeting) .text')].map((t) => t.textContent));
    assert.deepEqual(answers, ["Thanks! The desk is closed for the night. We're back at 7:00 tomorrow."]);
    await shot(page, `widget-closed-away-${name}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('open again: the header shows no status', async () => {
  lobby.admin('set-setting', '--name', 'hours', '--value', 'null');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${lobby.url}/demo/`);
  await page.getByTestId('widget-launcher').click();
  await page.waitForFunction(() => sessionStorage.getItem('lobby_widget_session'));
  const status = await inWidget(page, 'widget-desk-status');
  assert.equal(status.hidden, true);
  assert.equal(status.text, '');
  await context.close();
});
