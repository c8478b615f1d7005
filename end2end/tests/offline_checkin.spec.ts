// The walking skeleton's journey: a member checks in with no network, the check-in survives a
// reload, reaches the server when the network is back, and shows in the secretary's figure.
import { test, expect } from '@playwright/test';
import { signIn } from './helpers';

test('a check-in made offline reaches the secretary\'s participation figure', async ({ browser }) => {
  const member = await browser.newContext();
  const page = await member.newPage();

  // Unauthenticated: the member page sends to sign-in and back.
  await page.goto('/me');
  await expect(page).toHaveURL(/\/login\?next=\/me/);
  await signIn(page, 'm1-01', /\/me$/);
  const memberName = (await page.locator('.who-name').textContent())!.trim();

  // The service worker has kept the page; only then can it open offline.
  await expect(page.getByText('本页已可离线打开')).toBeVisible();
  const today = page.getByRole('region', { name: '今天' });
  const card = today.getByRole('article').first();
  const topic = (await card.getByRole('heading').textContent())!.trim();

  await member.setOffline(true);
  await card.getByRole('button', { name: '签到' }).click();
  await expect(card.getByText('待同步')).toBeVisible();

  // Reload with no network: the page comes from the cache, the record from IndexedDB.
  await page.reload();
  await expect(page.getByText('当前没有网络')).toBeVisible();
  const reloaded = page.getByRole('region', { name: '今天' }).getByRole('article').filter({ hasText: topic });
  await expect(reloaded.getByText('待同步')).toBeVisible();
  await expect(page.getByText('1 条记录待同步')).toBeVisible();

  // Back online: pushed, acknowledged after commit, shown as synced.
  await member.setOffline(false);
  await expect(reloaded.getByText('已同步')).toBeVisible();
  await expect(page.getByText('条记录待同步')).toHaveCount(0);

  // The secretary of the branch finds it in the figure.
  const secretary = await browser.newContext();
  const sec = await secretary.newPage();
  await signIn(sec, 'sec1', /\/branch$/);
  await expect(sec.getByRole('heading', { level: 1, name: '第一党支部' })).toBeVisible();
  const row = sec.getByRole('article').filter({ has: sec.getByRole('heading', { name: topic }) });
  await expect(row.getByText('实到 1')).toBeVisible();
  await row.getByText('出席名单').click();
  await expect(row.getByText(memberName)).toBeVisible();
  await expect(sec.getByText('请假不算出席').first()).toBeVisible();

  await member.close();
  await secretary.close();
});

test('sign-in says plainly when the password is wrong', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('用户名').fill('m1-01');
  await page.getByLabel('密码').fill('wrong-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toHaveText(/用户名或密码不正确/);
});

test.describe('with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });

  test('the branch figures are server-rendered and readable', async ({ page }) => {
    await signIn(page, 'sec2', /\/branch$/);
    await expect(page.getByRole('heading', { level: 1, name: '第二党支部' })).toBeVisible();
    await expect(page.getByTestId('year-rate')).toHaveText(/^\d+\.\d%$/);
    await expect(page.getByText(/达到 ≥90% 的要求|未达到 ≥90% 的要求/).first()).toBeVisible();
  });
});

test('a record the server refuses stays on the phone with its reason', async ({ page }) => {
  await signIn(page, 'm3-01', /\/me$/);
  await expect(page.getByRole('button', { name: '签到' }).first()).toBeEnabled();
  // Put a record in the outbox as an older or tampered build might have: it speaks for
  // another member, so the server must refuse it — and the phone must keep it.
  await page.evaluate(async () => {
    const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    const v7 = () => {
      const ms = Date.now().toString(16).padStart(12, '0');
      const r = hex(crypto.getRandomValues(new Uint8Array(10)));
      const variant = ((parseInt(r[3], 16) & 0x3) | 0x8).toString(16);
      return `${ms.slice(0, 8)}-${ms.slice(8)}-7${r.slice(0, 3)}-${variant}${r.slice(4, 7)}-${r.slice(7, 19)}`;
    };
    const id = v7();
    const record = { id, kind: 'checkin', body: { activity_id: v7(), member_id: v7(), device_time: Date.now() } };
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('xingqi');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction('outbox', 'readwrite');
        tx.objectStore('outbox').add({
          id, record: JSON.stringify(record), activity_id: record.body.activity_id,
          label: '代他人签到', created_at: Date.now(),
        });
        tx.oncomplete = () => { open.result.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
    });
  });
  await page.reload();
  const refused = page.getByRole('region', { name: '未被接受的记录' });
  await expect(refused).toContainText('代他人签到');
  await expect(refused).toContainText('只能为自己签到');
  await page.reload();
  await expect(page.getByRole('region', { name: '未被接受的记录' })).toContainText('只能为自己签到');
  await expect(page.getByText('条记录待同步')).toHaveCount(0);
});
