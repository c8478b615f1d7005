// How the tests start Debian's Chromium: never a downloaded browser, and no background
// networking (this machine's closed network refuses it, loudly).
export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
