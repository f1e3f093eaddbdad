// The load of bench/console: hotel guests posting through the guest REST API at a fixed rate,
// spread over rooms (one conversation each), open loop: message i is due at start + i/RATE
// whether or not earlier ones were answered; at most --in-flight requests are open at once, the
// rest wait their turn (their latency counts from when they were due).
//   node storm.js --url URL --hotel SLUG --pin PIN --rooms 101,102,... [--rate 1000]
//                 [--seconds 10] [--in-flight 64]
// Prints "STORM started_at_ms=... ended_at_ms=... due=N ok=N failed=N rate=R p50_ms=...
// p99_ms=... max_ms=..." (rate: answered messages per second, first due to last answered).
'use strict';
const http = require('node:http');

const args = process.argv.slice(2);
const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const url = new URL(option('url'));
const hotel = option('hotel');
const pin = option('pin');
const rooms = option('rooms').split(',');
const rate = Number(option('rate', '1000'));
const seconds = Number(option('seconds', '10'));
const inFlightLimit = Number(option('in-flight', '64'));
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlightLimit });

function post(path, body) {
    return new Promise((resolve, reject) => {
        const data = Buffer.from(JSON.stringify(body));
        const req = http.request({ host: url.hostname, port: url.port, path, method: 'POST', agent,
                                   headers: { 'Content-Type': 'application/json',
                                              'Content-Length': data.length } }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end(data);
    });
}

(async () => {
    const guests = [];
    for (const room of rooms) {
        const r = await post(`/api/chat/${hotel}/guest-session/room/${room}/initialize/`, { pin });
        if (r.status !== 200) throw new Error(`room ${room}: ${r.status} ${r.body}`);
        const session = JSON.parse(r.body);
        guests.push({ token: session.session_token, conversation: session.conversation_id });
    }
    const total = Math.round(rate * seconds);
    const latencies = [];
    let failed = 0;
    let next = 0;
    let inFlight = 0;
    let lastAnswer = 0;
    const startedAt = Date.now();
    const start = performance.now();
    await new Promise((done) => {
        let timer = null;
        const pump = () => {
            const now = performance.now();
            while (next < total && inFlight < inFlightLimit && start + (next * 1000) / rate <= now) {
                const due = start + (next * 1000) / rate;
                const guest = guests[next % guests.length];
                ++next;
                ++inFlight;
                post(`/api/chat/${hotel}/conversations/${guest.conversation}/messages/send/`,
                     { message: `Storm message ${next}: could we get more towels, please?`,
                       sender_type: 'guest', session_token: guest.token })
                    .then((r) => { if (r.status !== 201 && r.status !== 200) ++failed; },
                          () => ++failed)
                    .finally(() => {
                        --inFlight;
                        lastAnswer = performance.now();
                        latencies.push(lastAnswer - due);
                        if (next >= total && inFlight === 0) {
                            clearInterval(timer);
                            done();
                        } else {
                            pump();
                        }
                    });
            }
        };
        timer = setInterval(pump, 1);
        pump();
    });
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    const ok = latencies.length - failed;
    console.log(`STORM started_at_ms=${startedAt} ended_at_ms=${startedAt + Math.round(lastAnswer - start)}` +
                ` due=${total} ok=${ok} failed=${failed} rate=${(ok / ((lastAnswer - start) / 1000)).toFixed(0)}` +
                ` p50_ms=${at(0.5).toFixed(1)} p99_ms=${at(0.99).toFixed(1)} max_ms=${latencies.at(-1).toFixed(1)}`);
    agent.destroy();
})().catch((error) => {
    console.error(`storm: ${error.message}`);
    process.exit(1);
});
