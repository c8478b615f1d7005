// The core journeys in Firefox ESR and WebKitGTK over WebDriver (Chromium runs them under
// Playwright): starts xingqi on a fresh SQLite file with the demo school, a stoppable proxy in
// front of it (the browsers' "network"), each engine's driver, and runs the journeys one
// session at a time. Exits non-zero if any journey fails, saying which and why.
//
//   node engines/run.mjs [firefox] [webkit]      (from end2end/; XINGQI_BINARY names the server)
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { stoppableProxy } from './proxy.mjs';
import { engine, withTimeout, WECHAT_IPHONE } from './browsers.mjs';
import { answerSurvey, checkInOffline, openSurvey } from './journeys.mjs';

const engines = process.argv.slice(2).length ? process.argv.slice(2) : ['firefox', 'webkit'];
const APP_PORT = Number(process.env.XINGQI_ENGINES_PORT ?? 3127);
const PROXY_PORT = APP_PORT + 1;
const base = `http://127.0.0.1:${PROXY_PORT}`;
const binary = process.env.XINGQI_BINARY ?? '../target/release/xingqi';
const db = '../target/e2e/engines.db';

mkdirSync('../target/e2e', { recursive: true });
for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
let serverLog = '';
const server = spawn(binary, ['--demo'], {
  env: {
    ...process.env, DATABASE_URL: `sqlite://${db}`, XINGQI_ADDR: `127.0.0.1:${APP_PORT}`,
    LEPTOS_SITE_ROOT: '../target/site', LEPTOS_OUTPUT_NAME: 'xingqi', LEPTOS_ENV: 'PROD',
    LEPTOS_HASH_FILES: 'true', RUST_LOG: 'warn', XINGQI_RATE_LIMITS: 'x20',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout.on('data', (d) => { serverLog += d; });
server.stderr.on('data', (d) => { serverLog += d; });
const proxy = stoppableProxy(PROXY_PORT, APP_PORT);

async function until(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if ((await fetch(url)).ok) return; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`xingqi did not start:\n${serverLog}`);
}

// Each engine its own branch, so their check-ins never meet; a retry takes the next member.
const people = {
  firefox: [{ member: 'm3-04', secretary: 'sec3' }, { member: 'm3-05', secretary: 'sec3' }],
  webkit: [{ member: 'm4-04', secretary: 'sec4' }, { member: 'm4-05', secretary: 'sec4' }],
};
// A journey takes 2–15 s; one that has not finished in this time hangs (a browser or driver that
// stopped answering), and would otherwise hold the test command until CI's own limit.
const JOURNEY_LIMIT_MS = Number(process.env.XINGQI_JOURNEY_LIMIT_MS ?? 120_000);
const failures = [];
const results = [];

/** Runs one journey in `current.engine`; a journey that hangs or fails gets the engine killed
 *  and restarted and one more try (with the next member), said loudly; failing twice fails the
 *  run. The retry of a *failure* works around WebKitGTK on the machines of stop 26: after other
 *  heavy steps its offline check-in page sometimes never finished reading its outbox, or its
 *  driver died (ECONNREFUSED) — a bug to find (issue 13's notes), not an accepted behaviour. */
async function journey(current, title, body) {
  const engineName = current.engine.name;
  const started = Date.now();
  let retried = '';
  for (let attempt = 0; ; attempt += 1) {
    try {
      const note = await withTimeout(body(attempt), JOURNEY_LIMIT_MS, `${engineName}: ${title}`);
      results.push(`  ✓ ${engineName}: ${title}${note ? ` (${note})` : ''}${retried} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (e) {
      const hung = String(e?.message ?? e).includes('no answer in');
      const what = hung ? `hung for ${JOURNEY_LIMIT_MS / 1000} s` : `FAILED (${String(e?.message ?? e).split('\n')[0]})`;
      console.warn(`  ! ${engineName}: “${title}” ${what}; killing ${engineName} and its driver`);
      // What the driver and the browser it started wrote, kept and shown: the clue to why.
      const log = current.engine.log();
      const kept = `../target/e2e/engines-${engineName}-driver-${current.port}.log`;
      try { writeFileSync(kept, log); } catch { /* the report goes on without it */ }
      console.warn(`  ! ${engineName}'s driver and browser wrote (last lines; all of it in ${kept}):`);
      for (const line of log.trim().split('\n').slice(-20)) console.warn(`  !   ${line}`);
      current.engine.kill();
      await proxy.start().catch(() => {});
      current.engine = await engine(engineName, (current.port += 10));
      if (attempt === 0) {
        console.warn(`  !!!!! ${engineName}: RETRYING “${title}” once in a fresh browser`);
        retried = hung ? ' [passed on its retry after a hang]' : ' [!!!!! passed on its retry after a FAILURE]';
        continue;
      }
      failures.push(`${engineName}: ${title}`);
      results.push(`  ✗ ${engineName}: ${title}${retried ? ' [failed again on its retry]' : ''}\n      ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n      ')}`);
    }
    break;
  }
  console.log(results.at(-1));
}

/** Runs `body` in a fresh browser of engine `e`; on failure keeps a screenshot and the page's
 *  text in target/e2e/ beside the report. */
async function inSession(e, options, label, body) {
  const driver = await e.session(options);
  try {
    return await body(driver);
  } catch (error) {
    const file = `../target/e2e/engines-${e.name}-${label}`;
    try {
      writeFileSync(`${file}.png`, Buffer.from(await driver.takeScreenshot(), 'base64'));
      const text = await driver.executeScript('return location.href + "\\n" + document.body.innerText');
      writeFileSync(`${file}.txt`, String(text));
    } catch { /* the browser is gone: the error says enough */ }
    throw error;
  } finally {
    await proxy.start().catch(() => {});
    await withTimeout(driver.quit(), 20_000, `closing ${e.name}`).catch((quit) => console.warn(`  ! ${quit.message}`));
  }
}

// However the browsers behave, the whole run ends: every journey's limit, twice, and setting up.
const RUN_LIMIT_MS = 3 * engines.length * 2 * JOURNEY_LIMIT_MS + 120_000;
setTimeout(() => {
  console.error(`\nthe engines' journeys did not end in ${RUN_LIMIT_MS / 1000} s: stopping them (failed)`);
  server.kill('SIGKILL');
  process.exit(1);
}, RUN_LIMIT_MS).unref();

let code = 0;
try {
  await until(`http://127.0.0.1:${APP_PORT}/healthz`, 60_000);
  await proxy.start();
  const link = await openSurvey(base, 'sec1');
  for (const [index, name] of engines.entries()) {
    // Each engine's drivers on ports of their own: 4454, then 4464… after a restart.
    const current = { port: 4454 + 1000 * index };
    current.engine = await engine(name, current.port);
    try {
      // A phone that opened the QR code in WeChat (its user agent on an iPhone): sign in,
      // the organiser's screen, check in offline, reload, back online.
      await journey(current, 'sign in; organiser\'s code screen; check in offline, reload, online → 已同步', (attempt) =>
        inSession(current.engine, { userAgent: WECHAT_IPHONE }, 'checkin', async (driver) => {
          const { ready } = await checkInOffline(driver, base, proxy, people[name][attempt]);
          return ready ? 'offline page ready' : 'no service worker here: said so, checked in online';
        }));
      for (const javascript of [true, false]) {
        await journey(current, `survey answered from the open link, JavaScript ${javascript ? 'on' : 'off'}`, () =>
          inSession(current.engine, { javascript }, `survey-js-${javascript ? 'on' : 'off'}`, (driver) => answerSurvey(driver, link)));
      }
    } finally {
      current.engine.stop();
    }
  }
} catch (e) {
  failures.push(`setting up: ${e.message}`);
  console.error(e);
} finally {
  await proxy.stop();
  server.kill('SIGTERM');
}
writeFileSync('../target/e2e/engines.txt', `${results.join('\n')}\n`);
if (failures.length) {
  console.error(`\n${failures.length} journey(s) failed:\n  ${failures.join('\n  ')}`);
  code = 1;
} else {
  console.log(`\nall ${results.length} journeys passed in ${engines.join(', ')}`);
}
process.exit(code);
