// Offline saves, measured in Chromium (issue 12): the time from pressing 签到 to the record
// being durable in IndexedDB (the app marks `xingqi:durable` once the transaction has
// committed), and the time a thousand queued records take to be sent and acknowledged once the
// network is back. Figures are printed and written to target/e2e/offline-bench.json; they are
// measurements, not assertions (BENCHMARKS.md keeps the latest).
import { test, expect, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { memberPage, organiserScreen, todaysActivity } from '../tests/helpers';

const SAVES = Number(process.env.XINGQI_BENCH_SAVES ?? 40);
const QUEUED = Number(process.env.XINGQI_BENCH_QUEUED ?? 1000);

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

// The phone's store, read and written beside the app (the page's CSP allows no `eval`, so
// each step is its own function; Playwright runs them outside the CSP).
const readOutbox = (page: Page) => page.evaluate(async () => {
  const open = indexedDB.open('xingqi');
  const db: IDBDatabase = await new Promise((ok, no) => { open.onsuccess = () => ok(open.result); open.onerror = () => no(open.error); });
  try {
    const r = db.transaction('outbox').objectStore('outbox').getAll();
    return await new Promise<any[]>((ok) => { r.onsuccess = () => ok(r.result); });
  } finally { db.close(); }
});

const clearOutbox = (page: Page) => page.evaluate(async () => {
  const open = indexedDB.open('xingqi');
  const db: IDBDatabase = await new Promise((ok, no) => { open.onsuccess = () => ok(open.result); open.onerror = () => no(open.error); });
  try {
    const tx = db.transaction('outbox', 'readwrite');
    tx.objectStore('outbox').clear();
    await new Promise((ok) => { tx.oncomplete = ok; });
  } finally { db.close(); }
});

const queue = (page: Page, n: number, template: any) => page.evaluate(async ({ n, template }) => {
  const open = indexedDB.open('xingqi');
  const db: IDBDatabase = await new Promise((ok, no) => { open.onsuccess = () => ok(open.result); open.onerror = () => no(open.error); });
  try {
    const meta = db.transaction('meta').objectStore('meta').get('device');
    const device: any = await new Promise((ok) => { meta.onsuccess = () => ok(meta.result); });
    const tx = db.transaction(['outbox', 'meta'], 'readwrite');
    const hex = (v: number, w: number) => v.toString(16).padStart(w, '0');
    for (let i = 0; i < n; i++) {
      const ms = Date.now();
      const rnd = crypto.getRandomValues(new Uint8Array(10));
      const r = [...rnd].map((b) => hex(b, 2)).join('');
      const id = hex(ms, 12).replace(/(.{8})(.{4})/, '$1-$2') + '-7' + r.slice(0, 3) + '-' + (8 | (rnd[2] & 3)).toString(16) + r.slice(5, 8) + '-' + r.slice(8, 20);
      const seq = device.next_seq++;
      const record = JSON.parse(template.record);
      record.id = id; record.seq = seq;
      tx.objectStore('outbox').put({ ...template, id, seq, record: JSON.stringify(record), created_at: ms });
    }
    tx.objectStore('meta').put(device);
    await new Promise((ok) => { tx.oncomplete = ok; });
    return n;
  } finally { db.close(); }
}, { n, template });

test('offline saves and the sync of a thousand queued records', async ({ browser }) => {
  const { context, page } = await memberPage(browser, 'm1-09');
  const { topic } = await todaysActivity(page);
  const organiser = await organiserScreen(browser, 'sec1', topic);
  const code = await organiser.readCode();
  await organiser.context.close();
  await context.setOffline(true);

  // 1. Pressing 签到 → durable, SAVES times; each saved record is taken out again so the next
  //    page (reloaded from the service worker) offers 签到 anew.
  await page.addInitScript(() => {
    document.addEventListener('submit', () => { (window as any).__pressed = performance.now(); }, true);
  });
  const saves: number[] = [];
  let template: any = null;
  for (let i = 0; i < SAVES; i++) {
    await page.goto('/me');
    const card = page.getByRole('region', { name: '今天' }).getByRole('article').filter({ hasText: topic });
    await expect(page.getByTestId('preparing')).toHaveCount(0);
    await card.getByLabel('签到码').fill(code);
    await card.getByRole('button', { name: '签到' }).click();
    await expect(card.getByText('待同步')).toBeVisible();
    const ms = await page.evaluate(() => {
      const mark = performance.getEntriesByName('xingqi:durable').at(-1);
      return mark ? mark.startTime - (window as any).__pressed : NaN;
    });
    saves.push(ms);
    template = (await readOutbox(page))[0];
    await clearOutbox(page);
  }

  // 2. A thousand records queued (the same check-in, each its own id and number), then the
  //    network back: the time until none waits.
  const ids = await queue(page, QUEUED, template);
  await page.goto('/me');
  await expect(page.getByText(`${ids} 条记录待同步`)).toBeVisible();
  const started = Date.now();
  await context.setOffline(false);
  await expect(page.getByText('条记录待同步')).toHaveCount(0, { timeout: 120_000 });
  const syncMs = Date.now() - started;
  const left = await readOutbox(page);

  const figures = {
    saves: saves.length, save_median_ms: median(saves), save_p90_ms: pct(saves, 0.9), save_max_ms: Math.max(...saves),
    queued: QUEUED, sync_ms: syncMs, refused_after_sync: left.length,
  };
  console.log(JSON.stringify(figures, null, 2));
  writeFileSync('../target/e2e/offline-bench.json', `${JSON.stringify(figures, null, 2)}\n`);
  expect(saves.every((s) => Number.isFinite(s))).toBe(true);
  await context.close();
});
