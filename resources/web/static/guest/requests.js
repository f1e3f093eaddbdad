// Lobby guest page, "Requests" tab: one-tap requests (towels, a taxi, ...) and a free text, and
// a live card per request of the stay. guest.js hands over the session token and the room's
// private Pusher channel (attach) and takes them back when the stay ends (detach); cards follow
// `request-updated` events, and the list is fetched again after every (re)subscription so a
// change made while the phone slept is not missed. Text is only ever set with textContent.
(() => {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const tabs = { chat: $('tab-chat'), requests: $('tab-requests') };
  const panels = { chat: $('chat-panel'), requests: $('requests-panel') };
  const quick = $('request-quick');
  const form = $('request-form');
  const categorySelect = $('request-category');
  const details = $('request-details');
  const sendButton = $('request-send');
  const errorLine = $('request-error');
  const cards = $('request-list');
  const badge = $('requests-badge');
  if (!tabs.requests || !form) return;

  // One-tap requests for the default categories (shown when the hotel has the category).
  const PRESETS = [
    ['housekeeping', 'Extra towels'],
    ['housekeeping', 'Room cleaning'],
    ['room_service', 'Order room service'],
    ['transport', 'A taxi, please'],
    ['front_desk', 'Late check-out'],
    ['maintenance', 'Something needs fixing'],
  ];
  const STATUS_TEXT = { open: 'Received', in_progress: 'On the way', done: 'Done', cancelled: 'Cancelled' };

  let token = null;
  let channel = null;
  let categories = [];
  const requests = new Map(); // id -> request

  function element(tag, attributes = {}, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function api(method, path, payload) {
    const options = { method, headers: { Accept: 'application/json' } };
    if (payload !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(payload);
    }
    const response = await fetch(path, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.detail || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  const base = () => `/api/chat/guest-session/${encodeURIComponent(token)}`;

  function showTab(name) {
    for (const key of Object.keys(tabs)) {
      tabs[key].setAttribute('aria-selected', String(key === name));
      panels[key].hidden = key !== name;
    }
    document.body.dataset.tab = name;
  }

  function clock(iso) {
    const time = new Date(iso);
    return Number.isNaN(time.getTime()) ? '' : time.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  // "On the way · Maria", "Done 14:05".
  function statusLine(request) {
    const text = STATUS_TEXT[request.status] || request.status;
    if (request.status === 'done' || request.status === 'cancelled') {
      return `${text} ${clock(request.done_at || request.updated_at)}`;
    }
    if (request.assignee_name) return `${text} · ${request.assignee_name}`;
    return `${text} · ${request.category_label || request.category}`;
  }

  function render() {
    const sorted = [...requests.values()].sort((a, b) => b.id - a.id);
    cards.replaceChildren(...sorted.map((request) => {
      const card = element('li', { class: `request-card status-${request.status}`,
        'data-testid': 'request-card', 'data-request-id': String(request.id),
        'data-status': request.status });
      card.append(element('strong', { class: 'request-title' }, request.details));
      card.append(element('span', { class: 'request-status', 'data-testid': 'request-status' },
        statusLine(request)));
      return card;
    }));
    if (!sorted.length) {
      cards.append(element('li', { class: 'request-empty' },
        'Nothing asked yet. Tap a button below, or write what you need.'));
    }
    const active = sorted.filter((r) => r.status === 'open' || r.status === 'in_progress').length;
    badge.hidden = active === 0;
    badge.textContent = String(active);
  }

  function upsert(request) {
    if (!request || !request.id) return;
    const known = requests.get(request.id);
    // Events may overtake a fetch: the newer state wins.
    if (known && known.updated_at > request.updated_at) return;
    requests.set(request.id, request);
    render();
  }

  function renderCategories() {
    categorySelect.replaceChildren(...categories.map((c) => element('option', { value: c.name }, c.label)));
    const names = new Set(categories.map((c) => c.name));
    quick.replaceChildren(...PRESETS.filter(([category]) => names.has(category)).map(([category, text]) => {
      const button = element('button', { type: 'button', class: 'quick-request',
        'data-testid': 'quick-request', 'data-category': category }, text);
      button.addEventListener('click', () => {
        if (category === 'maintenance') { // what is broken needs saying
          categorySelect.value = category;
          details.focus();
          return;
        }
        send(category, text, button);
      });
      return button;
    }));
  }

  async function refresh() {
    if (!token) return;
    const forToken = token;
    try {
      const [list, cats] = await Promise.all([api('GET', `${base()}/requests/`),
        categories.length ? Promise.resolve(categories) : api('GET', `${base()}/request-categories/`)]);
      if (forToken !== token) return;
      if (cats !== categories) { categories = cats; renderCategories(); }
      for (const request of list) upsert(request);
      render();
    } catch (error) { /* offline for a moment: the next subscription fetches again */ }
  }

  async function send(category, text, button) {
    errorLine.hidden = true;
    if (button) button.disabled = true;
    sendButton.disabled = true;
    try {
      upsert(await api('POST', `${base()}/requests/`, { category, details: text }));
      return true;
    } catch (error) {
      errorLine.textContent = error.message;
      errorLine.hidden = false;
      return false;
    } finally {
      if (button) button.disabled = false;
      sendButton.disabled = false;
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = details.value.trim();
    if (!text) {
      errorLine.textContent = 'Say what you need, e.g. “Two more pillows”.';
      errorLine.hidden = false;
      details.focus();
      return;
    }
    if (await send(categorySelect.value, text)) details.value = '';
  });
  tabs.chat.addEventListener('click', () => showTab('chat'));
  tabs.requests.addEventListener('click', () => showTab('requests'));

  window.LobbyRequests = {
    // roomChannel may be null (no live updates): the list is then fetched on attach only.
    attach(sessionToken, roomChannel) {
      if (token !== sessionToken) { requests.clear(); categories = []; }
      token = sessionToken;
      if (roomChannel && roomChannel !== channel) {
        channel = roomChannel;
        channel.bind('request-updated', upsert);
        channel.bind('pusher:subscription_succeeded', refresh);
      }
      refresh();
    },
    detach() {
      if (channel) {
        channel.unbind('request-updated', upsert);
        channel.unbind('pusher:subscription_succeeded', refresh);
      }
      channel = null;
    },
    // The stay ended: nothing of it stays on the page.
    reset() {
      token = null;
      requests.clear();
      categories = [];
      render();
      showTab('chat');
    },
  };
  render();
})();
