// The county's read-only viewer on a phone: the bureau's page rolls its schools up, and a
// school's 支部 link opens that school's branches alone (a county has thousands), with the
// other schools a click away — with JavaScript and without.
import { test, expect } from '@playwright/test';
import { signIn } from './helpers';

for (const javaScriptEnabled of [true, false]) {
  test(`the bureau opens one school's branches from its roll-up (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await signIn(page, 'county', /\/bureau$/);
    const rollup = page.getByRole('table', { name: '各校党员参与率和支部等次' });
    await rollup.getByRole('link', { name: '支部 4 个' }).click();
    await expect(page).toHaveURL(/\/branch\?school=[^&]+&year=\d{4}$/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('各支部');
    await expect(page.locator('.branch-card')).toHaveCount(4);
    // The picker stays folded, its school marked; the list without a school asks for one.
    const picker = page.locator('details.school-picker');
    await expect(picker.locator('summary')).toHaveText('换一所学校（共 1 所）');
    await picker.locator('summary').click();
    await expect(picker.locator('a[aria-current="page"]')).toContainText('支部 4 个');
    await page.goto('/branch');
    await expect(page.getByText('请先选择一所学校')).toBeVisible();
    await expect(page.locator('.branch-card')).toHaveCount(0);
    await context.close();
  });
}
