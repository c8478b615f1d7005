// The 争创活动 on a phone: every signed-in page says which phase today falls in; the 总支 changes
// the 争创活动 on /drive and the change reaches the banner; a member reads it with JavaScript off.
import { test, expect } from '@playwright/test';
import { signIn } from './helpers';

test('the 总支 sets the 争创活动 and every page says where today falls', async ({ page, browser }) => {
  await signIn(page, 'admin', /\/branch$/);
  const banner = page.getByRole('complementary', { name: '争创活动进度' });
  await expect(banner).toContainText(/^第[一二三四]阶段：/);
  await banner.getByRole('link', { name: '设置' }).click();
  await expect(page.getByRole('heading', { name: '争创活动', exact: true })).toBeVisible();
  const title = page.getByLabel('活动名称');
  await expect(title).toHaveValue(/创五星、争红旗/);
  // Rename the phase today falls in: the banner follows.
  const year = new Date().getFullYear();
  await title.fill(`${year}年度争创活动（修订）`);
  const today = await banner.textContent();
  const position = today!.match(/^第(.)阶段/)![1];
  const row = page.getByRole('group', { name: `第${position}阶段` });
  await row.getByLabel('名称').fill('本阶段');
  await page.getByRole('button', { name: '保存争创活动' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存' })).toBeVisible();
  await page.reload();
  await expect(banner).toContainText(`第${position}阶段：本阶段`);

  // A member, JavaScript off: the banner is server-rendered, with nothing to set.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const member = await context.newPage();
  await signIn(member, 'm1-01', /\/me$/);
  const theirs = member.getByRole('complementary', { name: '争创活动进度' });
  await expect(theirs).toContainText(`第${position}阶段：本阶段`);
  await expect(theirs.getByRole('link', { name: '设置' })).toHaveCount(0);
  await context.close();
});
