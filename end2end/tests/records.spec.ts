// The activity record as a branch files it: attendance corrected by hand with an audit trail,
// printed on A4 without the controls; and a phone without service workers (WeChat on iOS)
// still checks in online and is told how to get offline use.
import { test, expect } from '@playwright/test';
import { organiserScreen, signedInName, signIn, todaysActivity } from './helpers';

test('a secretary corrects attendance by hand, the trail is kept, and the record prints on A4', async ({ page }) => {
  await signIn(page, 'sec4', /\/branch$/);
  // The secretary is on the roll of every activity of the branch, this one included.
  const name = (await signedInName(page).textContent())!.trim();
  const held = page.getByRole('region', { name: '今年已开展的活动' });
  // January's 支委会: held early every year and over, unlike today's 主题党日.
  await held.getByRole('link', { name: '1月支委会：研究本月党建工作', exact: true }).click();
  const roll = page.getByRole('region', { name: '出席情况' });
  const row = roll.getByRole('row', { name: new RegExp(`^${name} `) });
  await row.getByRole('combobox', { name: `${name}的出席` }).selectOption({ label: '标记为请假' });
  await row.getByRole('button', { name: '保存' }).click();
  const trail = page.getByRole('region', { name: '出席更正记录' });
  await expect(trail).toContainText(`将${name}由`);
  await expect(trail).toContainText('改为“请假”');
  await expect(roll.getByRole('row', { name: new RegExp(`^${name} `) })).toContainText('手动标记');

  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: '打印' })).toBeHidden();
  await expect(roll).toBeHidden();
  await expect(page.getByRole('cell', { name: '应到' })).toBeVisible();
  const pdf = await page.pdf({ format: 'A4', printBackground: false });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
  expect(pages).toBeGreaterThanOrEqual(1);
  expect(pages).toBeLessThanOrEqual(3);
});

test.describe('without service workers (WeChat on iOS)', () => {
  test.use({ serviceWorkers: 'block' });

  test('check-in works online and the page says how to get offline use', async ({ page, browser }) => {
    // As in WeChat's iOS web view: no service worker API at all.
    await page.addInitScript(() => { delete (Navigator.prototype as unknown as Record<string, unknown>).serviceWorker; });
    await signIn(page, 'm2-03', /\/me$/);
    await expect(page.getByText('当前浏览器不支持离线打开本页')).toBeVisible();
    const { card, topic } = await todaysActivity(page);
    const organiser = await organiserScreen(browser, 'sec2', topic);
    await card.getByLabel('签到码').fill(await organiser.readCode());
    await card.getByRole('button', { name: '签到' }).click();
    await expect(card.getByText('已同步')).toBeVisible();
    await organiser.context.close();
  });
});
