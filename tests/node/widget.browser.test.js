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
  // Records every message the session's event stream delivers, to know when it has caught up.
  await page.addInitScript(() => {
    window.__streamed = [];
    const Native = window.EventSource;
    window.EventSource = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (event) => {
          const data = JSON.parse(event.data);
          if (data.type === 'message') window.__streamed.push(data.message);
        });
      }
    };
  });
  const response = await page.goto(`${server.url}/demo/`);
  return { page, response, errors };
}

const shot = async (page, name) => {
  if (process.env.LOBBY_SCREENSHOTS)
    await page.screenshot({ path: require('node:path').join(process.env.LOBBY_SCREENSHOTS, `${name}.png`) });
};

// The bubbles on screen: role, author, time and text of each.
// Opens the widget's panel and waits until its chat session exists.
async function openChat(page) {
  await page.getByTestId('widget-launcher').click();
  await page.waitForFunction(() => sessionStorage.getItem('lobby_widget_session'));
}

function bubbles(page) {
  return page.evaluate(() => [...document.getElementById('lobby-chat-widget').shadowRoot
    .querySelectorAll('[data-testid="widget-messages"] li')].map((li) => ({
    role: li.className.replace('message ', ''),
    author: li.querySelector('.who')?.textContent ?? '',
    time: li.querySelector('time')?.textContent ?? '',
    text: li.querySelector('.text').textContent,
  })));
}

// Waits until the session's event stream has delivered the message with `content`.
function streamedContent(page, content) {
  return page.waitForFunction((text) => window.__streamed.some((m) => m.content === text), content);
}

const idle = (page) => page.waitForFunction(() => document.getElementById('lobby-chat-widget')
  .shadowRoot.querySelector('[data-testid="widget-messages"]').getAttribute('aria-busy') !== 'true');

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
  await openChat(page);
  // Count how often the answer's text changes while it arrives.
  await page.evaluate(() => {
    window.__answerUpdates = 0;
    const list = document.getElementById('lobby-chat-widget').shadowRoot
      .querySelector('[data-testid="widget-messages"]');
    new MutationObserver(() => { window.__answerUpdates += 1; })
      .observe(list, { subtree: true, characterData: true, childList: true });
  });
  await ask(page, 'What time is breakfast served?');
  const answer = page.getByTestId('widget-messages').locator('li.assistant .text').last();
  assert.match(await answer.textContent(), /^Breakfast is served in the Garden Room/);
  assert.ok(await page.evaluate(() => window.__answerUpdates) >= 3);
  assert.match(await page.evaluate(() => localStorage.getItem('whipsmart_visitor_id')), /^[0-9a-f-]{36}$/);
  await context.close();
});

test('HTML in a message is shown as text, never as markup', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await openChat(page);
  const payload = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  await ask(page, payload);
  const mine = page.getByTestId('widget-messages').locator('li.user .text').last();
  assert.equal(await mine.textContent(), payload);
  assert.equal(await page.getByTestId('widget-messages').locator('img, b').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await context.close();
});

test('"+" starts a new chat with the same visitor', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await openChat(page);
  await ask(page, 'When is check-out?');
  const visitor = await page.evaluate(() => localStorage.getItem('whipsmart_visitor_id'));
  const first = await page.evaluate(() => JSON.parse(sessionStorage.getItem('lobby_widget_session')).id);
  await page.getByTestId('widget-new-chat').click();
  await page.waitForFunction((id) =>
    JSON.parse(sessionStorage.getItem('lobby_widget_session')).id !== id, first);
  assert.deepEqual((await bubbles(page)).map((b) => b.role), ['assistant greeting']);
  assert.equal(await page.evaluate(() => localStorage.getItem('whipsmart_visitor_id')), visitor);
  await context.close();
});

test('a reload catches up on the conversation without a new visitor or session', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await openChat(page);
  await ask(page, 'Is there parking at the hotel?');
  const session = await page.evaluate(() => sessionStorage.getItem('lobby_widget_session'));
  await page.reload();
  await page.getByTestId('widget-launcher').click();
  await page.getByTestId('widget-messages').locator('li').nth(2).waitFor();
  const texts = await page.getByTestId('widget-messages').locator('li .text').allTextContents();
  assert.match(texts[0], /^Welcome to Hotel Killarney!/);
  assert.equal(texts[1], 'Is there parking at the hotel?');
  assert.match(texts[2], /free parking/);
  assert.equal(JSON.parse(await page.evaluate(() => sessionStorage.getItem('lobby_widget_session'))).id,
    JSON.parse(session).id);
  await context.close();
});

test('a staff reply after the hand-off arrives live through the session events', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await openChat(page);
  const question = 'Could you recommend a florist near the hotel?';
  await ask(page, question); // no FAQ answer: handed to staff, holding message after 1 s
  await staffReplies(lobby, question, 'Blooms & Co. on Main Street, two minutes away.');
  const reply = page.getByTestId('widget-messages').locator('li.staff .text');
  await reply.waitFor();
  assert.equal(await reply.textContent(), 'Blooms & Co. on Main Street, two minutes away.');
  await context.close();
});

test('a staff reply during the hand-off streams into the panel as a staff bubble', async () => {
  const patient = await startLobby({ demo: true, args: ['--handoff-wait', '20'] });
  try {
    const context = await browser.newContext();
    const { page } = await openDemo(context, patient);
    await openChat(page);
    const question = 'Can you arrange a birthday cake for tonight?';
    await page.getByTestId('widget-input').fill(question);
    await page.getByTestId('widget-send').click();
    // The stream says it is waiting for staff; staff answer while it is open.
    await page.getByText('Connecting you to our team').waitFor();
    await staffReplies(patient, question, 'Happy to! Chocolate or lemon?');
    const reply = page.getByTestId('widget-messages').locator('li.staff .text');
    await reply.waitFor();
    await idle(page);
    assert.equal(await reply.textContent(), 'Happy to! Chocolate or lemon?');
    assert.equal(await page.getByTestId('widget-messages').locator('li.assistant:not(.greeting)').count(), 0);
    await context.close();
  } finally {
    await patient.close();
  }
});

test('the open widget names the site, greets, and labels each bubble with its author and time', async () => {
  const patient = await startLobby({ demo: true, args: ['--handoff-wait', '20'] });
  try {
    for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 800 }]]) {
      const context = await browser.newContext({ viewport });
      const { page } = await openDemo(context, patient);
      await openChat(page);
      assert.equal(await page.locator('#lobby-chat-widget header strong').textContent(), 'Hotel Killarney');
      const [greeting] = await bubbles(page);
      assert.equal(greeting.author, 'Assistant');
      assert.match(greeting.text, /^Welcome to Hotel Killarney! Ask me anything/);
      await shot(page, `widget-${name}-greeting`);

      await ask(page, 'What time is breakfast served?');
      const question = `Could you book us a table for two tonight? (${name})`;
      await page.getByTestId('widget-input').fill(question);
      await page.getByTestId('widget-send').click();
      await page.getByText('Connecting you to our team').waitFor();
      await staffReplies(patient, question, 'Of course! Eight o\'clock at the Garden Room?');
      await page.getByTestId('widget-messages').locator('li.staff').waitFor();
      await idle(page);
      const shown = await bubbles(page);
      assert.deepEqual(shown.map((b) => [b.role, b.author]), [
        ['assistant greeting', 'Assistant'], ['user', 'You'], ['assistant', 'Assistant'],
        ['user', 'You'], ['staff', 'John Smith'],
      ]);
      for (const bubble of shown) assert.match(bubble.time, /^\d{1,2}:\d{2}/);
      // Staff and the assistant are told apart at a glance, not by a pale tint.
      const colours = await page.evaluate(() => {
        const root = document.getElementById('lobby-chat-widget').shadowRoot;
        const style = (selector) => getComputedStyle(root.querySelector(selector));
        return {
          staff: style('li.staff .text').borderLeftWidth,
          assistant: style('li.assistant:not(.greeting) .text').borderLeftWidth,
          staffName: style('li.staff .who').color,
          assistantName: style('li.assistant .who').color,
        };
      });
      assert.notEqual(colours.staff, colours.assistant);
      assert.notEqual(colours.staffName, colours.assistantName);
      await shot(page, `widget-${name}-staff-reply`);
      await context.close();
    }
  } finally {
    await patient.close();
  }
});

test('each message shows exactly once after a staff reply, during or after the hand-off wait', async () => {
  const patient = await startLobby({ demo: true, args: ['--handoff-wait', '20'] });
  try {
    for (const server of [patient, lobby]) { // staff answer while the stream waits; after it ended
      const context = await browser.newContext();
      const { page } = await openDemo(context, server);
      await openChat(page);
      const question = `Can someone carry our bags up? (${server.port})`;
      const reply = 'Right away, a porter is coming up.';
      await page.getByTestId('widget-input').fill(question);
      await page.getByTestId('widget-send').click();
      if (server === lobby) { // the 1 s wait ends with the holding message
        await page.getByTestId('widget-messages').locator('li.assistant .text', { hasText: 'our team' }).waitFor();
        await idle(page);
      } else {
        await page.getByText('Connecting you to our team').waitFor();
      }
      await staffReplies(server, question, reply);
      await page.getByTestId('widget-messages').locator('li.staff').waitFor();
      await idle(page);
      await streamedContent(page, reply); // the event stream delivered it as well
      await streamedContent(page, question);
      const texts = (await bubbles(page)).map((b) => b.text);
      assert.equal(texts.filter((t) => t === question).length, 1, texts.join(' | '));
      assert.equal(texts.filter((t) => t === reply).length, 1, texts.join(' | '));
      await context.close();
    }
  } finally {
    await patient.close();
  }
});

test('a visitor may write again while the hand-off waits, and "+" starts a clean chat', async () => {
  const patient = await startLobby({ demo: true, args: ['--handoff-wait', '20'] });
  try {
    const context = await browser.newContext();
    const { page } = await openDemo(context, patient);
    await openChat(page);
    await page.getByTestId('widget-input').fill('Can you order flowers for my wife?');
    await page.getByTestId('widget-send').click();
    await page.getByText('Connecting you to our team').waitFor();

    // Still waiting for staff: the next message goes out and is answered.
    await page.getByTestId('widget-input').fill('When is check-out?');
    await page.getByTestId('widget-send').click();
    assert.equal(await page.getByTestId('widget-input').inputValue(), '');
    await page.getByTestId('widget-messages').locator('li.assistant .text', { hasText: 'Check-out is at 11:00' }).waitFor();

    // Handed off again, then "+": a new chat without the old status, and it can send.
    await page.getByTestId('widget-input').fill('Could you wake us at six?');
    await page.getByTestId('widget-send').click();
    await page.getByText('Connecting you to our team').waitFor();
    const first = await page.evaluate(() => JSON.parse(sessionStorage.getItem('lobby_widget_session')).id);
    await page.getByTestId('widget-new-chat').click();
    await page.waitForFunction((id) =>
      JSON.parse(sessionStorage.getItem('lobby_widget_session')).id !== id, first);
    assert.equal(await page.getByText('Connecting you to our team').count(), 0);
    assert.deepEqual((await bubbles(page)).map((b) => b.role), ['assistant greeting']);
    await ask(page, 'Is there parking at the hotel?');
    assert.match((await bubbles(page)).at(-1).text, /free parking/);
    await context.close();
  } finally {
    await patient.close();
  }
});

test('a message sent while an FAQ answer still streams: every message shows once, whole and in order', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await openChat(page);
  const first = 'What time is breakfast served?';
  const second = 'When is check-out?';
  // Sends the first question, and the second the moment the first answer starts to arrive.
  const drawnWhenSent = await page.evaluate(([one, two]) => new Promise((resolve) => {
    const root = document.getElementById('lobby-chat-widget').shadowRoot;
    const list = root.querySelector('[data-testid="widget-messages"]');
    const input = root.querySelector('[data-testid="widget-input"]');
    const observer = new MutationObserver(() => {
      const answer = list.querySelector('li.assistant:not(.greeting) .text');
      if (!answer || !answer.textContent) return;
      observer.disconnect();
      const drawn = answer.textContent;
      input.value = two;
      root.querySelector('form').requestSubmit();
      resolve(drawn);
    });
    observer.observe(list, { subtree: true, characterData: true, childList: true });
    input.value = one;
    root.querySelector('form').requestSubmit();
  }), [first, second]);
  // Both turns are stored and streamed back by the session's events; the panel has settled.
  await page.waitForFunction(() => window.__streamed.length >= 4);
  await page.getByTestId('widget-messages').locator('li.assistant .text', { hasText: 'Check-out is at 11:00' }).waitFor();
  await idle(page);
  const streamed = await page.evaluate(() => window.__streamed.map((m) => m.content));
  const [, firstAnswer, , secondAnswer] = streamed;
  assert.deepEqual([streamed[0], streamed[2]], [first, second]);
  assert.ok(drawnWhenSent.length < firstAnswer.length, 'the second message went out mid-answer');
  const texts = (await bubbles(page)).map((b) => b.text);
  assert.deepEqual(texts.slice(1), [first, firstAnswer, second, secondAnswer], texts.join(' | '));
  await context.close();
});

test('"+" closes the old chat\'s stream first: a staff reply there stays out of the new chat', async () => {
  const context = await browser.newContext();
  const { page } = await openDemo(context);
  await openChat(page);
  const question = 'Could you send up extra towels?';
  await ask(page, question); // handed to staff, holding message after 1 s
  await streamedContent(page, question);
  // The new chat's session is held back until staff have answered in the old chat.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/api/chats/sessions/', async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.continue();
  });
  const first = await page.evaluate(() => JSON.parse(sessionStorage.getItem('lobby_widget_session')).id);
  const creating = page.waitForRequest((r) => r.url().endsWith('/api/chats/sessions/') && r.method() === 'POST');
  await page.getByTestId('widget-new-chat').click();
  await creating;
  const reply = 'Towels are on their way.';
  await staffReplies(lobby, question, reply);
  // An old stream still open delivers the reply within moments; a closed one never does.
  const delivered = streamedContent(page, reply).catch(() => {});
  await Promise.race([delivered, new Promise((resolve) => setTimeout(resolve, 1500))]);
  release();
  await page.waitForFunction((id) =>
    JSON.parse(sessionStorage.getItem('lobby_widget_session')).id !== id, first);
  const texts = (await bubbles(page)).map((b) => b.text);
  assert.equal(texts.length, 1, texts.join(' | '));
  assert.match(texts[0], /^Welcome to Hotel Killarney!/);
  await context.close();
});
