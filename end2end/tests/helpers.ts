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

export function chinaDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

/** Signs in as the second branch's secretary and starts a campaign; returns its page. With a
 *  minimum group of 1 the live counts are exact; with the default (10) they are withheld. */
export async function startCampaign(browser: Browser, minGroup?: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'sec2', /\/branch$/);
  await page.getByRole('link', { name: '测评' }).click();
  await expect(page.getByRole('heading', { name: '满意度测评' })).toBeVisible();
  await page.getByRole('link', { name: '发起测评' }).click();
  await page.getByLabel('测评期间').fill('2026年度');
  await page.getByLabel('开始日期').fill(chinaDate(-1));
  await page.getByLabel('结束日期').fill(chinaDate(7));
  if (minGroup) await page.getByLabel(/最小样本量/).fill(minGroup);
  await page.getByRole('button', { name: '创建测评' }).click();
  await expect(page).toHaveURL(/\/surveys\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: minGroup === '1' ? '已收到 0 份' : '已收到不足 10 份' })).toBeVisible();
  return { context, page };
}

/** A running campaign's open link (answered by anyone who has it). */
export async function openSurveyLink(browser: Browser) {
  const { context, page } = await startCampaign(browser, '1');
  const link = await page.getByRole('textbox', { name: '测评链接' }).inputValue();
  return { context, page, link };
}

/** Answers the seed's two questions. */
export async function answerAll(page: Page) {
  await page.getByRole('group', { name: /党支部的工作是否满意/ }).getByRole('radio', { name: '满意', exact: true }).check();
  await page.getByRole('group', { name: /支部书记的工作是否满意/ }).getByRole('radio', { name: '基本满意', exact: true }).check();
}
