// Lobby guest page: the chat behind a room's QR code
// (/chat/{hotel_slug}/messages/room/{room}/validate-chat-pin).
// It follows hotel-guest-chat-guide.md: PIN -> POST initialize -> the session kept in
// localStorage (hotelmate_guest_chat_session) -> chat; on load a stored session is validated and
// the PIN skipped while it is valid. Live events come from pusher-js on the private room
// channel; history is fetched on open and after every (re)subscription, reconnect, return to the
// page or gap in message ids, so nothing said while the phone slept is lost.
// What the guest has typed but not sent is kept in sessionStorage (per tab and room) and put back
// into the composer when the chat opens again, so being sent back to the PIN loses nothing.
// Message text is only ever set with textContent.
(() => {
  'use strict';

  const SESSION_KEY = 'hotelmate_guest_chat_session';
  const body = document.body;
  const hotelSlug = body.dataset.hotelSlug || '';
  const hotelName = body.dataset.hotelName || '';
  const roomNumber = body.dataset.room || '';
  // From the site's settings: its greeting, and while the desk is closed when it opens again.
  const greeting = body.dataset.greeting || '';
  const deskStatus = body.dataset.deskStatus || '';
  const baseTitle = document.title;
  const DRAFT_KEY = `lobby_guest_draft:${hotelSlug}:${roomNumber}`;

  const $ = (id) => document.getElementById(id);
  const screens = { splash: $('splash'), pin: $('pin-screen'), chat: $('chat-screen') };
  const pinForm = $('pin-form');
  const pinInput = $('pin-input');
  const pinSubmit = $('pin-submit');
  const pinError = $('pin-error');
  const list = $('message-list');
  const composer = $('composer');
  const input = $('message-input');
  const sendButton = $('send-button');
  const banner = $('banner');
  const typing = $('typing');

  // ---- state ---------------------------------------------------------------------------------

  let session = null; // the stored shape of the guide
  let connection = null; // pusher_* fields of the last initialize/validate answer
  let pusher = null;
  let channel = null;
  const rendered = new Map(); // message id -> <li>
  let syncedId = 0; // every message of the conversation up to this id is on screen
  let catchingUp = null; // the running catch-up, if any
  let catchUpAgain = false;
  let unread = 0; // staff messages that arrived while the page was hidden
  let lastReadSent = 0;
  let everConnected = false;
  let historyLoaded = false; // the history on open neither counts as unread nor notifies

  // ---- helpers -------------------------------------------------------------------------------

  function show(name) {
    for (const [key, screen] of Object.entries(screens)) screen.hidden = key !== name;
  }

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
    if (session && session.session_token) {
      options.headers.Authorization = `Bearer ${session.session_token}`;
    }
    const response = await fetch(path, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.detail || `HTTP ${response.status}`);
      error.status = response.status;
      error.retryAfter = Number(response.headers.get('Retry-After')) || 0;
      throw error;
    }
    return data;
  }

  const enc = encodeURIComponent;

  function loadStored() {
    try {
      const stored = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
      return stored && typeof stored.session_token === 'string' ? stored : null;
    } catch (error) {
      return null;
    }
  }

  // Keeps the guide's shape: session_token, conversation_id, pusher_channel,
  // current_staff_handler, lastUpdated.
  function store(answer) {
    session = {
      session_token: answer.session_token,
      conversation_id: answer.conversation_id,
      pusher_channel: answer.pusher_channel,
      current_staff_handler: answer.current_staff_handler || null,
      lastUpdated: new Date().toISOString(),
    };
    connection = {
      key: answer.pusher_key,
      authEndpoint: answer.pusher_auth_endpoint,
      host: answer.pusher_ws_host,
      port: answer.pusher_ws_port,
      forceTLS: Boolean(answer.pusher_force_tls),
    };
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  }

  function saveHandler(handler) {
    if (!session) return;
    session.current_staff_handler = handler || null;
    session.lastUpdated = new Date().toISOString();
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    showHandler(session.current_staff_handler);
  }

  function initials(name) {
    const words = String(name || '').trim().split(/\s+/).filter(Boolean);
    const letters = words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] || '?').slice(0, 2);
    return letters.toUpperCase();
  }

  function showHandler(handler) {
    const avatar = $('handler-avatar');
    avatar.replaceChildren();
    if (handler && handler.name) {
      $('handler-name').textContent = handler.name;
      $('handler-role').textContent = handler.role || 'Front desk';
      const image = typeof handler.profile_image === 'string' ? handler.profile_image : '';
      if (/^(https:\/\/|\/)/.test(image)) {
        const img = element('img', { src: image, alt: '' });
        img.addEventListener('error', () => avatar.replaceChildren(document.createTextNode(initials(handler.name))));
        avatar.append(img);
      } else {
        avatar.textContent = initials(handler.name);
      }
    } else {
      $('handler-name').textContent = 'Front desk';
      $('handler-role').textContent = deskStatus || 'We’ll reply right here';
      avatar.textContent = '✦';
    }
  }

  function setBanner(text) {
    banner.hidden = !text;
    banner.textContent = text || '';
  }

  // ---- messages ------------------------------------------------------------------------------

  function timeOf(timestamp) {
    const date = new Date(timestamp);
    if (Number.isNaN(date.getTime())) return '';
    return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function bubble(message) {
    const kind = ['guest', 'staff'].includes(message.sender_type) ? message.sender_type : 'system';
    const item = element('li', { class: `message ${kind}` });
    item.dataset.id = String(message.id);
    if (kind === 'staff') {
      const name = (message.staff_info && message.staff_info.name) || message.sender_name || 'Front desk';
      item.append(element('span', { class: 'sender' }, name));
    }
    item.append(element('span', { class: 'text' }, String(message.message ?? '')));
    const time = timeOf(message.timestamp);
    if (time) item.append(element('time', { datetime: String(message.timestamp) }, time));
    return item;
  }

  // Puts a message on screen once, in id order. Returns true if it was new.
  function render(message) {
    const id = Number(message.id);
    if (!Number.isFinite(id) || id <= 0 || rendered.has(id)) return false;
    const item = bubble(message);
    rendered.set(id, item);
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
    let next = null;
    for (const [otherId, node] of rendered) {
      if (otherId > id && (!next || otherId < Number(next.dataset.id))) next = node;
    }
    list.insertBefore(item, next);
    if (nearBottom || message.sender_type === 'guest') list.scrollTop = list.scrollHeight;
    if (message.sender_type === 'staff') typing.hidden = true;
    if (message.sender_type !== 'guest' && historyLoaded) arrived(message);
    return true;
  }

  // Fetches everything after syncedId (page by page). Runs one at a time; a request made
  // while one runs runs again afterwards.
  function catchUp() {
    if (!session) return Promise.resolve();
    if (catchingUp) {
      catchUpAgain = true;
      return catchingUp;
    }
    const conversation = session.conversation_id;
    catchingUp = (async () => {
      do {
        catchUpAgain = false;
        for (;;) {
          const page = await api('GET', `/api/chat/${enc(hotelSlug)}/conversations/${enc(conversation)}` +
            `/messages/?after=${syncedId}&limit=200`);
          if (!session || session.conversation_id !== conversation) return;
          for (const message of page.messages) render(message);
          syncedId = Math.max(syncedId, Number(page.last_id) || 0);
          if (!page.has_more) break;
        }
      } while (catchUpAgain);
      markReadIfVisible();
    })().catch((error) => {
      if (error.status === 401 || error.status === 403) return sessionEnded();
      return undefined;
    }).finally(() => {
      catchingUp = null;
    });
    return catchingUp;
  }

  function live(message) {
    if (!session || Number(message.conversation_id) !== Number(session.conversation_id)) return;
    const id = Number(message.id);
    // Ids are shared by all conversations, so a gap only means "maybe missed": ask.
    const gap = id > syncedId + 1;
    render(message);
    if (!gap && id > syncedId && !catchingUp) syncedId = id;
    else if (gap) catchUp();
  }

  // ---- unread count, read receipts, notifications ---------------------------------------------

  function arrived(message) {
    if (document.visibilityState === 'visible') {
      markReadIfVisible();
      return;
    }
    unread += 1;
    document.title = `(${unread}) ${baseTitle}`;
    notify(message);
  }

  function markReadIfVisible() {
    if (document.visibilityState !== 'visible' || !session) return;
    unread = 0;
    document.title = baseTitle;
    const newest = Math.max(0, ...rendered.keys());
    if (newest <= lastReadSent) return;
    lastReadSent = newest;
    api('POST', `/api/chat/guest-session/${enc(session.session_token)}/mark-read/`,
      { message_id: newest }).catch(() => {
      lastReadSent = 0;
    });
  }

  function notify(message) {
    if (typeof window.Notification !== 'function' || Notification.permission !== 'granted') return;
    const from = (message.staff_info && message.staff_info.name) || message.sender_name || hotelName;
    try {
      const notification = new Notification(from || 'New message', {
        body: String(message.message ?? ''),
        tag: `lobby-room-${roomNumber}`,
      });
      notification.addEventListener('click', () => {
        window.focus();
        notification.close();
      });
    } catch (error) {
      // Some browsers (Android Chrome) only notify through a service worker: the title count stays.
    }
  }

  // Asked from a user gesture (the PIN or send button), once.
  function askNotificationPermission() {
    if (typeof window.Notification !== 'function' || Notification.permission !== 'default') return;
    try {
      const asked = Notification.requestPermission();
      if (asked && asked.catch) asked.catch(() => {});
    } catch (error) {
      // Older Safari takes a callback only; nothing to do without permission.
    }
  }

  // ---- Pusher --------------------------------------------------------------------------------

  function connectPusher() {
    disconnectPusher();
    if (typeof window.Pusher !== 'function' || !connection || !connection.key) {
      setBanner('Live updates are unavailable; new messages appear when you come back to this page.');
      return;
    }
    pusher = new window.Pusher(connection.key, {
      cluster: 'lobby', // required by pusher-js; unused with wsHost
      wsHost: connection.host || location.hostname,
      wsPort: connection.port || Number(location.port) || 80,
      wssPort: connection.port || Number(location.port) || 443,
      forceTLS: connection.forceTLS,
      enabledTransports: connection.forceTLS ? ['wss'] : ['ws'],
      disableStats: true,
      channelAuthorization: {
        endpoint: connection.authEndpoint || '/api/chat/pusher/auth/',
        transport: 'ajax',
        headers: { Authorization: `Bearer ${session.session_token}` },
      },
    });
    pusher.connection.bind('state_change', ({ current }) => {
      if (current !== 'connected') delete body.dataset.live;
      if (current === 'connected') {
        setBanner('');
        // Back after a drop (the phone slept, the network changed): fetch what was missed.
        if (everConnected) catchUp();
        everConnected = true;
      } else if (current === 'unavailable' || current === 'failed') {
        setBanner('Reconnecting…');
      }
    });
    channel = pusher.subscribe(session.pusher_channel);
    if (window.LobbyRequests) window.LobbyRequests.attach(session.session_token, channel);
    // Every (re)subscription closes the gap between the last fetch and live events.
    channel.bind('pusher:subscription_succeeded', () => {
      body.dataset.live = 'true';
      catchUp();
    });
    channel.bind('pusher:subscription_error', (error) => {
      if (error && (error.status === 401 || error.status === 403)) revalidate();
    });
    channel.bind('new-message', (message) => live(message));
    channel.bind('new-staff-message', (data) => {
      if (data && data.staff_info && !(session.current_staff_handler && session.current_staff_handler.name)) {
        saveHandler(data.staff_info);
      }
    });
    channel.bind('staff-assigned', (data) => {
      if (data && Number(data.conversation_id) === Number(session.conversation_id)) saveHandler(data.staff_info);
    });
    channel.bind('typing', (data) => {
      if (!data || data.sender_type !== 'staff') return;
      const name = (data.staff_info && data.staff_info.name) || 'The front desk';
      typing.hidden = !data.is_typing;
      typing.textContent = data.is_typing ? `${name} is typing…` : '';
    });
    channel.bind('session-ended', () => sessionEnded());
  }

  function disconnectPusher() {
    if (window.LobbyRequests) window.LobbyRequests.detach();
    delete body.dataset.live;
    if (pusher) pusher.disconnect();
    pusher = null;
    channel = null;
    everConnected = false;
  }

  // ---- screens -------------------------------------------------------------------------------

  function showPin(message) {
    disconnectPusher();
    show('pin');
    pinError.hidden = !message;
    pinError.textContent = message || '';
    pinInput.value = '';
    pinSubmit.disabled = false;
    pinInput.focus();
  }

  // The unsent text: kept while typing, forgotten once sent.
  function keepDraft(text) {
    try {
      if (text) sessionStorage.setItem(DRAFT_KEY, text);
      else sessionStorage.removeItem(DRAFT_KEY);
    } catch (error) { /* storage disabled: the text stays in the composer only */ }
  }
  function restoreDraft() {
    let text = '';
    try { text = sessionStorage.getItem(DRAFT_KEY) || ''; } catch (error) { /* disabled */ }
    if (text && !input.value) {
      input.value = text;
      autosize();
    }
  }

  // The stay is over (checked out) or the session expired: back to the PIN; what was being
  // typed waits for the next PIN.
  function sessionEnded(message) {
    keepDraft(input.value);
    input.value = '';
    autosize();
    localStorage.removeItem(SESSION_KEY);
    if (window.LobbyRequests) window.LobbyRequests.reset();
    session = null;
    connection = null;
    list.replaceChildren();
    rendered.clear();
    syncedId = 0;
    lastReadSent = 0;
    unread = 0;
    document.title = baseTitle;
    showPin(message || 'Your chat session has ended. Please enter the room PIN to continue.');
  }

  async function revalidate() {
    if (!session) return;
    try {
      store({ ...(await api('GET', `/api/chat/guest-session/${enc(session.session_token)}/validate/`)) });
    } catch (error) {
      if (error.status === 404) sessionEnded();
    }
  }

  async function openChat() {
    show('chat');
    showHandler(session.current_staff_handler);
    setBanner('');
    list.replaceChildren(element('li', { class: 'intro', role: 'presentation' }, greeting ||
      `Welcome to ${hotelName || 'the hotel'}. Ask the front desk anything: towels, a taxi, ` +
      'a table for dinner or a late check-out.'));
    rendered.clear();
    syncedId = 0;
    lastReadSent = 0;
    historyLoaded = false;
    await catchUp(); // the history
    historyLoaded = true;
    if (window.LobbyRequests) window.LobbyRequests.attach(session.session_token, null);
    connectPusher();
    restoreDraft();
    if (!window.matchMedia('(pointer: coarse)').matches) input.focus();
  }

  async function start() {
    if (!hotelSlug || !roomNumber) {
      $('splash-text').textContent = 'This room link is not valid. Please scan the QR code in your room again.';
      show('splash');
      return;
    }
    const stored = loadStored();
    if (!stored) return showPin();
    for (let attempt = 0; ; attempt += 1) {
      try {
        const answer = await api('GET', `/api/chat/guest-session/${enc(stored.session_token)}/validate/`);
        if (answer.valid && answer.hotel_slug === hotelSlug && answer.room_number === roomNumber) {
          store(answer);
          return openChat();
        }
        // A session of another room: this room needs its own PIN (the other stays stored).
        return showPin();
      } catch (error) {
        if (error.status === 404 || error.status === 400) {
          localStorage.removeItem(SESSION_KEY);
          return showPin(error.status === 404 && /ended|expired/i.test(error.message)
            ? 'Your chat session has ended. Please enter the room PIN to continue.' : '');
        }
        // Offline or the server is restarting: keep trying.
        $('splash-text').textContent = 'Connecting to the front desk…';
        show('splash');
        await new Promise((resolve) => setTimeout(resolve, Math.min(10000, 1000 * 2 ** attempt)));
      }
    }
  }

  // ---- user actions --------------------------------------------------------------------------

  pinForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    askNotificationPermission();
    const pin = pinInput.value.trim();
    if (!/^\d{4,8}$/.test(pin)) {
      pinError.textContent = 'The PIN is the 4 to 8 digits on your room card.';
      pinError.hidden = false;
      return;
    }
    pinSubmit.disabled = true;
    pinError.hidden = true;
    const previous = loadStored();
    const payload = { pin };
    if (previous) payload.session_token = previous.session_token;
    try {
      session = null; // initialize needs no token header
      const answer = await api('POST',
        `/api/chat/${enc(hotelSlug)}/guest-session/room/${enc(roomNumber)}/initialize/`, payload);
      store(answer);
      await openChat();
    } catch (error) {
      let text = 'Something went wrong. Please try again.';
      if (error.status === 401) text = 'That PIN is not right. Please check your room card.';
      else if (error.status === 429) {
        const minutes = Math.max(1, Math.ceil(error.retryAfter / 60));
        text = `Too many attempts. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
      } else if (error.status === 404) text = 'This room link is not valid. Please scan the QR code again.';
      pinError.textContent = text;
      pinError.hidden = false;
      pinSubmit.disabled = false;
      pinInput.value = '';
      pinInput.focus();
    }
  });

  composer.addEventListener('submit', async (event) => {
    event.preventDefault();
    askNotificationPermission();
    const text = input.value.trim();
    if (!text || !session || sendButton.disabled) return;
    sendButton.disabled = true;
    const pending = element('li', { class: 'message guest pending' });
    pending.append(element('span', { class: 'text' }, text));
    list.append(pending);
    list.scrollTop = list.scrollHeight;
    input.value = '';
    autosize();
    try {
      const message = await api('POST',
        `/api/chat/${enc(hotelSlug)}/conversations/${enc(session.conversation_id)}/messages/send/`,
        { message: text, sender_type: 'guest', session_token: session.session_token });
      pending.remove();
      keepDraft(input.value);
      live(message);
    } catch (error) {
      pending.remove();
      if (error.status === 401) {
        // Not sent: it goes back into the composer once the PIN opens the chat again.
        input.value = input.value ? `${text}\n${input.value}` : text;
        sessionEnded('Your chat session has ended, so your message was not sent. ' +
          'Enter the room PIN and it will be waiting for you.');
        return;
      }
      input.value = text;
      autosize();
      setBanner('Your message could not be sent. Please try again.');
    } finally {
      sendButton.disabled = false;
    }
  });

  function autosize() {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
  }
  input.addEventListener('input', () => {
    autosize();
    keepDraft(input.value);
  });
  input.addEventListener('keydown', (event) => {
    // Enter sends on a keyboard; on phones Enter is a new line and the button sends.
    if (event.key === 'Enter' && !event.shiftKey && !window.matchMedia('(pointer: coarse)').matches) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !session) return;
    markReadIfVisible();
    catchUp();
    if (pusher && pusher.connection.state !== 'connected') pusher.connect();
  });
  window.addEventListener('online', () => {
    if (session) catchUp();
  });

  start();
})();
