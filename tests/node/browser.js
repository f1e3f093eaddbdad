'use strict';
// Debian's Chromium driven by playwright-core, with the flags this offline machine needs.
const { chromium } = require('playwright-core');

async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
}

module.exports = { launchBrowser };
