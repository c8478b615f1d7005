// Shared steps of the journeys.
import { expect, type Browser, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'xingqi2026';

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, username: string, landing: RegExp) {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(landing);
}

/** The member's page, once its outbox is ready and the service worker has kept it. */
export async function memberPage(browser: Browser, username: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, username, /\/me$/);
  await expect(page.getByText('本页已可离线打开')).toBeVisible();
  return { context, page };
}

/** The card of today's 主题党日 on the member's page: the demo holds one in every branch, in
 *  progress now, whatever else falls on the day. */
export function todaysThemeDay(page: Page) {
  return page.getByRole('region', { name: '今天' }).getByRole('article')
    .filter({ has: page.getByText('主题党日', { exact: true }) });
}

/** Today's 主题党日 on the member's page: its card and topic. */
export async function todaysActivity(page: Page) {
  const card = todaysThemeDay(page);
  const topic = (await card.getByRole('heading').textContent())!.trim();
  return { card, topic };
}

/** The name of whoever is signed in, as the top bar shows it. */
export const signedInName = (page: Page) => page.getByLabel('当前用户', { exact: true });

/** The organiser's screen of an activity of `secretary`'s branch: the code and the QR link. */
export async function organiserScreen(browser: Browser, secretary: string, topic: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, secretary, /\/branch$/);
  await page.getByRole('link', { name: topic }).click();
  await page.getByRole('link', { name: '出示签到码' }).click();
  const code = page.getByTestId('proof-code');
  await expect(code).toHaveText(/^\d{3} \d{3}$/);
  const readCode = async () => (await code.textContent())!.replace(/\s/g, '');
  const readUrl = async () => (await page.getByRole('img', { name: '签到二维码' }).getAttribute('data-url'))!;
  return { context, page, readCode, readUrl };
}
