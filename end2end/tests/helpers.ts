// Shared steps of the journeys.
import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'xingqi2026';

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, username: string, landing: RegExp) {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(landing);
}
