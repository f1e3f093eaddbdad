// Lobby chat widget. A website adds
//   <script src="http://LOBBY/widget.js" data-api-key="..."></script>
// and gets a launcher button and a chat panel, isolated from the page in a shadow root.
// It follows the widget guide: a visitor kept in localStorage (whipsmart_visitor_id) and
// validated on load, a session per chat ("+" starts a new one), answers streamed as they
// arrive, staff replies after a hand-off shown live, and catch-up after a reload or reconnect.
// Every message is shown once: the chat stream and the session's event stream deliver the same
// messages, and each bubble carries its message id. Message text is only ever set with
// textContent.
(() => {
  'use strict';

  const script = document.currentScript;
  if (!script || window.__lobbyWidget) return;
  window.__lobbyWidget = true;
  const apiKey = script.dataset.apiKey || '';
  const base = new URL(script.src, location.href).origin;
  const VISITOR_KEY = 'whipsmart_visitor_id';
  const SESSION_KEY = 'lobby_widget_session'; // per tab: { id, lastId }

  // ---- the guide's three steps ------------------------------------------------------------

  async function api(path, options = {}) {
    const response = await fetch(base + path, {
      ...options,
      headers: { 'Content-Type': 'application/json', ...(options.headers || {}) },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok || body.success === false) {
      const error = new Error(body.message || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return body.data;
  }

  async function initializeVisitor() {
    const stored = localStorage.getItem(VISITOR_KEY);
    if (stored) {
      try {
        await api(`/api/chats/visitors/${encodeURIComponent(stored)}/validate/`);
        return stored;
      } catch (error) {
        localStorage.removeItem(VISITOR_KEY);
      }
    }
    const visitor = await api('/api/chats/visitors/', { method: 'POST', body: '{}' });
    localStorage.setItem(VISITOR_KEY, visitor.id);
    return visitor.id;
  }

  async function createSession(visitorId) {
    const session = await api('/api/chats/sessions/', {
      method: 'POST',
      body: JSON.stringify({ visitor_id: visitorId }),
    });
    return session.id;
  }

  // The site's name and greeting for the header and the first bubble (Lobby's addition).
  async function siteInfo() {
    return api('/api/chats/site/', { headers: { 'X-API-Key': apiKey } });
  }

  // Reads the SSE answer of /chat/stream/, calling onEvent for each data event. `signal`
  // abandons it (a new message or a new chat while it still waits for staff).
  async function streamChat(visitorId, sessionId, message, onEvent, signal) {
    const response = await fetch(`${base}/api/chats/messages/chat/stream/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': apiKey },
      body: JSON.stringify({ message, session_id: sessionId, visitor_id: visitorId }),
      signal,
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      const error = new Error(body.message || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const events = buffer.split('\n\n');
      buffer = events.pop() || '';
      for (const event of events) {
        const line = event.split('\n').find((l) => l.startsWith('data: '));
        if (!line) continue;
        const data = JSON.parse(line.slice(6));
        onEvent(data);
        if (data.done) return;
      }
    }
  }

  // ---- the panel ---------------------------------------------------------------------------

  function element(tag, attributes = {}, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const host = element('div', { id: 'lobby-chat-widget' });
  const root = host.attachShadow({ mode: 'open' });
  root.append(element('link', { rel: 'stylesheet', href: `${base}/static/widget.css` }));
  const launcher = element('button', { class: 'launcher', 'data-testid': 'widget-launcher',
    'aria-label': 'Chat with us', type: 'button' }, 'Chat');
  const panel = element('section', { class: 'panel', hidden: '', 'aria-label': 'Chat' });
  const header = element('header');
  const title = element('strong', {}, 'Chat with us');
  // While the desk is closed: when it opens again ("Back at 7:00"), from the site's hours.
  const deskStatus = element('span', { class: 'desk', 'data-testid': 'widget-desk-status',
    hidden: '' });
  const heading = element('div', { class: 'heading' });
  heading.append(title, deskStatus);
  const newChat = element('button', { class: 'icon', 'data-testid': 'widget-new-chat',
    type: 'button', title: 'New chat', 'aria-label': 'New chat' }, '+');
  const close = element('button', { class: 'icon', type: 'button', title: 'Close',
    'aria-label': 'Close' }, '×');
  header.append(heading, newChat, close);
  const list = element('ol', { class: 'messages', 'data-testid': 'widget-messages',
    'aria-live': 'polite' });
  const status = element('p', { class: 'status', hidden: '' });
  const form = element('form', { class: 'composer' });
  const input = element('textarea', { 'data-testid': 'widget-input', rows: '1',
    placeholder: 'Type your message…', 'aria-label': 'Message' });
  const send = element('button', { 'data-testid': 'widget-send', type: 'submit' }, 'Send');
  form.append(input, send);
  panel.append(header, list, status, form);
  root.append(launcher, panel);

  const rendered = new Map(); // message id -> its bubble
  let visitorId = null;
  let session = null; // { id, lastId }
  let events = null; // EventSource of the session
  let site = { name: '', greeting: '', assistant_name: 'Assistant' };
  let turn = null; // the message being answered: { abort, user, answer, waitingForStaff }
  const heldBack = []; // live messages that arrived while a turn was being answered
  const queued = []; // messages written while an answer was still arriving, sent after it

  function setStatus(text) {
    status.hidden = !text;
    status.textContent = text || '';
  }

  function clockTime(iso) {
    const at = iso ? new Date(iso) : new Date();
    return at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function authorOf(role, name) {
    if (role === 'user') return 'You';
    if (role === 'staff') return name || 'Our team';
    if (role === 'error') return '';
    return site.assistant_name || 'Assistant';
  }

  // A message: who wrote it and when above the text. `id` is the message's id when known.
  function bubble(role, text, { id, name, at } = {}) {
    const item = element('li', { class: `message ${role}` });
    const meta = element('span', { class: 'meta' });
    const who = element('span', { class: 'who', 'data-testid': 'widget-author' },
      authorOf(role, name));
    const when = element('time', {}, clockTime(at));
    if (at) when.setAttribute('datetime', at);
    meta.append(who, when);
    const body = element('span', { class: 'text' }, text);
    if (role !== 'error') item.append(meta);
    item.append(body);
    if (id) identify(item, id);
    list.append(item);
    list.scrollTop = list.scrollHeight;
    return item;
  }

  // Ties a bubble to its message id, so the same message arriving again is not shown twice.
  function identify(item, id) {
    if (!id || item.dataset.id) return;
    item.dataset.id = String(id);
    rendered.set(String(id), item);
    remember(id);
  }

  function setAuthor(item, role, name) {
    item.className = `message ${role}`;
    item.querySelector('.who').textContent = authorOf(role, name);
  }

  function remember(id) {
    if (!id || !session) return;
    if (Number(id) > Number(session.lastId || 0)) {
      session.lastId = String(id);
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    }
  }

  function showMessage(message) {
    if (rendered.has(String(message.id))) return remember(message.id);
    const role = ['user', 'staff', 'error'].includes(message.role) ? message.role : 'assistant';
    bubble(role, message.content, { id: message.id, name: message.sender_name, at: message.created_at });
  }

  function greet() {
    if (!site.greeting) return;
    bubble('assistant greeting', site.greeting);
  }

  function listen() {
    if (events) events.close();
    const url = `${base}/api/chats/sessions/${encodeURIComponent(session.id)}/events/` +
      `?visitor_id=${encodeURIComponent(visitorId)}&after=${encodeURIComponent(session.lastId || 0)}`;
    events = new EventSource(url);
    events.addEventListener('message', (event) => {
      const data = JSON.parse(event.data);
      if (data.type === 'typing') {
        setStatus(data.typing ? 'Our team is typing…' : '');
      } else if (data.type === 'message') {
        if (data.message.role === 'staff') setStatus('');
        if (turn) heldBack.push(data.message);
        else showMessage(data.message);
      }
    });
  }

  // Ends the turn being answered (done, failed or abandoned) and shows what was held back.
  function endTurn(ended) {
    if (turn !== ended) return;
    turn = null;
    list.setAttribute('aria-busy', 'false');
    heldBack.splice(0).forEach(showMessage);
    if (queued.length) deliver(queued.shift());
  }

  function abandonTurn() {
    if (!turn) return;
    const abandoned = turn;
    abandoned.abort.abort();
    endTurn(abandoned);
    setStatus('');
  }

  async function startSession(reuse) {
    queued.length = 0;
    abandonTurn();
    heldBack.length = 0;
    // The old chat's stream closes first: nothing said there may land in the new one.
    if (events) {
      events.close();
      events = null;
    }
    setStatus('');
    const stored = reuse && JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    list.replaceChildren();
    rendered.clear();
    greet();
    if (stored && stored.id) {
      session = stored;
      // Catch up on everything said in this chat, then go live.
      const page = await api(`/api/chats/sessions/${encodeURIComponent(session.id)}/messages/` +
        `?visitor_id=${encodeURIComponent(visitorId)}&limit=500`).catch(() => null);
      if (page) {
        session.lastId = 0;
        page.messages.forEach(showMessage);
        listen();
        return;
      }
    }
    session = { id: await createSession(visitorId), lastId: 0 };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    listen();
  }

  // A visitor may always write. An answer still arriving is finished first, so that every
  // message and answer shows once, whole and in order; a turn still waiting for staff is let
  // go (the conversation stays with staff, and their reply arrives through the event stream).
  function ask(text) {
    queued.push(text);
    if (turn && turn.waitingForStaff) abandonTurn();
    else if (!turn) deliver(queued.shift());
  }

  async function deliver(text) {
    const current = { abort: new AbortController(), user: bubble('user', text), answer: null,
      waitingForStaff: false };
    turn = current;
    list.setAttribute('aria-busy', 'true');
    let handoff = false;
    try {
      await streamChat(visitorId, session.id, text, (data) => {
        if (turn !== current) return;
        identify(current.user, data.message_id);
        if (data.handoff && !data.done) {
          handoff = true;
          current.waitingForStaff = true;
          if (queued.length) return abandonTurn(); // the visitor already wrote again
          setStatus('Connecting you to our team…');
          return;
        }
        if (data.typing !== undefined && !data.chunk && !data.done) {
          setStatus(data.typing ? 'Our team is typing…' : (handoff ? 'Connecting you to our team…' : ''));
          return;
        }
        current.waitingForStaff = false; // an answer is arriving
        const fromStaff = data.from === 'staff' || (handoff && !data.done);
        if (!current.answer) current.answer = bubble(fromStaff ? 'staff' : 'assistant', '');
        current.answer.querySelector('.text').textContent += data.chunk || '';
        list.scrollTop = list.scrollHeight;
        if (data.done) {
          // After a hand-off the reply is staff's, or the assistant's holding message.
          setAuthor(current.answer, data.from === 'staff' ? 'staff' : 'assistant', data.staff_name);
          setStatus('');
          const known = data.response_id && rendered.get(String(data.response_id));
          if (known && known !== current.answer) current.answer.remove();
          else identify(current.answer, data.response_id);
        }
      }, current.abort.signal);
    } catch (error) {
      if (turn !== current) return; // abandoned for a newer message or a new chat
      if (error.status === 410 || error.status === 404) {
        const later = queued.splice(0);
        current.user.remove();
        endTurn(current);
        await startSession(false);
        [text, ...later].forEach(ask);
        return;
      }
      bubble('error', 'Sorry, your message could not be sent. Please try again.');
    } finally {
      endTurn(current);
    }
  }

  // The site's name, greeting and whether the desk is open: read when the panel opens and
  // again every minute while it is open, so "Back at 7:00" goes away when the desk opens.
  let siteTimer = null;
  async function refreshSite() {
    site = { ...site, ...(await siteInfo().catch(() => ({}))) };
    if (site.name) title.textContent = site.name;
    const closed = site.open === false && !!site.back_at;
    deskStatus.hidden = !closed;
    deskStatus.textContent = closed ? site.back_at : '';
  }

  async function open() {
    panel.hidden = false;
    launcher.hidden = true;
    input.focus();
    clearInterval(siteTimer);
    siteTimer = setInterval(() => refreshSite(), 60000);
    if (!visitorId) {
      try {
        await refreshSite();
        visitorId = await initializeVisitor();
        await startSession(true);
      } catch (error) {
        setStatus('Chat is not available right now.');
      }
    } else {
      refreshSite();
    }
  }

  launcher.addEventListener('click', open);
  close.addEventListener('click', () => {
    clearInterval(siteTimer);
    panel.hidden = true;
    launcher.hidden = false;
  });
  newChat.addEventListener('click', () => {
    if (visitorId) startSession(false).catch(() => setStatus('Chat is not available right now.'));
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !session) return;
    input.value = '';
    ask(text);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  const mount = () => document.body.append(host);
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
