'use strict';

// Every frame a node suite receives, checked against Lobby's AsyncAPI document
// (resources/openapi/asyncapi.json): v1 chat and direct chat frames through `ws`, Pusher frames
// through pusher-js clients (watchPusher) and `ws`, and server-sent events through fetch.
// A frame that matches none of its channel's messages is a mismatch; the suite's last hook
// fails with the list.

const fs = require('node:fs');
const path = require('node:path');
const { after } = require('node:test');
const assert = require('node:assert/strict');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const documentPath = path.join(__dirname, '..', '..', 'resources', 'openapi', 'asyncapi.json');
const asyncapi = JSON.parse(fs.readFileSync(documentPath, 'utf8'));

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// The components alone: their $refs (#/components/...) resolve in it.
ajv.addSchema({ components: asyncapi.components }, 'asyncapi');

const pointer = (...parts) => parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

// For each channel, its server messages: name, compiled payload (and `x-data`) validators, and
// the value of the field that tells them apart (`type` or `event`), when there is one.
const channels = new Map();
for (const [channel, item] of Object.entries(asyncapi.channels)) {
  const list = item.subscribe.message.oneOf.map(({ $ref }) => {
    const name = $ref.split('/').pop();
    const message = asyncapi.components.messages[name];
    const props = message.payload.properties || {};
    const discriminator = ['type', 'event'].find((key) => props[key] && 'const' in props[key]);
    return {
      name,
      key: discriminator,
      value: discriminator ? props[discriminator].const : undefined,
      payload: ajv.compile({ $ref: `asyncapi#/${pointer('components', 'messages', name, 'payload')}` }),
      data: message['x-data']
        ? ajv.compile({ $ref: `asyncapi#/${pointer('components', 'messages', name, 'x-data')}` })
        : null,
    };
  });
  const pattern = new RegExp(`^${channel.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  channels.set(channel, { pattern, list });
}

const mismatches = [];
const seen = {};

function channelOf(url) {
  const { pathname } = new URL(url, 'http://127.0.0.1');
  for (const [name, channel] of channels) {
    if (channel.pattern.test(pathname)) return name;
  }
  return null;
}

function describe(validate) {
  return ajv.errorsText(validate.errors, { dataVar: 'frame' });
}

// Empty when `frame` (a parsed JSON value) is one of the channel's server messages; otherwise why not.
function check(channel, frame) {
  const { list } = channels.get(channel);
  const keyed = list.filter((m) => m.key && frame && frame[m.key] === m.value);
  const candidates = keyed.length ? keyed : list.filter((m) => !m.key || m.name === 'pusher.app_event');
  const why = [];
  for (const message of candidates) {
    if (!message.payload(frame)) {
      why.push(`${message.name}: ${describe(message.payload)}`);
      continue;
    }
    if (message.data) {
      let data;
      try {
        data = JSON.parse(frame.data);
      } catch {
        why.push(`${message.name}: data is not JSON text`);
        continue;
      }
      if (!message.data(data)) {
        why.push(`${message.name}: data: ${describe(message.data)}`);
        continue;
      }
    }
    return { name: message.name };
  }
  return { why: why.length ? why.join('; ') : 'no message of the channel has this shape' };
}

function record(channel, frame) {
  const result = check(channel, frame);
  seen[channel] = (seen[channel] || 0) + 1;
  if (result.why) {
    mismatches.push(`${channel}: ${JSON.stringify(frame).slice(0, 300)}\n    ${result.why}`);
  }
  return result;
}

function onText(url, text) {
  const channel = channelOf(url);
  if (!channel) return;
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    mismatches.push(`${channel}: a frame that is not JSON: ${String(text).slice(0, 120)}`);
    return;
  }
  record(channel, frame);
}

// pusher-js decodes `data` when it is JSON text; the wire form is put back before the check.
const objectDataEvents = new Set(['pusher:error', 'pusher:subscription_error']);
function watchPusher(pusher) {
  pusher.connection.bind('message', (message) => {
    const frame = Object.fromEntries(Object.entries(message).filter(([, value]) => value !== undefined));
    if (frame.data !== undefined && typeof frame.data !== 'string' && !objectDataEvents.has(frame.event)) {
      frame.data = JSON.stringify(frame.data);
    }
    record('/app/{key}', frame);
  });
  return pusher;
}

// The server-sent events of one response, read as the test reads them (no read ahead).
function watchEventStream(url, response) {
  const channel = channelOf(url);
  if (!channel || !response.body) return response;
  const decoder = new TextDecoder();
  let buffer = '';
  const inspect = new TransformStream({
    transform(chunk, controller) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6)).join('\n');
        if (data) onText(url, data);
      }
      controller.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(inspect), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

let installed = false;
function install() {
  if (installed) return;
  installed = true;
  const WebSocket = require('ws');
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (event, ...args) {
    if (event === 'message' && !args[1] && this.url) onText(this.url, args[0].toString());
    return emit.call(this, event, ...args);
  };
  const fetch = globalThis.fetch;
  globalThis.fetch = async function (input, init) {
    const response = await fetch(input, init);
    const type = response.headers.get('content-type') || '';
    const url = typeof input === 'string' ? input : input.url;
    return type.startsWith('text/event-stream') ? watchEventStream(url, response) : response;
  };
  after(() => {
    if (process.env.LOBBY_FRAMES_SEEN) console.log(`frames checked: ${JSON.stringify(seen)}`);
    assert.deepEqual(mismatches, [], `frames the AsyncAPI document does not describe:\n${mismatches.join('\n')}`);
  });
}

module.exports = { install, watchPusher, check, channelOf, asyncapi, seen, mismatches };
