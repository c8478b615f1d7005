// The two engines beside Chromium, each from Debian and driven over WebDriver by a driver whose
// path is given explicitly (nothing is downloaded; Selenium Manager is never asked):
// Firefox ESR through geckodriver (built from its crate by scripts/setup.sh), WebKitGTK — the
// engine family of iOS and of WeChat on iPhone — through WebKitWebDriver, under Xvfb (its
// MiniBrowser has no headless mode).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Builder } from 'selenium-webdriver';
import BrowsingContext from 'selenium-webdriver/bidi/browsingContext.js';

const TOOLS = process.env.XINGQI_TOOLS ?? `${process.env.HOME}/.cache/xingqi-tools`;
export const GECKODRIVER = process.env.GECKODRIVER_PATH ?? `${TOOLS}/bin/geckodriver`;
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr';
export const WEBKITDRIVER = process.env.WEBKITDRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** WeChat's in-app browser on an iPhone, as its user agent reads. */
export const WECHAT_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003237) NetType/WIFI Language/zh_CN';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForPort(url, what, ms = 20_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error(`${what} did not start (${url})`);
}

const started = new Set();
// Nothing started here outlives this script, however it ends.
process.on('exit', () => { for (const p of started) p.kill(); });

/** Starts a process, keeping its output for when something fails. */
function start(cmd, args, env = {}) {
  // A process group of its own: stopping it also stops what it started (the browser a driver
  // opened), even when the driver itself no longer answers.
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  child.on('error', (e) => { log += String(e); });
  // How it ended, if it ended on its own: a driver that vanished mid-journey says how.
  child.on('exit', (code, sig) => {
    log += `\n[${cmd.split('/').at(-1)} (pid ${child.pid}) exited at ${new Date().toISOString()}: code ${code}, signal ${sig}]\n`;
  });
  const signal = (s) => { try { process.kill(-child.pid, s); } catch { /* gone already */ } };
  const p = { child, log: () => log, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
  started.add(p);
  return p;
}

/** One engine's driver, started; `session(options)` opens a browser (one at a time). */
export async function engine(name, port) {
  if (name === 'firefox') {
    const driver = start(GECKODRIVER, ['--host', '127.0.0.1', '--port', String(port),
      '--websocket-port', String(port + 1), '--binary', FIREFOX]);
    await waitForPort(`http://127.0.0.1:${port}/status`, `geckodriver (${GECKODRIVER})`);
    return {
      name, log: () => driver.log(), session: (o) => firefoxSession(port, o),
      stop: () => driver.stop(), kill: () => driver.kill(),
    };
  }
  // A tiny toolbar, so MiniBrowser's window can be phone-wide (GTK's own stylesheet).
  const config = `${process.cwd()}/../target/e2e/gtk-config`;
  mkdirSync(`${config}/gtk-3.0`, { recursive: true });
  writeFileSync(`${config}/gtk-3.0/gtk.css`,
    '* { font-size: 3px; min-width: 0; min-height: 0; padding: 0; margin: 0; border-width: 0; -gtk-icon-transform: scale(0.2); }\n');
  // A display no other X server holds (a lock file names each one in use).
  let n = 90 + (port % 9);
  while (existsSync(`/tmp/.X${n}-lock`)) n += 1;
  const display = `:${n}`;
  const xvfb = start('Xvfb', [display, '-screen', '0', '1280x2000x24', '-nolisten', 'tcp']);
  await sleep(300);
  const driver = start(WEBKITDRIVER, ['--host=127.0.0.1', `--port=${port}`],
    { DISPLAY: display, XDG_CONFIG_HOME: config });
  await waitForPort(`http://127.0.0.1:${port}/status`, `WebKitWebDriver (${WEBKITDRIVER})`);
  return {
    name, session: (o) => webkitSession(port, o),
    log: () => `${driver.log()}\n--- Xvfb ${display} ---\n${xvfb.log()}`,
    stop: () => { driver.stop(); xvfb.stop(); },
    kill: () => { driver.kill(); xvfb.kill(); },
  };
}

/** `promise`, or an error naming `what` once `ms` have passed without an answer. */
export async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); });
  try { return await Promise.race([promise, timeout]); } finally { clearTimeout(timer); }
}

async function firefoxSession(port, { userAgent, javascript = true } = {}) {
  const prefs = { 'javascript.enabled': javascript };
  if (userAgent) prefs['general.useragent.override'] = userAgent;
  const driver = await withTimeout(new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities({
    browserName: 'firefox',
    webSocketUrl: true,
    'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless'], prefs },
  }).disableEnvironmentOverrides().build(), 60_000, 'a Firefox session');
  // Firefox keeps windows at least 500 px wide: the phone's viewport through WebDriver BiDi.
  const context = await BrowsingContext(driver, { browsingContextId: await driver.getWindowHandle() });
  await context.setViewport(390, 844, 3);
  return driver;
}

async function webkitSession(port, { userAgent, javascript = true } = {}) {
  const args = ['--automation', `--enable-javascript=${javascript}`];
  if (userAgent) args.push(`--user-agent=${userAgent}`);
  const driver = await withTimeout(new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities({
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: MINIBROWSER, args },
  }).disableEnvironmentOverrides().build(), 60_000, 'a WebKitGTK session');
  await driver.manage().window().setRect({ width: 390, height: 844, x: 0, y: 0 });
  return driver;
}
