'use strict';
// The widget guide's own JavaScript (widget-api-guide.md, Steps 1-3), run unchanged under node
// against a headless Lobby with the demo data: visitor, validation, sessions, chat, streaming.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startLobby } = require('./lobby');

// The guide's globals and browser storage.
let API_BASE_URL;
let API_KEY;
const store = new Map();
const localStorage = {
  getItem: (k) => (store.has(k) ? store.get(k) : null),
  setItem: (k, v) => store.set(k, String(v)),
  removeItem: (k) => store.delete(k),
};

// ---- from the guide, verbatim ----------------------------------------------------------

async function initializeVisitor() {
  // 1. Check if visitor_id exists in localStorage
  let visitorId = localStorage.getItem('whipsmart_visitor_id');

  if (visitorId) {
    // 2. Validate existing visitor_id
    const isValid = await validateVisitor(visitorId);

    if (isValid) {
      // Visitor is valid, continue with existing visitor_id
      return visitorId;
    } else {
      // Visitor is invalid, remove from localStorage
      localStorage.removeItem('whipsmart_visitor_id');
      visitorId = null;
    }
  }

  // 3. Create new visitor if none exists or validation failed
  if (!visitorId) {
    visitorId = await createVisitor();
    localStorage.setItem('whipsmart_visitor_id', visitorId);
  }

  return visitorId;
}

async function validateVisitor(visitorId) {
  try {
    const response = await fetch(`${API_BASE_URL}/api/chats/visitors/${visitorId}/validate/`, {
      method: 'GET',
      headers: {
        'Content-Type': 'application/json',
      },
    });

    if (response.ok) {
      const data = await response.json();
      return data.success === true;
    }

    return false;
  } catch (error) {
    console.error('Error validating visitor:', error);
    return false;
  }
}

async function createVisitor() {
  try {
    const response = await fetch(`${API_BASE_URL}/api/chats/visitors/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({}),
    });

    if (!response.ok) {
      throw new Error(`Failed to create visitor: ${response.statusText}`);
    }

    const data = await response.json();

    if (data.success && data.data && data.data.id) {
      return data.data.id;
    }

    throw new Error('Invalid response from create visitor endpoint');
  } catch (error) {
    console.error('Error creating visitor:', error);
    throw error;
  }
}

async function createSession(visitorId) {
  try {
    const response = await fetch(`${API_BASE_URL}/api/chats/sessions/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        visitor_id: visitorId,
      }),
    });

    if (!response.ok) {
      const errorData = await response.json();
      throw new Error(errorData.message || `Failed to create session: ${response.statusText}`);
    }

    const data = await response.json();

    if (data.success && data.data && data.data.id) {
      return data.data.id;
    }

    throw new Error('Invalid response from create session endpoint');
  } catch (error) {
    console.error('Error creating session:', error);
    throw error;
  }
}

async function sendChatMessage(visitorId, sessionId, message) {
  try {
    const response = await fetch(`${API_BASE_URL}/api/chats/messages/chat/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-API-Key': API_KEY, // or Authorization: Bearer ${API_KEY}
      },
      body: JSON.stringify({
        message: message,
        session_id: sessionId,
        visitor_id: visitorId,
      }),
    });

    if (!response.ok) {
      const errorData = await response.json();
      throw new Error(errorData.message || `Failed to send message: ${response.statusText}`);
    }

    const data = await response.json();

    if (data.success && data.data) {
      return data.data.response;
    }

    throw new Error('Invalid response from chat endpoint');
  } catch (error) {
    console.error('Error sending chat message:', error);
    throw error;
  }
}

async function sendChatMessageStream(visitorId, sessionId, message, onChunk) {
  try {
    const response = await fetch(`${API_BASE_URL}/api/chats/messages/chat/stream/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-API-Key': API_KEY,
      },
      body: JSON.stringify({
        message: message,
        session_id: sessionId,
        visitor_id: visitorId,
      }),
    });

    if (!response.ok) {
      const errorData = await response.json();
      throw new Error(errorData.message || `Failed to send message: ${response.statusText}`);
    }

    // Read SSE stream
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';

    while (true) {
      const { done, value } = await reader.read();

      if (done) break;

      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split('\n\n');
      buffer = lines.pop() || '';

      for (const line of lines) {
        if (line.startsWith('data: ')) {
          const jsonStr = line.slice(6);
          try {
            const chunk = JSON.parse(jsonStr);
            onChunk(chunk);

            if (chunk.done) {
              return;
            }
          } catch (e) {
            console.error('Error parsing SSE chunk:', e);
          }
        }
      }
    }
  } catch (error) {
    console.error('Error sending streaming chat message:', error);
    throw error;
  }
}

// ---- tests ---------------------------------------------------------------------------------

let lobby;
before(async () => {
  lobby = await startLobby({ demo: true });
  API_BASE_URL = lobby.url;
  API_KEY = fs.readFileSync(path.join(lobby.dataDir, 'demo-api-key'), 'utf8').trim();
});
after(async () => { await lobby.close(); });

test('Step 1: a visitor is created, stored and validated on the next load', async () => {
  const first = await initializeVisitor();
  assert.match(first, /^[0-9a-f-]{36}$/);
  assert.equal(localStorage.getItem('whipsmart_visitor_id'), first);
  assert.equal(await initializeVisitor(), first);
});

test('Step 1: an unknown stored visitor is replaced', async () => {
  localStorage.setItem('whipsmart_visitor_id', '00000000-0000-4000-8000-000000000000');
  const replaced = await initializeVisitor();
  assert.notEqual(replaced, '00000000-0000-4000-8000-000000000000');
  assert.equal(await validateVisitor(replaced), true);
});

test('Step 2: a visitor has as many sessions as chats', async () => {
  const visitor = await initializeVisitor();
  const a = await createSession(visitor);
  const b = await createSession(visitor);
  assert.notEqual(a, b);
  await assert.rejects(createSession('invalid-uuid'), /does not exist/);
});

test('Step 3: the assistant answers from the FAQ', async () => {
  const visitor = await initializeVisitor();
  const session = await createSession(visitor);
  const answer = await sendChatMessage(visitor, session, 'What time is breakfast served?');
  assert.match(answer, /^Breakfast is served/);
});

test('Step 3: streamed answers arrive in several chunks ending with done', async () => {
  const visitor = await initializeVisitor();
  const session = await createSession(visitor);
  const chunks = [];
  await sendChatMessageStream(visitor, session, 'Is there parking at the hotel?', (c) => chunks.push(c));
  assert.ok(chunks.length >= 3, `only ${chunks.length} chunks`);
  assert.equal(chunks.at(-1).done, true);
  assert.ok(chunks.slice(0, -1).every((c) => c.done === false));
  assert.match(chunks.map((c) => c.chunk).join(''), /^Yes, free parking is available/);
});

test('Step 3: a wrong API key and a foreign session are refused with the guide\'s errors', async () => {
  const visitor = await initializeVisitor();
  const session = await createSession(visitor);
  const key = API_KEY;
  API_KEY = 'lobby_not-a-key';
  await assert.rejects(sendChatMessage(visitor, session, 'hi'), /Invalid API key/);
  API_KEY = key;
  const other = await createVisitor();
  await assert.rejects(sendChatMessage(other, session, 'hi'), /another visitor/);
});

test('the session history returns what was said', async () => {
  const visitor = await initializeVisitor();
  const session = await createSession(visitor);
  await sendChatMessage(visitor, session, 'When is check-out?');
  const response = await fetch(`${API_BASE_URL}/api/chats/sessions/${session}/messages/?visitor_id=${visitor}`);
  const body = await response.json();
  assert.equal(body.success, true);
  assert.deepEqual(body.data.messages.map((m) => m.role), ['user', 'assistant']);
});
