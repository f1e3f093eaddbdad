'use strict';
// The app API v1 guide's ChatClient protocol, driven with the npm `ws` package against a
// headless Lobby: logins, REST chat creation, connected/join/message/typing/read/ping, errors
// that keep the socket open, and 1008 for a bad token.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const { startLobby } = require('./lobby');

// The guide's ChatClient, with the URL as a parameter and no auto-reconnect (a test closes on
// purpose), plus a helper that waits for the next event of a type.
class ChatClient {
  constructor(baseUrl, path, token) {
    this.url = `${baseUrl}${path}?token=${token}`;
    this.ws = null;
    this.listeners = {};
    this.queues = {};
  }

  connect() {
    this.ws = new WebSocket(this.url);
    this.ws.onopen = () => this.emit('open');
    this.ws.onmessage = (event) => {
      const data = JSON.parse(event.data);
      this.emit(data.type, data);
    };
    this.ws.onerror = () => {};
    this.ws.onclose = (event) => this.emit('disconnected', { code: event.code });
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
  joinChat(chatId) { this.send({ type: 'join_chat', chat_id: chatId }); }
  leaveChat(chatId) { this.send({ type: 'leave_chat', chat_id: chatId }); }
  sendMessage(chatId, content, messageType = 'text') {
    this.send({ type: 'send_message', chat_id: chatId, content, message_type: messageType });
  }
  sendTyping(chatId, isTyping) { this.send({ type: 'typing', chat_id: chatId, is_typing: isTyping }); }
  markAsRead(chatId, messageId) { this.send({ type: 'read_message', chat_id: chatId, message_id: messageId }); }

  on(event, callback) {
    (this.listeners[event] ||= []).push(callback);
  }
  emit(event, data) {
    (this.queues[event] ||= []).push(data);
    [...(this.listeners[event] || [])].forEach((callback) => callback(data));
  }
  // Resolves with the next (not yet taken) event of this type that matches.
  next(event, match = () => true) {
    return new Promise((resolve) => {
      const take = () => {
        const queue = this.queues[event] || [];
        const index = queue.findIndex(match);
        if (index < 0) return false;
        resolve(queue.splice(index, 1)[0]);
        return true;
      };
      if (take()) return;
      const listener = () => {
        if (take()) this.listeners[event].splice(this.listeners[event].indexOf(listener), 1);
      };
      this.on(event, listener);
    });
  }
  disconnect() { if (this.ws) this.ws.close(); }
}

let lobby;
let staffId;
let customerId;
let staffToken;
let customerToken;

async function post(path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${lobby.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

before(async () => {
  lobby = await startLobby();
  lobby.admin('site', '--slug', 'salon-ten', '--name', 'Salon Ten', '--kind', 'salon');
  staffId = Number(lobby.admin('add-staff', '--email', 'admin@salon.test', '--password',
    'staff-password', '--name', 'Sam Staff'));
  customerId = Number(lobby.admin('add-customer', '--email', 'cleo@salon.test', '--phone',
    '+15557777', '--password', 'customer-password', '--name', 'Cleo Customer'));
  const staff = await post('/api/v1/auth/login', { email: 'admin@salon.test', password: 'staff-password' });
  assert.equal(staff.status, 200);
  assert.equal(staff.body.token_type, 'bearer');
  staffToken = staff.body.access_token;
  const customer = await post('/api/v1/customer-auth/login', { phone: '+15557777', password: 'customer-password' });
  assert.equal(customer.status, 200);
  customerToken = customer.body.access_token;
});
after(async () => { await lobby.close(); });

test('staff and customer chat over the v1 WebSocket as the guide shows', { timeout: 60000 }, async () => {
  const created = await post('/api/v1/chat/chats',
    { customer_id: customerId, title: 'Support Chat', initial_message: 'Hi, how can I help you?' }, staffToken);
  assert.equal(created.status, 201);
  assert.equal(created.body.chat_type, 'user_customer');
  const chatId = created.body.id;

  const staff = new ChatClient(lobby.wsUrl, '/api/v1/chat/ws/chat/user', staffToken);
  const customer = new ChatClient(lobby.wsUrl, '/api/v1/chat/ws/chat/customer', customerToken);
  staff.connect();
  customer.connect();
  const staffConnected = await staff.next('connected');
  assert.equal(staffConnected.participant_type, 'user');
  assert.equal(staffConnected.participant_id, staffId);
  const customerConnected = await customer.next('connected');
  assert.equal(customerConnected.participant_type, 'customer');
  assert.equal(customerConnected.participant_id, customerId);

  staff.joinChat(chatId);
  // join_chat has no acknowledgement; a socket's frames are handled in order, so the pong says
  // staff's join is in before the customer's, whose user_joined staff must then hear.
  staff.send({ type: 'ping' });
  await staff.next('pong');
  customer.joinChat(chatId);
  const joined = await staff.next('user_joined');
  assert.deepEqual([joined.chat_id, joined.participant_type, joined.participant_id], [chatId, 'customer', customerId]);

  // Online presence shows in the list.
  const list = await (await fetch(`${lobby.url}/api/v1/chat/chats?is_archived=false`,
    { headers: { Authorization: `Bearer ${staffToken}` } })).json();
  const listed = list.find((c) => c.id === chatId);
  assert.equal(listed.last_message_preview, 'Hi, how can I help you?');
  assert.deepEqual(listed.online_participants.sort(), [staffId, customerId].sort());

  // A message reaches both sides, the sender included.
  customer.sendMessage(chatId, "I'd like to book an appointment");
  const atStaff = await staff.next('message');
  const atCustomer = await customer.next('message');
  for (const event of [atStaff, atCustomer]) {
    assert.equal(event.message.chat_id, chatId);
    assert.equal(event.message.content, "I'd like to book an appointment");
    assert.equal(event.message.sender_type, 'customer');
    assert.equal(event.message.sender_customer_id, customerId);
    assert.equal(event.message.message_type, 'text');
    assert.deepEqual(event.message.read_receipts, []);
  }
  assert.equal(atStaff.message.id, atCustomer.message.id);

  // Typing goes to the other side.
  customer.sendTyping(chatId, true);
  const typing = await staff.next('typing');
  assert.deepEqual([typing.chat_id, typing.participant_type, typing.participant_id, typing.is_typing],
    [chatId, 'customer', customerId, true]);
  customer.sendTyping(chatId, false);
  assert.equal((await staff.next('typing')).is_typing, false);

  // read_message -> read_receipt for the sender.
  staff.markAsRead(chatId, atStaff.message.id);
  const receipt = await customer.next('read_receipt');
  assert.deepEqual([receipt.chat_id, receipt.message_id, receipt.reader_type, receipt.reader_id],
    [chatId, atStaff.message.id, 'user', staffId]);
  const history = await (await fetch(`${lobby.url}/api/v1/chat/chats/${chatId}/messages?page=1&page_size=50`,
    { headers: { Authorization: `Bearer ${customerToken}` } })).json();
  assert.equal(history.total, 2);
  assert.equal(history.has_more, false);
  assert.equal(history.messages[0].id, atStaff.message.id);
  assert.deepEqual(history.messages[0].read_receipts.map((r) => [r.reader_type, r.reader_id]), [['user', staffId]]);

  // A reply with a reference to a message and an appointment.
  staff.send({ type: 'send_message', chat_id: chatId, content: 'Tuesday at 10?', message_type: 'text',
    reply_to_message_id: atStaff.message.id, appointment_id: 314 });
  const reply = await customer.next('message');
  assert.equal(reply.message.reply_to_message_id, atStaff.message.id);
  assert.equal(reply.message.entity_type, 'appointment');
  assert.equal(reply.message.appointment_id, '314');

  // ping -> pong
  staff.send({ type: 'ping' });
  assert.equal(typeof (await staff.next('pong')).timestamp, 'string');

  // Leaving the chat: the other side hears it and no longer gets messages sent there.
  customer.leaveChat(chatId);
  const left = await staff.next('user_left');
  assert.equal(left.participant_id, customerId);

  staff.disconnect();
  customer.disconnect();
  await Promise.all([staff.next('disconnected'), customer.next('disconnected')]);
});

test('a malformed frame gets an error event and the socket stays usable', { timeout: 60000 }, async () => {
  const staff = new ChatClient(lobby.wsUrl, '/api/v1/chat/ws/chat/user', staffToken);
  staff.connect();
  await staff.next('connected');
  staff.ws.send('this is not json');
  assert.match((await staff.next('error')).error, /JSON/);
  staff.send({ type: 'join_chat', chat_id: 999999 });
  assert.match((await staff.next('error')).error, /not found/);
  staff.send({ type: 'send_message', chat_id: 999999, content: 'x' });
  await staff.next('error');
  staff.send({ type: 'ping' });
  await staff.next('pong');
  assert.equal(staff.ws.readyState, WebSocket.OPEN);
  staff.disconnect();
  await staff.next('disconnected');
});

test('a bad or wrong-kind token closes the socket with 1008', { timeout: 60000 }, async () => {
  for (const [path, token] of [
    ['/api/v1/chat/ws/chat/user', 'not-a-token'],
    ['/api/v1/chat/ws/chat/user', customerToken],
    ['/api/v1/chat/ws/chat/customer', staffToken],
  ]) {
    const client = new ChatClient(lobby.wsUrl, path, token);
    client.connect();
    const closed = await client.next('disconnected');
    assert.equal(closed.code, 1008, `${path} with a refused token`);
  }
});

test('a customer token is refused on staff REST endpoints', { timeout: 60000 }, async () => {
  const response = await fetch(`${lobby.url}/api/v1/chat/chats`, { headers: { Authorization: `Bearer ${customerToken}` } });
  assert.equal(response.status, 403);
  assert.equal(typeof (await response.json()).detail, 'string');
  const docs = await fetch(`${lobby.url}/docs`, { redirect: 'manual' });
  assert.equal(docs.status, 307);
  assert.equal(docs.headers.get('location'), '/api/docs/');
});
