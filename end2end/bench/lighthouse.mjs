// Lighthouse (npm `lighthouse`, Debian's Chromium) on the phone pages — sign-in, the member's
// 我的活动, a survey's answer page — with its mobile defaults: a phone's screen, simulated slow
// 4G and a 4× slower CPU. Prints each page's performance, accessibility and best-practices
// scores (a benchmark: noise is reported, not failed on). Run by scripts/lighthouse.sh.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { openSurvey, PASSWORD } from '../engines/journeys.mjs';

const lighthouse = process.argv[2];
const port = 3147;
const base = `http://127.0.0.1:${port}`;
const db = '../target/e2e/lighthouse.db';
mkdirSync('../target/e2e', { recursive: true });
for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
const server = spawn(process.env.XINGQI_BINARY ?? '../target/release/xingqi', ['--demo'], {
  env: { ...process.env, DATABASE_URL: `sqlite://${db}`, XINGQI_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: '../target/site', LEPTOS_OUTPUT_NAME: 'xingqi', LEPTOS_ENV: 'PROD',
    LEPTOS_HASH_FILES: 'true', RUST_LOG: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
server.on('exit', (code) => { if (code) { console.error(`the server stopped (${code})`); process.exit(1); } });
try {
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  const link = await openSurvey(base, 'sec2');
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST', redirect: 'manual', headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'm2-08', password: PASSWORD }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  mkdirSync('../target/e2e/lighthouse', { recursive: true });
  const pages = [['sign-in', `${base}/login`, null], ['member: 我的活动', `${base}/me`, cookie], ['survey answer', link, null]];
  console.log('| page | performance | accessibility | best practices | FCP | LCP | TBT |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [label, url, auth] of pages) {
    const out = `../target/e2e/lighthouse/${label.replace(/[^a-z]+/gi, '-')}.json`;
    const args = [url, '--quiet', '--output=json', `--output-path=${out}`,
      '--only-categories=performance,accessibility,best-practices',
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking'];
    if (auth) args.push(`--extra-headers=${JSON.stringify({ Cookie: auth })}`);
    execFileSync(lighthouse, args, { stdio: 'inherit', env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' } });
    const r = JSON.parse(readFileSync(out, 'utf8'));
    const score = (c) => Math.round(r.categories[c].score * 100);
    const ms = (a) => `${(r.audits[a].numericValue / 1000).toFixed(1)} s`;
    console.log(`| ${label} | ${score('performance')} | ${score('accessibility')} | ${score('best-practices')} | ${ms('first-contentful-paint')} | ${ms('largest-contentful-paint')} | ${Math.round(r.audits['total-blocking-time'].numericValue)} ms |`);
  }
} finally {
  server.kill('SIGTERM');
}
