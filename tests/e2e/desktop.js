'use strict';
// A desktop for the real console: Xvfb on a free display, `lobby` with its window on it,
// xdotool for the mouse and keyboard, ImageMagick's `import` for screenshots, and the console's
// LOBBY_CONSOLE_TRANSCRIPT lines (what its models show) to wait on.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');

// Xvfb picks a free display itself (-displayfd) and writes its number on fd 3.
function startXvfb() {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1400x900x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk) => { errors += chunk; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start:\n${errors}`)), 20000);
    let number = '';
    child.stdio[3].on('data', (chunk) => {
      number += chunk;
      if (!number.includes('\n')) return;
      clearTimeout(timer);
      const display = `:${number.trim()}`;
      resolve({
        display,
        stop: () => new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.on('exit', () => done());
          child.kill('SIGTERM');
        }),
      });
    });
    child.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}:\n${errors}`)));
  });
}

// `lobby --demo` with the console on `display`, signed in by LOBBY_SIGN_IN.
function startConsole({ binary, display, dataDir, transcript, args = [] }) {
  const env = { ...process.env, DISPLAY: display, LOBBY_SIGN_IN: 'admin@lobby.demo:lobby-admin',
    LOBBY_CONSOLE_TRANSCRIPT: transcript };
  delete env.QT_QPA_PLATFORM;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(binary, ['--demo', '--data-dir', dataDir, '--listen', '127.0.0.1:0', ...args],
    { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the console did not sign in:\n${output}`)), 60000);
    const onData = (chunk) => {
      output += chunk;
      const listening = output.match(/Lobby listening on (http:\/\/[\d.]+:\d+)/);
      if (!started && listening && /Console signed in as /.test(output)) {
        started = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({
          url: listening[1],
          wsUrl: listening[1].replace('http://', 'ws://'),
          output: () => output,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
            child.on('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`lobby exited with ${code}:\n${output}`)));
  });
}

function desktop(display) {
  const run = (command, ...args) =>
    execFileSync(command, args, { env: { ...process.env, DISPLAY: display }, encoding: 'utf8' });
  return {
    click: (x, y) => run('xdotool', 'mousemove', String(x), String(y), 'click', '1'),
    type: (text) => run('xdotool', 'type', '--delay', '15', '--', text),
    key: (...keys) => run('xdotool', 'key', ...keys),
    screenshot: (file) => run('import', '-display', display, '-window', 'root', file),
  };
}

// The console's newest complete transcript line (see README, "Command line"). Lobby may be
// appending the last line right now, so a line that does not parse yet is passed over.
function consoleState(transcript) {
  if (!fs.existsSync(transcript)) return null;
  const lines = fs.readFileSync(transcript, 'utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; --i) {
    try {
      if (lines[i].trim()) return JSON.parse(lines[i]);
    } catch {
      // half written: the one before it is the newest complete state
    }
  }
  return null;
}

// Polls `check` (which may be async) until it returns something truthy; fails with `what` and
// the last thing seen after `timeout` ms.
async function waitFor(what, check, { timeout = 20000, describe = () => '' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    let value;
    let failure;
    try {
      value = await check();
    } catch (error) {
      failure = error;
    }
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${failure ? ` (${failure.message})` : ''}\n` +
        `last seen: ${await describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

module.exports = { startXvfb, startConsole, desktop, consoleState, waitFor };
