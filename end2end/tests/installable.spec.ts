// The installable offline app: a manifest with icons, a service worker that precaches this
// build's hashed files under a versioned cache and removes older caches, and an organiser's
// code screen that keeps working once the network is gone.
import { test, expect, chromium, devices } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { args, executablePath } from '../launch';
import { organiserScreen, signIn, todaysActivity } from './helpers';

test('the app is installable and precaches this build under one versioned cache', async ({ baseURL, request }) => {
  // First, with service workers blocked, leave a cache behind as an older build would have.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'xingqi-profile-'));
  const launch = (serviceWorkers: 'allow' | 'block') => chromium.launchPersistentContext(profile, {
    ...devices['Pixel 7'], baseURL, executablePath, args, serviceWorkers,
  });
  let browser = await launch('block');
  let page = browser.pages()[0] ?? await browser.newPage();
  await page.goto('/login');
  await page.evaluate(async () => { await (await caches.open('xingqi-old-build')).put('/stale', new Response('old')); });
  await browser.close();
  // Then this build's worker installs, precaches, and clears the old cache away.
  browser = await launch('allow');
  page = browser.pages()[0] ?? await browser.newPage();
  await page.goto('/login');
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated');
  await expect.poll(() => page.evaluate(async () => (await caches.keys()).join(','))).toMatch(/^xingqi-[^,]+$/);
  const keys = await page.evaluate(() => caches.keys());
  expect(keys).not.toContain('xingqi-old-build');

  // Every bundle is precached (the sign-in page itself loads none); what a page loads is among
  // them: hashed names, long-lived.
  const cached = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname), keys[0]);
  const wasms = cached.filter((p) => p.endsWith('.wasm'));
  expect(wasms).toHaveLength(3);
  for (const w of wasms) expect(w).toMatch(/^\/pkg\/xingqi(-member|-answer)?\.[\w-]+\.wasm$/);
  expect(cached).toEqual(expect.arrayContaining(['/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png']));
  expect(await page.content()).not.toContain('.wasm');
  await page.goto('/survey');
  const html = await page.content();
  const wasm = wasms.find((w) => html.includes(w))!;
  expect(wasm).toMatch(/^\/pkg\/xingqi-answer\./);
  const js = cached.find((p) => p.endsWith('.js') && html.includes(p))!;
  expect(js).toMatch(/^\/pkg\/xingqi-answer\.[\w-]+\.js$/);
  const file = await request.get(wasm);
  expect(file.headers()['cache-control']).toBe('public, max-age=31536000, immutable');

  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await request.get(manifestHref!)).json();
  expect(manifest).toMatchObject({ short_name: '星旗', start_url: '/me', display: 'standalone' });
  for (const icon of manifest.icons) {
    expect((await request.get(icon.src)).status()).toBe(200);
  }
  const worker = await request.get('/sw.js');
  expect(worker.headers()['cache-control']).toBe('no-cache');
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
});

test('the organiser\'s code keeps changing with the network gone', async ({ browser }) => {
  // Find today's activity of 第三党支部 as its member sees it, then open its screen.
  const context = await browser.newContext();
  const member = await context.newPage();
  await signIn(member, 'm3-02', /\/me$/);
  const { topic } = await todaysActivity(member);
  await context.close();

  const organiser = await organiserScreen(browser, 'sec3', topic);
  await organiser.page.clock.install();
  const before = await organiser.readCode();
  await organiser.context.setOffline(true);
  // Thirty seconds later, offline: a new code, still this activity's.
  await organiser.page.clock.fastForward(31_000);
  await expect.poll(organiser.readCode).not.toBe(before);
  await expect(organiser.page.getByRole('img', { name: '签到二维码' })).toHaveAttribute('data-url', /\/me\?checkin=.+&p=\d+\.\d{6}$/);
  await organiser.context.close();
});
