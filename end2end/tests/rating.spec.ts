// The rating on a phone: the 总支 finds last year's evidence awaiting its approval, returns one
// piece with a comment, the secretary resubmits it, the 总支 approves both and the branch's
// stars and level change; the rating page reads with JavaScript off.
import { test, expect } from '@playwright/test';
import { signIn } from './helpers';

test('evidence is returned, resubmitted and approved, and the stars change', async ({ page, browser }) => {
  const lastYear = new Date().getFullYear() - 1;
  await signIn(page, 'admin', /\/branch$/);
  await page.goto(`/rating?year=${lastYear}`);
  const waiting = page.getByRole('region', { name: '待总支审核的佐证' });
  await expect(waiting).toContainText('第三党支部');
  await waiting.getByRole('link', { name: '第三党支部' }).click();
  await expect(page.getByRole('heading', { name: `第三党支部 · ${lastYear}年度评定` })).toBeVisible();
  const summary = page.getByRole('region', { name: '星级与等次' });
  await expect(summary).toContainText('4 星（满 5 星）');
  await expect(summary).toContainText('一般');
  const ratingUrl = page.url();

  const pairing = page.getByRole('article', { name: '建立联系服务群众的结对帮扶机制' });
  await pairing.getByLabel('退回意见').fill('请补充结对帮扶名单');
  await pairing.getByRole('button', { name: '退回修改' }).click();
  await expect(pairing).toContainText('状态：已退回');

  // The secretary reads the comment and resubmits.
  const context = await browser.newContext();
  const sec = await context.newPage();
  await signIn(sec, 'sec3', /\/branch$/);
  await sec.goto(ratingUrl);
  const mine = sec.getByRole('article', { name: '建立联系服务群众的结对帮扶机制' });
  await expect(mine).toContainText('总支意见：请补充结对帮扶名单');
  await mine.getByLabel('佐证说明').fill('党员与 12 户困难家庭结对，名单见附件');
  await mine.getByLabel(/同时提交总支审核/).check();
  await mine.getByRole('button', { name: '保存' }).click();
  await expect(mine).toContainText('状态：已提交');
  await context.close();

  // The 总支 approves both: five stars, 先进.
  await page.reload();
  for (const name of ['建立联系服务群众的结对帮扶机制', '有职党员岗位承诺、无职党员设岗定责']) {
    const card = page.getByRole('article', { name });
    await card.getByRole('button', { name: '审核通过' }).click();
    await expect(card).toContainText('状态：已审核通过');
  }
  await expect(summary).toContainText('5 星（满 5 星）');
  await expect(summary).toContainText('先进');
  await expect(page.getByRole('article', { name: '建立联系服务群众的结对帮扶机制' }))
    .toContainText('审核通过');
});

test('the rating page reads with JavaScript off', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, 'sec1', /\/branch$/);
  const lastYear = new Date().getFullYear() - 1;
  await page.goto('/branch');
  const link = page.getByRole('link', { name: '★ 本年度创五星、争红旗评定' });
  const href = await link.getAttribute('href');
  expect(href).toMatch(/\/branch\/[^/]+\/rating\?year=\d{4}$/);
  await page.goto(href!.replace(/year=\d{4}/, `year=${lastYear}`));
  await expect(page.getByRole('heading', { name: `第一党支部 · ${lastYear}年度评定` })).toBeVisible();
  const summary = page.getByRole('region', { name: '星级与等次' });
  await expect(summary).toContainText('5 星（满 5 星）');
  await expect(summary).toContainText('红旗');
  await expect(page.getByRole('heading', { name: '作用发挥优' })).toBeVisible();
  await expect(page.getByText('群众对党组织满意度 ≥ 95%').first()).toBeVisible();
  await context.close();
});

test('the bureau approves the 总支\'s own evidence on a phone, and its stars change', async ({ page }) => {
  const lastYear = new Date().getFullYear() - 1;
  await signIn(page, 'bureau', /\/bureau$/);
  const href = await page.getByRole('link', { name: '总支评定（审核佐证）' }).getAttribute('href');
  expect(href).toMatch(/^\/branch\/[^/]+\/rating$/);
  await page.goto(`${href}?year=${lastYear}`);
  await expect(page.getByRole('heading', { name: `县第一中学党总支 · ${lastYear}年度评定` })).toBeVisible();
  await expect(page.getByText('总支自身评定：每项条件由总支提交佐证，上级教育局审核')).toBeVisible();
  const summary = page.getByRole('region', { name: '星级与等次' });
  await expect(summary).toContainText('4 星（满 5 星）');
  // Two pieces await the bureau; the last criterion has none yet.
  const approve = page.getByRole('button', { name: '审核通过' });
  await expect(approve).toHaveCount(2);
  await approve.first().click();
  await expect(approve).toHaveCount(1);
  await approve.first().click();
  await expect(approve).toHaveCount(0);
  await expect(summary).toContainText('5 星（满 5 星）');
  await expect(summary).toContainText('先进');
});
