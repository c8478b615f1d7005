// A cheap phone on a bad network: what the member's pages weigh, a survey answered before the
// wasm arrives, and a tap on 签到 made before the page is ready that is kept and sent.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { answerAll, openSurveyLink, organiserScreen, signIn, todaysActivity } from './helpers';
import { kb, pageWeight, precacheBytes } from '../weight';

/** The budget of a phone page's first load: HTML, CSS, JS and wasm as served (issue 12). */
const BUDGET = 250_000;

test('the member\'s pages weigh at most 250 KB on the wire; the organiser\'s arrive apart', async ({ browser, baseURL }) => {
  const { context: organiser, link } = await openSurveyLink(browser);
  const rows: [string, string, Awaited<ReturnType<typeof pageWeight>>][] = [];
  const measure = async (label: string, path: string, user?: [string, RegExp]) => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    if (user) await signIn(await context.newPage(), user[0], user[1]);
    rows.push([label, path, await pageWeight(context, path)]);
    await context.close();
  };
  await measure('sign-in (登录)', '/login');
  await measure('member: check-in (我的活动)', '/me', ['m2-06', /\/me$/]);
  await measure('survey answer (open link)', new URL(link).pathname);
  await measure('organiser: branch (支部)', '/branch', ['sec2', /\/branch$/]);
  await measure('organiser: rating (评定)', '/rating', ['sec2', /\/branch$/]);
  const precache = await precacheBytes(baseURL!);
  await organiser.close();

  const kinds = ['html', 'css', 'js', 'wasm', 'other'];
  const table = [
    `| page | path | ${kinds.join(' | ')} | total |`,
    `|---|---|${kinds.map(() => '---:').join('|')}|---:|`,
    ...rows.map(([label, path, w]) =>
      `| ${label} | \`${path.replace(/[0-9a-z]{16,}/, '…')}\` | ${kinds.map((k) => kb(w.byKind[k] ?? 0)).join(' | ')} | **${kb(w.total)}** |`),
    '',
    `Service worker precache after the page is usable (every bundle, CSS, icons; brotli): ${kb(precache.total)}`,
    ...precache.files.map(([f, n]) => `- \`${f}\` ${kb(n)}`),
  ].join('\n');
  mkdirSync('../target/e2e', { recursive: true });
  writeFileSync('../target/e2e/page-weight.md', `${table}\n`);
  console.log(table);
  for (const [label, , w] of rows.slice(0, 3)) {
    expect(w.total, `${label}: ${JSON.stringify(w.files)}`).toBeLessThanOrEqual(BUDGET);
  }
  // Sign-in is a plain form: no wasm. Check-in and answering hydrate, each with its own small
  // bundle; the organiser's pages with the full one, which the phone pages never download.
  const wasmOf = (i: number) => rows[i][2].files.find(([f]) => f.endsWith('.wasm'))?.[0];
  expect(wasmOf(0)).toBeUndefined();
  expect(wasmOf(1)).toMatch(/xingqi-member\./);
  expect(wasmOf(2)).toMatch(/xingqi-answer\./);
  expect(wasmOf(3)).toMatch(/\/xingqi\.[^/]+\.wasm$/);
  // Static files go out brotli-compressed (the build wrote the .br copies the server sends).
  for (const [, , w] of rows.slice(1, 4)) {
    for (const [path, encoding] of Object.entries(w.encodings)) {
      if (/\.(wasm|js|css)$/.test(path)) expect(encoding, path).toBe('br');
    }
  }
});

/** Holds every wasm request until `release()`: the page as it is before its code arrives. */
async function holdWasm(page: Page) {
  let release!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  await page.route('**/*.wasm', async (route) => { await released; await route.continue(); });
  return release;
}

/** 2G as WebPageTest defines it — 250 kbit/s down, 50 up, 300 ms round trip — through
 *  Chromium's network emulation (the DevTools protocol). */
async function slow2g(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 300, downloadThroughput: 250_000 / 8, uploadThroughput: 50_000 / 8,
  });
}

test('on 2G a survey is answered before the wasm arrives (the plain form)', async ({ browser }) => {
  const { context: organiser, link } = await openSurveyLink(browser);
  const phone = await browser.newContext({ serviceWorkers: 'block' });
  const form = await phone.newPage();
  await slow2g(form);
  const release = await holdWasm(form);
  await form.goto(link, { waitUntil: 'commit' });
  await form.getByRole('radio', { name: '家长' }).check();
  await answerAll(form);
  await form.getByRole('button', { name: '提交' }).click();
  await expect(form.getByText('您的答卷已收到。')).toBeVisible({ timeout: 60_000 });
  release();
  await phone.close();
  await organiser.close();
});

test('a tap on 签到 before the page is ready is kept and sent once it is', async ({ browser }) => {
  const member = await browser.newContext({ serviceWorkers: 'block' });
  const page = await member.newPage();
  await signIn(page, 'm2-05', /\/me$/);
  const { topic } = await todaysActivity(page);
  const organiser = await organiserScreen(browser, 'sec2', topic);
  const code = await organiser.readCode();

  // A fresh load whose wasm is held back: the page says what it is doing, and the tap is kept.
  const release = await holdWasm(page);
  await page.goto('/me', { waitUntil: 'commit' });
  await expect(page.getByTestId('preparing')).toBeVisible();
  const { card } = await todaysActivity(page);
  await card.getByLabel('签到码').fill(code);
  await card.getByRole('button', { name: '签到' }).click();
  await expect(card.getByText('已记下，页面准备好后自动签到')).toBeVisible();
  expect(page.url()).toMatch(/\/me$/);

  // The code arrives: the kept tap becomes a check-in, sent and acknowledged.
  release();
  await expect(card.getByText('已同步')).toBeVisible();
  await expect(page.getByTestId('preparing')).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem('xingqi-early-taps'))).toBeNull();

  // The server has it: a fresh load shows it as recorded.
  await page.reload();
  await expect((await todaysActivity(page)).card.getByText('已同步')).toBeVisible();
  await member.close();
  await organiser.context.close();
});

/** WeChat's in-app browser on Android, as its user agent reads. */
const WECHAT_ANDROID = 'Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

test('scanned with WeChat\'s own scanner: its browser signs in and checks in, nothing lost', async ({ browser }) => {
  // The member's usual browser knows the activity; WeChat's browser has its own cookies and
  // storage, as a fresh context.
  const usual = await browser.newContext();
  const own = await usual.newPage();
  await signIn(own, 'm2-07', /\/me$/);
  const { topic } = await todaysActivity(own);
  await usual.close();
  const organiser = await organiserScreen(browser, 'sec2', topic);
  const url = await organiser.readUrl();

  const wechat = await browser.newContext({ userAgent: WECHAT_ANDROID });
  const page = await wechat.newPage();
  await page.goto(url);
  // Not signed in there: to sign-in, then back to the scanned check-in.
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('用户名').fill('m2-07');
  await page.getByLabel('密码').fill('xingqi2026');
  await page.getByRole('button', { name: '登录' }).click();
  const scanned = page.getByRole('region', { name: '扫码签到' });
  await expect(scanned).toBeVisible();
  await scanned.getByRole('button', { name: '签到' }).click();
  await expect(page.getByText('已扫码签到')).toBeVisible();
  const card = page.getByRole('region', { name: '今天' }).getByRole('article').filter({ hasText: topic });
  await expect(card.getByText('已同步')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('region', { name: '今天' }).getByRole('article').filter({ hasText: topic }).getByText('已同步')).toBeVisible();
  await wechat.close();
  await organiser.context.close();
});
