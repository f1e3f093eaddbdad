// Lobby place page (/chat/place/{token}): the QR code printed at a pool, spa or lobby. Anyone
// there may ask for something without a room PIN; the request reaches the front desk's console
// like any other. What was sent from this page is listed below the form.
(() => {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const token = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() || '');
  const form = $('place-form');
  const category = $('place-category');
  const details = $('place-details');
  const send = $('place-send');
  const errorLine = $('place-error');
  const sent = $('place-sent');
  const base = `/api/chat/place/${encodeURIComponent(token)}`;

  function element(tag, attributes = {}, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fail(message) {
    errorLine.textContent = message;
    errorLine.hidden = false;
  }

  async function start() {
    try {
      const response = await fetch(`${base}/`, { headers: { Accept: 'application/json' } });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(data.detail || 'This code is not valid any more.');
      category.replaceChildren(...data.categories.map((c) => element('option', { value: c.name }, c.label)));
    } catch (error) {
      fail(error.message);
      send.disabled = true;
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorLine.hidden = true;
    const text = details.value.trim();
    if (!text) return fail('Say what you need, e.g. “Two towels, sunbed 12”.');
    send.disabled = true;
    try {
      const response = await fetch(`${base}/requests/`, {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ category: category.value, details: text }),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(data.detail || `HTTP ${response.status}`);
      details.value = '';
      const card = element('li', { class: 'request-card', 'data-testid': 'place-request' });
      card.append(element('strong', { class: 'request-title' }, data.details));
      card.append(element('span', { class: 'request-status' }, 'Sent — someone from the hotel is on the way.'));
      sent.prepend(card);
    } catch (error) {
      fail(error.message);
    } finally {
      send.disabled = false;
    }
  });

  start();
})();
