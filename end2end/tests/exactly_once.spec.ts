// Exactly once through a browser restart and a lost acknowledgement: a member checks in
// offline, the browser is closed and started again on the same profile (still offline), then
// back online the server commits the push but its answer never arrives — and the retry is
// answered `duplicate`: one check-in, the same record, stored once.
import { test, expect, chromium, devices } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { args, executablePath } from '../launch';
import { organiserScreen, signedInName, signIn, todaysThemeDay } from './helpers';

const PUSH = '**/api/v1/sync/push';

test('offline check-in survives a browser restart and a lost acknowledgement, stored once', async ({ browser, baseURL }) => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'xingqi-profile-'));
  const launch = () => chromium.launchPersistentContext(profile, {
    ...devices['Pixel 7'], baseURL, executablePath, args, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });

  let phone = await launch();
  let page = phone.pages()[0] ?? await phone.newPage();
  await signIn(page, 'm4-02', /\/me$/);
  await expect(page.getByText('本页已可离线打开')).toBeVisible();
  const card = () => todaysThemeDay(page);
  const topic = (await card().getByRole('heading').textContent())!.trim();
  const organiser = await organiserScreen(browser, 'sec4', topic);

  await phone.setOffline(true);
  await card().getByLabel('签到码').fill(await organiser.readCode());
  await card().getByRole('button', { name: '签到' }).click();
  await expect(card().getByText('待同步')).toBeVisible();

  // The browser is closed and started again, with no network.
  await phone.close();
  phone = await launch();
  await phone.setOffline(true);
  page = phone.pages()[0] ?? await phone.newPage();
  await page.goto('/me');
  await expect(page.getByText('当前没有网络')).toBeVisible();
  await expect(card().getByText('待同步')).toBeVisible();

  // Back online, but the answer to the first push is lost after the server has committed it;
  // later pushes go through and are watched.
  const pushes: { ids: string[]; results?: { id: string; status: string }[] }[] = [];
  await phone.route(PUSH, async (route) => {
    const ids = JSON.parse(route.request().postData()!).records.map((r: { id: string }) => r.id);
    const response = await route.fetch();
    if (pushes.length === 0) {
      pushes.push({ ids });
      await route.abort('connectionreset');
    } else {
      pushes.push({ ids, results: (await response.json()).results });
      await route.fulfill({ response });
    }
  });
  await phone.setOffline(false);
  await expect.poll(() => pushes.length).toBeGreaterThan(0);
  // The retry (with backoff) carries the same record and is answered as a duplicate.
  await expect(card().getByText('已同步')).toBeVisible();
  expect(pushes.length).toBeGreaterThanOrEqual(2);
  const [lost, retry] = pushes;
  expect(lost.ids.length).toBe(1);
  expect(retry.ids).toEqual(lost.ids);
  expect(retry.results).toEqual([{ id: lost.ids[0], status: 'duplicate' }]);

  // The secretary's record counts the member once.
  const name = (await signedInName(page).textContent())!.trim();
  const sec = organiser.page;
  await sec.getByRole('link', { name: '‹ 返回活动记录' }).click();
  await expect(sec.getByRole('row', { name: new RegExp(`^${name} `) })).toContainText('实到');
  await expect(sec.getByRole('cell', { name: new RegExp(`^1 人：${name}$`) })).toBeVisible();

  await phone.close();
  await organiser.context.close();
  fs.rmSync(profile, { recursive: true, force: true });
});
