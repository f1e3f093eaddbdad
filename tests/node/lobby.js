'use strict';
// Starts a real headless Lobby on a free loopback port with a fresh data folder, for tests that
// drive it with npm clients. CommonJS so that NODE_PATH (the build's node_modules) applies.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
// Every frame and event a suite receives is checked against the AsyncAPI document.
require('./asyncapiframes').install();

const binary = process.env.LOBBY;
if (!binary) throw new Error('set LOBBY to the lobby binary');

// `dataDir` shares a data folder with another instance (kept on close); `database` is a
// postgresql:// URL (--database).
async function startLobby({ demo = false, args = [], dataDir: sharedDir, database } = {}) {
  const dataDir = sharedDir || fs.mkdtempSync(path.join(os.tmpdir(), 'lobby-test-'));
  const databaseArgs = database ? ['--database', database] : [];
  const admin = (...verbArgs) =>
    execFileSync(binary, ['admin', '--data-dir', dataDir, ...databaseArgs, ...verbArgs],
      { encoding: 'utf8' }).trim().split('\n').pop();
  const serve = () => {
    // The clients all connect from 127.0.0.1, some suites thousands at once: no per-address cap.
    const child = spawn(binary, ['--headless', '--data-dir', dataDir, '--listen', '127.0.0.1:0',
      '--max-connections-per-address', '0', ...databaseArgs, ...(demo ? ['--demo'] : []), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lobby did not start:\n${output}`)), 20000);
      const onData = (chunk) => {
        output += chunk;
        const match = output.match(/Lobby listening on (http:\/\/[\d.]+:(\d+))/);
        if (match) {
          clearTimeout(timer);
          resolve({ child, url: match[1], port: Number(match[2]), output: () => output });
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`lobby exited with ${code}:\n${output}`)));
    });
  };
  let server = await serve();
  const stop = (signal = 'SIGTERM') => new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve(server.child.exitCode);
    server.child.removeAllListeners('exit');
    server.child.on('exit', (code) => resolve(code));
    server.child.kill(signal);
  });
  return {
    dataDir,
    admin,
    get url() { return server.url; },
    get port() { return server.port; },
    get wsUrl() { return server.url.replace('http://', 'ws://'); },
    output: () => server.output(),
    stop: () => stop(),
    // kill -9: the instance dies without a word (no goodbye, no flush).
    crash: () => stop('SIGKILL'),
    // Stops and starts again on the same data folder (a new port).
    async restart() { await stop(); server = await serve(); },
    async close() {
      await stop();
      if (!sharedDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

module.exports = { startLobby };
