'use strict';
// Helpers for the guest-chat protocol tests: staff tokens, the guest REST API and pusher-js
// clients pointed at a headless Lobby.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Pusher = require('pusher-js');
const PusherServer = require('pusher');
const { watchPusher } = require('./asyncapiframes');

function pusherApp(lobby) {
  return JSON.parse(fs.readFileSync(path.join(lobby.dataDir, 'pusher-app'), 'utf8'));
}

// An access token as Lobby's TokenService issues it (HS256 with the install's jwt-secret).
function staffToken(lobby, { id, siteId = 1, kind = 'staff' }) {
  const secret = fs.readFileSync(path.join(lobby.dataDir, 'jwt-secret'), 'utf8').trim();
  const b64 = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    sub: String(id), user_id: id, kind, site_id: siteId, token_type: 'access',
    iat: now, exp: now + 3600, jti: crypto.randomBytes(8).toString('hex'),
  })}`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
}

async function api(lobby, method, urlPath, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${lobby.url}${urlPath}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function initialize(lobby, room, pin, sessionToken) {
  const body = { pin };
  if (sessionToken) body.session_token = sessionToken;
  return api(lobby, 'POST', `/api/chat/hotel-killarney/guest-session/room/${room}/initialize/`, body);
}

// A pusher-js client as a guest page or staff app would configure it against Lobby.
function client(lobby, token) {
  const options = {
    cluster: 'mt1', // required by pusher-js, unused with wsHost
    wsHost: '127.0.0.1',
    wsPort: lobby.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
  };
  if (token) {
    options.channelAuthorization = {
      endpoint: `${lobby.url}/api/chat/pusher/auth/`,
      transport: 'ajax',
      headers: { Authorization: `Bearer ${token}` },
    };
  }
  const pusher = watchPusher(new Pusher(pusherApp(lobby).key, options));
  pusher.received = []; // every event of every channel, in order
  pusher.bind_global((event, data) => pusher.received.push({ event, data }));
  return pusher;
}

function connected(pusher) {
  return new Promise((resolve, reject) => {
    if (pusher.connection.state === 'connected') return resolve(pusher.connection.socket_id);
    pusher.connection.bind('connected', () => resolve(pusher.connection.socket_id));
    pusher.connection.bind('failed', () => reject(new Error('connection failed')));
  });
}

// Resolves with the channel when subscribed; rejects with the subscription_error data.
function subscribe(pusher, name) {
  const channel = pusher.subscribe(name);
  return new Promise((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve(channel));
    channel.bind('pusher:subscription_error', (error) => reject(Object.assign(new Error('refused'), error)));
  });
}

function nextEvent(channel, name) {
  return new Promise((resolve) => {
    const handler = (data, metadata) => {
      channel.unbind(name, handler);
      resolve({ data, metadata });
    };
    channel.bind(name, handler);
  });
}

// The `pusher` server SDK for a Lobby's Pusher app, as a hotel's own backend would use it.
function serverSdk(lobby) {
  const app = pusherApp(lobby);
  return new PusherServer({
    appId: app.app_id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(lobby.port),
    useTLS: false, encryptionMasterKeyBase64: app.encryption_master_key_base64,
  });
}

// A pusher-js client of `lobby` whose channels and sign-in `sdk` signs (pusher-js's
// customHandler); `member` is the presence user, `user` the signed-in user.
function sdkSignedClient(lobby, sdk, { member, user } = {}) {
  const signed = (sign) => (params, callback) => {
    try { callback(null, sign(params)); } catch (error) { callback(error, null); }
  };
  return watchPusher(new Pusher(pusherApp(lobby).key, {
    cluster: 'mt1', wsHost: '127.0.0.1', wsPort: lobby.port, forceTLS: false,
    enabledTransports: ['ws'], disableStats: true,
    channelAuthorization: {
      customHandler: signed(({ socketId, channelName }) => sdk.authorizeChannel(socketId, channelName,
        channelName.startsWith('presence-') ? member : undefined)),
    },
    userAuthentication: {
      customHandler: signed(({ socketId }) => sdk.authenticateUser(socketId, user)),
    },
  }));
}

module.exports = {
  pusherApp, staffToken, api, initialize, client, connected, subscribe, nextEvent, serverSdk,
  sdkSignedClient,
};
