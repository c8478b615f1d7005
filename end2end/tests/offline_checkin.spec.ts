// Check-in with proof of presence, with no network: the code typed or the QR scanned is kept on
// the phone, survives a reload, reaches the server when the network is back, and shows in the
// secretary's figure.
import { test, expect } from '@playwright/test';
import { memberPage, organiserScreen, signedInName, signIn, todaysActivity, todaysThemeDay } from './helpers';

test('a code typed offline reaches the secretary\'s participation figure', async ({ browser }) => {
  // Unauthenticated: the member page sends to sign-in and back.
  const anon = await browser.newPage();
  await anon.goto('/me');
  await expect(anon).toHaveURL(/\/login\?next=%2Fme|\/login\?next=\/me/);
  await anon.close();

  const { context: member, page } = await memberPage(browser, 'm1-01');
  const memberName = (await signedInName(page).textContent())!.trim();
  const { card, topic } = await todaysActivity(page);
  const organiser = await organiserScreen(browser, 'sec1', topic);
  const code = await organiser.readCode();

  await member.setOffline(true);
  await card.getByLabel('签到码').fill(code);
  await card.getByRole('button', { name: '签到' }).click();
  await expect(card.getByText('待同步')).toBeVisible();

  // Reload with no network: the page comes from the cache, the record from IndexedDB.
  await page.reload();
  await expect(page.getByText('当前没有网络')).toBeVisible();
  const reloaded = page.getByRole('region', { name: '今天' }).getByRole('article').filter({ hasText: topic });
  await expect(reloaded.getByText('待同步')).toBeVisible();
  await expect(page.getByText('1 条记录待同步')).toBeVisible();

  // Signing out now asks first: the record is still only on this phone. Cancelled, nothing
  // changes.
  let asked = '';
  page.once('dialog', (dialog) => { asked = dialog.message(); void dialog.dismiss(); });
  await page.getByRole('button', { name: '退出' }).click();
  expect(asked).toContain('还有 1 条记录没有提交到服务器');
  await expect(signedInName(page)).toBeVisible();
  await expect(reloaded.getByText('待同步')).toBeVisible();

  // Back online: pushed, acknowledged after commit, shown as synced.
  await member.setOffline(false);
  await expect(reloaded.getByText('已同步')).toBeVisible();
  await expect(page.getByText('条记录待同步')).toHaveCount(0);

  // The secretary finds it in the figure and on the record, marked as typed.
  const sec = organiser.page;
  await sec.goto('/branch');
  const row = sec.getByRole('article').filter({ has: sec.getByRole('heading', { name: topic }) });
  await expect(row.getByText('实到 1')).toBeVisible();
  await row.getByText('出席名单').click();
  await expect(row.getByText(memberName)).toBeVisible();
  await expect(sec.getByRole('region', { name: '全年党员参与率' }).getByText('请假不算出席')).toBeVisible();
  await row.getByRole('link', { name: topic }).click();
  await expect(sec.getByRole('row', { name: new RegExp(`^${memberName} `) })).toContainText('输入签到码');

  await member.close();
  await organiser.context.close();
});

test('a QR code scanned offline opens the cached page and checks in', async ({ browser }) => {
  const { context: member, page } = await memberPage(browser, 'm2-01');
  const { topic } = await todaysActivity(page);
  const organiser = await organiserScreen(browser, 'sec2', topic);
  const url = await organiser.readUrl();
  expect(url).toContain('/me?checkin=');

  // The phone's camera opens the QR's link; there is no network in the classroom.
  await member.setOffline(true);
  await page.goto(url);
  // The link only fills the check-in in: nothing is recorded until the member taps 签到.
  const scanned = page.getByRole('region', { name: '扫码签到' });
  await expect(scanned).toBeVisible();
  await expect(page.getByText('条记录待同步')).toHaveCount(0);
  await scanned.getByRole('button', { name: '签到' }).click();
  await expect(page.getByText('已扫码签到')).toBeVisible();
  const card = page.getByRole('region', { name: '今天' }).getByRole('article').filter({ hasText: topic });
  await expect(card.getByText('待同步')).toBeVisible();
  await member.setOffline(false);
  await expect(card.getByText('已同步')).toBeVisible();

  await organiser.page.reload();
  await organiser.page.getByRole('link', { name: '‹ 返回活动记录' }).click();
  await expect(organiser.page.getByRole('row', { name: /扫码签到/ })).toHaveCount(1);
  await member.close();
  await organiser.context.close();
});

test('leave asked on the phone is approved and shows as 请假, not presence', async ({ browser }) => {
  const { context: member, page } = await memberPage(browser, 'm3-01');
  const ahead = page.getByRole('region', { name: '即将开始' });
  // Any 主题党日 ahead will do: the branch holds one every month.
  const themeDays = ahead.getByRole('article').filter({ has: page.getByText('主题党日', { exact: true }) });
  const topic = (await themeDays.first().getByRole('heading').textContent())!.trim();
  const upcoming = ahead.getByRole('article').filter({ hasText: topic });
  await member.setOffline(true);
  await upcoming.getByRole('button', { name: '请假' }).click();
  await upcoming.getByLabel('请假事由').fill('带学生参加市里的比赛');
  await upcoming.getByRole('button', { name: '提交请假' }).click();
  await expect(upcoming.getByText('请假申请待同步')).toBeVisible();
  await member.setOffline(false);
  await expect(upcoming.getByText('请假待审批')).toBeVisible();

  const sec = await browser.newPage();
  await signIn(sec, 'sec3', /\/branch$/);
  const request = sec.getByRole('listitem').filter({ hasText: '带学生参加市里的比赛' });
  await expect(request).toContainText(topic);
  await request.getByRole('button', { name: '批准', exact: true }).click();
  await expect(sec.getByRole('listitem').filter({ hasText: '带学生参加市里的比赛' }).getByRole('button', { name: '批准', exact: true })).toHaveCount(0);

  await page.reload();
  const after = page.getByRole('region', { name: '即将开始' }).getByRole('article').filter({ hasText: topic });
  await expect(after.getByText('请假已批准')).toBeVisible();
  await member.close();
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

  test('the branch figures and an activity record are server-rendered and readable', async ({ page }) => {
    await signIn(page, 'sec2', /\/branch$/);
    await expect(page.getByRole('heading', { level: 1, name: '第二党支部' })).toBeVisible();
    await expect(page.getByTestId('year-rate')).toHaveText(/^\d+\.\d%$/);
    await expect(page.getByRole('region', { name: '全年党员参与率' }).getByText(/达到 ≥90% 的要求|未达到 ≥90% 的要求/)).toBeVisible();
    const held = page.getByRole('region', { name: '今年已开展的活动' });
    // January's 支委会: held early every year, unlike today's 主题党日 not yet over.
    await held.getByRole('link', { name: '1月支委会：研究本月党建工作', exact: true }).click();
    await expect(page.getByRole('cell', { name: '应到' })).toBeVisible();
    await expect(page.getByTestId('activity-rate')).toContainText('%');
  });
});

test('a record the server refuses stays on the phone with its reason until dismissed', async ({ page }) => {
  await signIn(page, 'm4-01', /\/me$/);
  const { card } = await todaysActivity(page);
  await expect(card.getByRole('button', { name: '签到' })).toBeEnabled();
  // A code typed wrong: the phone keeps the refused record and says why.
  await card.getByLabel('签到码').fill('12345');
  await card.getByRole('button', { name: '签到' }).click();
  await expect(card.getByText('签到码是 6 位数字')).toBeVisible();
  await card.getByLabel('签到码').fill('000000');
  await card.getByRole('button', { name: '签到' }).click();
  const refused = page.getByRole('region', { name: '未被接受的记录' });
  await expect(refused).toContainText('签到码不正确');
  await page.reload();
  await expect(page.getByRole('region', { name: '未被接受的记录' })).toContainText('签到码不正确');
  await expect(page.getByText('条记录待同步')).toHaveCount(0);
  await page.getByRole('region', { name: '未被接受的记录' }).getByRole('button', { name: '知道了' }).click();
  await expect(page.getByRole('region', { name: '未被接受的记录' })).toHaveCount(0);
});

test('a phone whose offline store was wiped under it says so', async ({ page }) => {
  await signIn(page, 'm4-03', /\/me$/);
  await expect(todaysThemeDay(page).getByRole('button', { name: '签到' })).toBeEnabled();
  // The browser clears the site's IndexedDB (storage pressure, a cleaning app) but not the
  // small mirror the app keeps of its device number.
  await page.evaluate(() => { indexedDB.deleteDatabase('xingqi'); });
  await page.reload();
  await expect(page.getByRole('alert').filter({ hasText: '这部手机上的离线数据曾被清除' })).toBeVisible();
  await page.getByRole('button', { name: '知道了' }).click();
  await expect(page.getByText('这部手机上的离线数据曾被清除')).toHaveCount(0);
});
