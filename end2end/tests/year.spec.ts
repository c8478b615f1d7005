// The year as the 总支 reads it on a phone: last year — the year being rated — opens from the
// year picker, the 总支 closes it (年度封存), a secretary can no longer change its records,
// and the 总支 reopens it with a reason that stays in the year's trail.
import { test, expect } from '@playwright/test';
import { signIn } from './helpers';

test('the 总支 opens last year, closes it, and reopens it with a reason', async ({ page, browser }) => {
  const lastYear = new Date().getFullYear() - 1;
  await signIn(page, 'admin', /\/branch$/);
  const picker = page.getByRole('navigation', { name: '选择年度' });
  await picker.getByRole('link', { name: `${lastYear}年` }).click();
  await expect(page).toHaveURL(new RegExp(`\\?year=${lastYear}$`));
  await expect(page.getByRole('heading', { name: `各支部${lastYear}年党员参与率` })).toBeVisible();
  await expect(picker.getByRole('link', { name: `${lastYear}年` })).toHaveAttribute('aria-current', 'page');

  const closing = page.getByRole('region', { name: '年度封存' });
  await expect(closing).toContainText(`${lastYear}年度尚未封存`);
  await closing.getByRole('button', { name: `封存${lastYear}年度` }).click();
  await expect(closing).toContainText(`${lastYear}年度已于`);

  // A secretary opening one of last year's records can no longer correct it.
  const context = await browser.newContext();
  const sec = await context.newPage();
  await signIn(sec, 'sec3', /\/branch$/);
  await sec.goto(`/branch?year=${lastYear}`);
  await expect(sec.getByRole('region', { name: '年度封存' })).toContainText('已于');
  await sec.getByRole('region', { name: `${lastYear}年开展的活动` })
    .getByRole('link', { name: '1月支委会：研究本月党建工作', exact: true }).click();
  const roll = sec.getByRole('region', { name: '出席情况' });
  await roll.getByRole('combobox').first().selectOption({ label: '标记为请假' });
  await roll.getByRole('button', { name: '保存' }).first().click();
  await expect(sec.getByRole('alert').filter({ hasText: '年度已封存' })).toBeVisible();
  await context.close();

  // Reopened with the reason, which the year's trail keeps.
  await closing.getByText('重新开启该年度').click();
  await closing.getByLabel('重新开启的原因（记入年度记录）').fill('补正第三支部1月的出席记录');
  await closing.getByRole('button', { name: '重新开启' }).click();
  await expect(closing).toContainText(`${lastYear}年度尚未封存`);
  await expect(closing).toContainText('重新开启，原因：补正第三支部1月的出席记录');
});
