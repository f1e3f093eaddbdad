// Prepares a server (Lobby or the node peer) for bench/rest: SESSIONS widget sessions for the
// chat load, one more session with HISTORY chat requests (2 messages each) whose conversation is
// the history page's, and a staff access token. Same calls on both servers.
//   node setup.js URL API_KEY OUT_DIR [SESSIONS [HISTORY]]
// Writes OUT_DIR/sessions ("session_id visitor_id" lines), OUT_DIR/history-session,
// OUT_DIR/token.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [url, apiKey, out, sessionCount = '20', historyCount = '150'] = process.argv.slice(2);

async function call(method, route, body, headers = {}) {
    const response = await fetch(url + route, {
        method,
        headers: { 'Content-Type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
}

async function newSession() {
    const visitor = (await call('POST', '/api/chats/visitors/', { metadata: { page: '/rooms' } })).data;
    const session = (await call('POST', '/api/chats/sessions/', { visitor_id: visitor.id })).data;
    return [session.id, visitor.id];
}

(async () => {
    const lines = [];
    for (let i = 0; i < Number(sessionCount); ++i) lines.push((await newSession()).join(' '));
    fs.writeFileSync(path.join(out, 'sessions'), lines.join('\n') + '\n');

    const [sessionId, visitorId] = await newSession();
    const questions = ['What time is breakfast served?', 'hello', 'Is there parking at the hotel?',
                       'Could you send up two extra pillows please?'];
    for (let i = 0; i < Number(historyCount); ++i) {
        await call('POST', '/api/chats/messages/chat/',
                   { message: questions[i % questions.length], session_id: sessionId, visitor_id: visitorId },
                   { 'X-API-Key': apiKey });
    }
    fs.writeFileSync(path.join(out, 'history-session'), sessionId + '\n');

    const login = await call('POST', '/api/v1/auth/login',
                             { email: 'admin@lobby.demo', password: 'lobby-admin' });
    fs.writeFileSync(path.join(out, 'token'), login.access_token + '\n');
})().catch((error) => {
    console.error(`setup: ${error.message}`);
    process.exit(1);
});
