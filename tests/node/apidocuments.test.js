'use strict';
// The API documents as a generated client or a doc tool reads them: the OpenAPI document is
// valid OpenAPI 3.0 (swagger-parser), the AsyncAPI document valid AsyncAPI 2.6 (its JSON schema
// from @asyncapi/specs), both are served as committed, and the Swagger page links the second.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const SwaggerParser = require('@apidevtools/swagger-parser');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const { startLobby } = require('./lobby');
const frames = require('./asyncapiframes');

const documents = path.join(__dirname, '..', '..', 'resources', 'openapi');
const committed = (name) => JSON.parse(fs.readFileSync(path.join(documents, name), 'utf8'));

let lobby;
before(async () => { lobby = await startLobby(); });
after(async () => { await lobby.close(); });

test('the OpenAPI document is served as committed and is valid OpenAPI 3.0', async () => {
  const response = await fetch(`${lobby.url}/api/docs/openapi.json`);
  assert.equal(response.status, 200);
  const served = await response.json();
  assert.deepEqual(served, committed('openapi.json'));
  const api = await SwaggerParser.validate(structuredClone(served));
  assert.equal(api.openapi, '3.0.3');
  const ids = Object.values(api.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

test('the AsyncAPI document is served as committed and is valid AsyncAPI 2.6', async () => {
  const response = await fetch(`${lobby.url}/api/docs/asyncapi.json`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  const served = await response.json();
  assert.deepEqual(served, committed('asyncapi.json'));
  const specs = require('@asyncapi/specs');
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const schema = specs.schemasWithoutId['2.6.0']; // the other names draft-07's meta-schema twice
  const validate = ajv.compile(schema);
  assert.ok(validate(served), ajv.errorsText(validate.errors));
  // The four protocols, each with the frames it sends.
  const channels = Object.keys(served.channels);
  for (const channel of ['/api/v1/chat/ws/chat/{participant}', '/ws/chat/{peer_id}/', '/app/{key}',
    '/api/chats/sessions/{id}/events/']) {
    assert.ok(channels.includes(channel), channel);
    assert.ok(served.channels[channel].subscribe.message.oneOf.length > 0, channel);
  }
});

test('the frame check refuses frames the AsyncAPI document does not describe', () => {
  const v1 = '/api/v1/chat/ws/chat/{participant}';
  assert.equal(frames.channelOf('ws://127.0.0.1:1/api/v1/chat/ws/chat/user?token=x'), v1);
  assert.equal(frames.check(v1, { type: 'pong', timestamp: '2026-01-09T10:30:00.000Z' }).name, 'v1.pong');
  assert.match(frames.check(v1, { type: 'pong' }).why, /timestamp/);
  assert.match(frames.check(v1, { type: 'pong', timestamp: 'now', extra: 1 }).why, /additional|date-time/);
  assert.ok(frames.check(v1, { type: 'surprise' }).why);
  const pusher = '/app/{key}';
  assert.equal(frames.check(pusher, { event: 'typing', channel: 'private-x', data: JSON.stringify({
    conversation_id: 1, sender_type: 'guest', is_typing: true }) }).name, 'lobby.typing');
  assert.match(frames.check(pusher, { event: 'typing', channel: 'private-x',
    data: JSON.stringify({ conversation_id: '1', sender_type: 'guest', is_typing: true }) }).why, /integer/);
  const direct = '/ws/chat/{peer_id}/';
  assert.ok(frames.check(direct, { message: 'hi', sender_id: null }).why);
});

test('the Swagger page links the AsyncAPI document', async () => {
  const response = await fetch(`${lobby.url}/api/docs/`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /href="\/api\/docs\/asyncapi\.json"/);
});
