// The REST peer of bench/rest: node's built-in `http` module doing the work Lobby does for
//   POST /api/chats/messages/chat/            (widget chat, plain)
//   GET  /api/v1/chat/chats/{id}/messages     (app v1 history page, newest first)
// plus the few calls the benchmark's setup needs (visitor, session, staff login).
//
//   node bench/rest/node-peer.js --port 0 --store file-sync|file|memory --dir DIR
//
// Same JSON shapes as Lobby. Per chat request it parses the body, checks the API key (SHA-256
// of the key looked up in a Map, as Lobby looks up the hash), checks the session and its
// visitor, records the visit, stores the visitor's message and the answer, and answers with the
// FAQ assistant (the same BM25 scoring as server/api/widget/assistant.cpp, index built once).
// --store: file-sync appends both messages as one JSON line to DIR/messages.jsonl and
// fdatasync()s before answering (durable before the answer, like Lobby's synchronous=FULL
// commits); file appends without syncing; memory only pushes to an array. Messages are always
// also kept in memory, which is what the history page is answered from.
// History: verifies the HS256 JWT (HMAC-SHA256, constant-time compare, expiry), looks the
// account up, checks the chat's site, and answers a page of `page_size` (default 50) from memory
// with read receipts derived like Lobby's (each reader's first receipt at or past the message).
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const port = Number(option('port', '0'));
const storeMode = option('store', 'file-sync');
const dir = option('dir', fs.mkdtempSync('/tmp/node-peer-'));
if (!['file-sync', 'file', 'memory'].includes(storeMode)) {
    console.error(`node-peer: unknown --store ${storeMode}`);
    process.exit(2);
}

// ---- state (one site, like the demo hotel)
const SITE_ID = 1;
const jwtSecret = crypto.randomBytes(32);
const apiKey = 'lby_' + crypto.randomBytes(24).toString('hex');
const sha256Hex = (text) => crypto.createHash('sha256').update(text).digest('hex');
const apiKeys = new Map([[sha256Hex(apiKey), { id: 1, siteId: SITE_ID, revokedAt: null }]]);
const accounts = new Map([
    [1, { id: 1, siteId: SITE_ID, kind: 'staff', email: 'admin@lobby.demo', name: 'John Smith',
          password: 'lobby-admin' }],
]);
const visitors = new Map(); // public id -> {id, publicId, createdAt, lastSeenAt}
const sessions = new Map(); // public id -> {id, publicId, visitorId, siteId, conversationId, ...}
const conversations = new Map(); // id -> {id, siteId, messages: [], receipts: []}
let nextId = 1;
let nextMessageId = 1;
const fd = storeMode === 'memory' ? -1 : fs.openSync(path.join(dir, 'messages.jsonl'), 'a');

// ---- the FAQ assistant (server/api/widget/assistant.cpp, ported)
const stopWords = new Set(('a an and are as at be but by can could do does for from get have how i ' +
    'if in is it its me my of on or our please so that the there this to us was we what when ' +
    'where which who will with would you your any am tell know want need much many about some')
    .split(' '));
const greetingWords = new Set('hello hi hey hiya morning afternoon evening good there thanks thank you'
    .split(' '));
const stem = (word) => {
    for (const suffix of ['ing', 'ies', 'es', 'ed', 's']) {
        if (word.length - suffix.length >= 3 && word.endsWith(suffix))
            return word.slice(0, -suffix.length) + (suffix === 'ies' ? 'y' : '');
    }
    return word;
};
const words = (text) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length);
const terms = (text) => words(text).filter((w) => !stopWords.has(w)).map(stem);
const faq = [
    ['What time is breakfast served?',
     'Breakfast is served in the Garden Room from 7:00 to 10:30 every day.'],
    ['When is check-out?',
     'Check-out is at 11:00. Late check-out until 13:00 can be arranged at the front desk.'],
    ['What is the Wi-Fi password?',
     'Join the network Killarney-Guest; the password is printed on your key card holder.'],
    ['Is there parking at the hotel?',
     'Yes, free parking is available behind the hotel. Ask reception for a parking pass.'],
    ['What are the spa opening hours?',
     'The spa and pool are open from 8:00 to 21:00. Towels are provided at the spa desk.'],
    ['Can I order room service?',
     'Room service runs from 7:00 to 23:00. Call 9 from your room phone or ask us here.'],
];
const documents = [];
const documentFrequency = new Map();
let averageLength = 0;
for (const [question, answer] of faq) {
    const q = terms(question);
    const doc = { answer, termCounts: new Map(), length: 0 };
    for (const part of [q, q, terms(answer)]) {
        for (const t of part) doc.termCounts.set(t, (doc.termCounts.get(t) || 0) + 1);
        doc.length += part.length;
    }
    for (const t of doc.termCounts.keys()) documentFrequency.set(t, (documentFrequency.get(t) || 0) + 1);
    averageLength += doc.length;
    documents.push(doc);
}
averageLength /= documents.length;
const holdingMessage = 'Thanks for your message! I have passed it to our team, and someone will ' +
    'reply here as soon as possible.';
function assistantReply(message) {
    const all = words(message);
    if (all.length && all.every((w) => greetingWords.has(w) || stopWords.has(w)) &&
        all.some((w) => greetingWords.has(w)))
        return { handoff: false, text: 'Hello! Ask me anything about your stay, or tell me what ' +
            'you need and I will pass it to our team.' };
    const query = new Set(terms(message));
    let best = null;
    let bestScore = 0;
    const n = documents.length;
    for (const doc of documents) {
        let score = 0;
        for (const t of query) {
            const tf = doc.termCounts.get(t) || 0;
            if (!tf) continue;
            const df = documentFrequency.get(t);
            const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            const norm = 1.2 * (1 - 0.75 + 0.75 * doc.length / averageLength);
            score += idf * (tf * 2.2) / (tf + norm);
        }
        if (score > bestScore) { bestScore = score; best = doc; }
    }
    if (!best) return { handoff: true, text: holdingMessage };
    let matched = 0;
    for (const t of query) if (best.termCounts.has(t)) ++matched;
    if (bestScore >= 1.0 && matched / query.size >= 0.5) return { handoff: false, text: best.answer };
    return { handoff: true, text: holdingMessage };
}

// ---- HTTP helpers
const iso = (ms) => new Date(ms).toISOString();
function send(res, status, object) {
    const body = JSON.stringify(object);
    res.writeHead(status, { 'Content-Type': 'application/json',
                            'Content-Length': Buffer.byteLength(body) });
    res.end(body);
}
const widgetError = (res, status, message) => send(res, status, { success: false, message });
const detail = (res, status, message) => send(res, status, { detail: message });
function readBody(req, res, then) {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
        size += c.length;
        if (size <= 1 << 20) chunks.push(c);
    });
    req.on('end', () => {
        if (size > 1 << 20) return widgetError(res, 413, 'Request body too large.');
        let body = {};
        if (size) {
            try {
                body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
                return widgetError(res, 400, 'The request body is not valid JSON.');
            }
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body))
            return widgetError(res, 400, 'The request body must be a JSON object.');
        then(body);
    });
}
// Absent/empty -> '' (or an error when required); another type -> an error.
function stringField(body, name, required) {
    const v = body[name];
    if (v === undefined || v === null || (typeof v === 'string' && !v.trim()))
        return required ? { error: `${name} is required.` } : { value: '' };
    if (typeof v !== 'string') return { error: `${name} must be a string.` };
    return { value: v };
}

function persist(records) {
    if (fd < 0) return;
    fs.writeSync(fd, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    if (storeMode === 'file-sync') fs.fdatasyncSync(fd);
}

function postMessage(conversation, senderKind, senderId, content) {
    const message = { id: nextMessageId++, conversationId: conversation.id, senderKind, senderId,
                      type: 'text', content, createdAt: Date.now() };
    conversation.messages.push(message);
    if (senderKind !== 'assistant' && senderKind !== 'system') // answering means having read
        conversation.receipts.push({ readerKind: senderKind, readerId: senderId,
                                     upTo: message.id, readAt: message.createdAt });
    return message;
}

// ---- widget
function createVisitor(req, res) {
    readBody(req, res, (body) => {
        const now = Date.now();
        const visitor = { id: nextId++, publicId: crypto.randomUUID(), createdAt: now,
                          lastSeenAt: now, metadata: body.metadata || {} };
        visitors.set(visitor.publicId, visitor);
        persist([{ visitor }]);
        send(res, 201, { success: true, data: { id: visitor.publicId, created_at: iso(now),
                         last_seen_at: iso(now), metadata: visitor.metadata },
                         message: 'Visitor created successfully.' });
    });
}

function createSession(req, res) {
    readBody(req, res, (body) => {
        const visitorId = stringField(body, 'visitor_id', true);
        if (visitorId.error) return widgetError(res, 400, visitorId.error);
        const visitor = visitors.get(visitorId.value);
        if (!visitor) return widgetError(res, 400, `Visitor with ID '${visitorId.value}' does not exist.`);
        const now = Date.now();
        visitor.lastSeenAt = now;
        const session = { id: nextId++, publicId: crypto.randomUUID(), visitorId: visitor.id,
                          siteId: 0, conversationId: 0, createdAt: now,
                          expiresAt: now + 24 * 3600 * 1000, active: true };
        sessions.set(session.publicId, session);
        persist([{ session }]);
        send(res, 201, { success: true, data: {
            id: session.publicId,
            visitor: { id: visitor.publicId, created_at: iso(visitor.createdAt),
                       last_seen_at: iso(now) },
            external_user_id: null, created_at: iso(now), expires_at: iso(session.expiresAt),
            is_active: true, metadata: {} }, message: 'Created successfully' });
    });
}

function chat(req, res) {
    let key = (req.headers['x-api-key'] || '').trim();
    if (!key) {
        const authz = req.headers.authorization || '';
        if (authz.startsWith('Bearer ')) key = authz.slice(7).trim();
    }
    if (!key) return widgetError(res, 401, 'API key required.');
    const stored = apiKeys.get(sha256Hex(key));
    if (!stored || stored.revokedAt) return widgetError(res, 401, 'Invalid API key.');
    readBody(req, res, (body) => {
        const text = stringField(body, 'message', true);
        const sessionId = text.error ? text : stringField(body, 'session_id', true);
        const visitorId = sessionId.error ? sessionId : stringField(body, 'visitor_id', true);
        if (visitorId.error) return widgetError(res, 400, visitorId.error);
        if (text.value.length > 10000) return widgetError(res, 400, 'message is at most 10000 characters.');
        const session = sessions.get(sessionId.value);
        if (!session) return widgetError(res, 404, `Session with ID '${sessionId.value}' does not exist.`);
        const visitor = visitors.get(visitorId.value);
        if (!visitor) return widgetError(res, 404, `Visitor with ID '${visitorId.value}' does not exist.`);
        if (session.visitorId !== visitor.id) return widgetError(res, 403, 'This session belongs to another visitor.');
        const now = Date.now();
        if (!session.active || session.expiresAt <= now) return widgetError(res, 410, 'This session has expired.');
        if (session.siteId && session.siteId !== stored.siteId) return widgetError(res, 403, 'This session belongs to another site.');
        visitor.lastSeenAt = now;
        if (!session.conversationId) {
            const conversation = { id: nextId++, siteId: stored.siteId, messages: [], receipts: [] };
            conversations.set(conversation.id, conversation);
            session.siteId = stored.siteId;
            session.conversationId = conversation.id;
        }
        const conversation = conversations.get(session.conversationId);
        const question = postMessage(conversation, 'visitor', visitor.id, text.value);
        const reply = assistantReply(text.value);
        const answer = postMessage(conversation, 'assistant', 0, reply.text);
        persist([{ touch: visitor.id, at: now }, question, answer]);
        const data = { response: answer.content, session_id: session.publicId,
                       message_id: String(question.id), response_id: String(answer.id) };
        if (reply.handoff) data.handoff = true;
        send(res, 200, { success: true, data, message: 'Response generated' });
    });
}

// ---- app v1
const b64url = (buffer) => buffer.toString('base64url');
function issueToken(account) {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
    const payload = b64url(Buffer.from(JSON.stringify({
        sub: String(account.id), kind: account.kind, site: account.siteId, use: 'access',
        iat: now, exp: now + 3600 })));
    const signature = b64url(crypto.createHmac('sha256', jwtSecret).update(`${header}.${payload}`).digest());
    return `${header}.${payload}.${signature}`;
}
function verifyToken(token) {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const expected = crypto.createHmac('sha256', jwtSecret).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], 'base64url');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    let header;
    let claims;
    try {
        header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
        claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    } catch {
        return null;
    }
    if (header.alg !== 'HS256' || claims.use !== 'access' || claims.exp <= Date.now() / 1000) return null;
    return claims;
}

function login(req, res) {
    readBody(req, res, (body) => {
        const account = [...accounts.values()].find((a) => a.email === body.email);
        if (!account || account.password !== body.password) return detail(res, 401, 'Incorrect email or password.');
        send(res, 200, { access_token: issueToken(account), token_type: 'bearer', expires_in: 3600,
                         user: { id: account.id, name: account.name } });
    });
}

const actorType = { staff: 'user', customer: 'customer', guest: 'guest', visitor: 'visitor',
                    assistant: 'assistant', system: 'system' };
const senderName = { visitor: 'Visitor', assistant: 'Assistant', guest: 'Guest', system: 'System' };
function messageJson(m, receipts) {
    const seen = new Set();
    const readReceipts = [];
    for (const r of receipts) {
        const reader = `${r.readerKind}:${r.readerId}`;
        if (r.upTo < m.id || (r.readerKind === m.senderKind && r.readerId === m.senderId) || seen.has(reader))
            continue;
        seen.add(reader);
        readReceipts.push({ reader_type: actorType[r.readerKind], reader_id: r.readerId, read_at: iso(r.readAt) });
    }
    return { id: m.id, chat_id: m.conversationId, sender_type: actorType[m.senderKind],
             sender_id: m.senderId,
             sender_user_id: m.senderKind === 'staff' ? m.senderId : null,
             sender_customer_id: m.senderKind === 'customer' ? m.senderId : null,
             sender_name: m.senderKind === 'staff' ? accounts.get(m.senderId).name : senderName[m.senderKind],
             message_type: m.type, content: m.content, media_url: null, thumbnail_url: null,
             reply_to_message_id: null, entity_type: null, entity_id: null, appointment_id: null,
             product_id: null, pack_id: null, client_message_id: null, created_at: iso(m.createdAt),
             is_edited: false, is_deleted: false, read_receipts: readReceipts };
}

function history(req, res, url, chatId) {
    const authz = req.headers.authorization || '';
    const claims = authz.startsWith('Bearer ') ? verifyToken(authz.slice(7).trim()) : null;
    const account = claims && accounts.get(Number(claims.sub));
    if (!account || account.siteId !== claims.site) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return detail(res, 401, 'Could not validate credentials.');
    }
    const intQuery = (name, fallback, low, high) => {
        const text = url.searchParams.get(name);
        if (!text) return fallback;
        const v = Number(text);
        return Number.isInteger(v) && v >= low && v <= high ? v : null;
    };
    const page = intQuery('page', 1, 1, 1000000);
    const pageSize = intQuery('page_size', 50, 1, 100);
    if (page === null || pageSize === null) return detail(res, 422, 'Invalid page or page_size.');
    const conversation = conversations.get(chatId);
    if (!conversation || conversation.siteId !== account.siteId) return detail(res, 404, 'Chat not found.');
    const all = conversation.messages;
    const total = all.length;
    const end = total - (page - 1) * pageSize; // newest first
    const messages = [];
    for (let i = end - 1; i >= 0 && i >= end - pageSize; --i)
        messages.push(messageJson(all[i], conversation.receipts));
    send(res, 200, { messages, total, page, page_size: pageSize, has_more: page * pageSize < total });
}

// For the benchmark's setup only: the conversation behind a widget session.
function conversationOfSession(res, url) {
    const session = sessions.get(url.searchParams.get('session_id'));
    if (!session) return detail(res, 404, 'no such session');
    send(res, 200, { conversation_id: session.conversationId });
}

const historyPath = /^\/api\/v1\/chat\/chats\/(\d+)\/messages$/;
const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const p = url.pathname;
    if (req.method === 'POST' && p === '/api/chats/messages/chat/') return chat(req, res);
    if (req.method === 'GET') {
        const m = historyPath.exec(p);
        if (m) return history(req, res, url, Number(m[1]));
        if (p === '/bench/conversation') return conversationOfSession(res, url);
        if (p === '/healthz') return send(res, 200, { status: 'ok' });
    }
    if (req.method === 'POST' && p === '/api/chats/visitors/') return createVisitor(req, res);
    if (req.method === 'POST' && p === '/api/chats/sessions/') return createSession(req, res);
    if (req.method === 'POST' && p === '/api/v1/auth/login') return login(req, res);
    detail(res, 404, 'Not found.');
});
server.keepAliveTimeout = 60000;
server.listen(port, '127.0.0.1', () => {
    console.log(`node peer listening on http://127.0.0.1:${server.address().port}`);
    console.log(`  store: ${storeMode} (${dir})`);
    console.log(`  widget API key: ${apiKey}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
