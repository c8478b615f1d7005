// The phone's own store, upgraded: a phone whose IndexedDB was made by an earlier version of
// the app (with records still waiting in it) opens the current one; the store is upgraded in
// place and nothing queued is lost — the waiting check-in is sent and acknowledged.
//
// Versions (app/src/outbox/idb.rs, `VERSIONS`): 1 — `outbox` and `sent`, entries without
// member, kind or number; 2 — adds `meta` (the device) and `activities` (pulled data). Version
// 0, a phone that never opened xingqi, is every other journey's start.
import { test, expect, type Page } from '@playwright/test';
import { organiserScreen, signedInName, signIn, todaysActivity } from './helpers';

/** Replaces the phone's store with a version-1 database holding `entries` (the same records,
 *  shaped as version 1 kept them). */
async function writeVersion1(page: Page, entries: unknown[]) {
  await page.evaluate(async (entries) => {
    const gone = indexedDB.deleteDatabase('xingqi');
    await new Promise((resolve, reject) => { gone.onsuccess = resolve; gone.onerror = reject; gone.onblocked = resolve; });
    localStorage.removeItem('xingqi.device');
    const open = indexedDB.open('xingqi', 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('outbox', { keyPath: 'id' });
      open.result.createObjectStore('sent', { keyPath: 'id' });
    };
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      open.onsuccess = () => resolve(open.result); open.onerror = () => reject(open.error);
    });
    const tx = db.transaction('outbox', 'readwrite');
    for (const e of entries) tx.objectStore('outbox').put(e);
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
    db.close();
  }, entries);
}

/** The entries waiting in the phone's outbox, as stored. */
const waiting = (page: Page) => page.evaluate(async () => {
  const open = indexedDB.open('xingqi');
  const db: IDBDatabase = await new Promise((resolve) => { open.onsuccess = () => resolve(open.result); });
  const all = db.transaction('outbox').objectStore('outbox').getAll();
  const rows = await new Promise<any[]>((resolve) => { all.onsuccess = () => resolve(all.result); });
  const version = db.version;
  db.close();
  return { version, rows };
});

test('a store of version 1 with a check-in waiting is upgraded, and the check-in is sent', async ({ browser }) => {
  const member = await browser.newContext();
  const page = await member.newPage();
  await signIn(page, 'm4-06', /\/me$/);
  await expect(page.getByText('本页已可离线打开')).toBeVisible();
  const name = (await signedInName(page).textContent())!.trim();
  const { card, topic } = await todaysActivity(page);
  const organiser = await organiserScreen(browser, 'sec4', topic);
  const code = await organiser.readCode();

  // A check-in made offline: the record exactly as the phone pushes it.
  await member.setOffline(true);
  await card.getByLabel('签到码').fill(code);
  await card.getByRole('button', { name: '签到' }).click();
  await expect(card.getByText('待同步')).toBeVisible();
  const now = await waiting(page);
  expect(now.version).toBe(2);
  expect(now.rows).toHaveLength(1);
  const { id, record, activity_id, label, created_at } = now.rows[0];

  // The same record in a version-1 store: no member, kind or number on the entry, no device.
  // Written from a page of the same origin without the app (which would hold the store open).
  await member.setOffline(false);
  await page.goto('/healthz');
  await writeVersion1(page, [{ id, record, activity_id, label, created_at, rejected: null }]);
  expect((await waiting(page)).version).toBe(1);

  // The current app opens it (offline, from the service worker): upgraded in place, the
  // record still waiting; then sent.
  await member.setOffline(true);
  await page.goto('/me');
  const reloaded = page.getByRole('region', { name: '今天' }).getByRole('article').filter({ hasText: topic });
  await expect(reloaded.getByText('待同步')).toBeVisible();
  const upgraded = await waiting(page);
  expect(upgraded.version).toBe(2);
  expect(upgraded.rows.map((r) => r.id)).toEqual([id]);
  await member.setOffline(false);
  await expect(reloaded.getByText('已同步')).toBeVisible({ timeout: 30_000 });
  expect((await waiting(page)).rows).toHaveLength(0);

  // The server holds it: the secretary's record lists the member as present.
  await organiser.page.reload();
  await organiser.page.getByRole('link', { name: '‹ 返回活动记录' }).click();
  await expect(organiser.page.getByRole('row', { name: new RegExp(`^${name} `) })).toContainText('输入签到码');
  await member.close();
  await organiser.context.close();
});
