// Satisfaction surveys: a secretary starts a campaign and prints codes; a parent answers on a
// phone with JavaScript off (the page withholds results while the campaign runs); another
// answers from the open link with it on.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { answerAll, chinaDate, startCampaign } from './helpers';

test('a parent answers with JavaScript off, once per code, and the secretary cannot time it', async ({ browser }) => {
  const { context, page } = await startCampaign(browser);
  const invites = page.getByRole('region', { name: '一次性邀请码' });
  await invites.getByLabel('对象').selectOption('parents');
  await invites.getByLabel('数量').fill('3');
  await invites.getByRole('button', { name: '生成' }).click();
  await expect(page.getByText('邀请码已发 3 个。')).toBeVisible();
  await page.getByRole('link', { name: '打印邀请码纸条' }).click();
  const slips = page.getByRole('list', { name: '邀请码纸条' }).getByRole('listitem');
  await expect(slips).toHaveCount(3);
  // The three slips are alike: any one's code will do.
  const code = (await slips.first().getByLabel('邀请码').textContent())!.trim();
  const campaignUrl = page.url().replace(/\/slips$/, '');

  // The parent's phone: WeChat on an old iPhone, no JavaScript.
  const phone = await browser.newContext({ javaScriptEnabled: false });
  const form = await phone.newPage();
  await form.goto(`/survey/${code}`);
  await expect(form.getByText('1 / 2')).toBeVisible();
  await answerAll(form);
  await form.getByLabel(/意见建议/).fill('希望多开展亲子活动');
  await form.getByRole('button', { name: '提交' }).click();
  await expect(form.getByText('您的答卷已收到。')).toBeVisible();
  // The code is spent: opening it again says so instead of showing the form.
  await form.goBack();
  await form.reload();
  await expect(form.getByRole('alert')).toContainText('这个邀请码已经使用过了');

  // The secretary being rated cannot time the answer: nothing on the page moved, and no
  // figure is shown before the campaign closes.
  await page.goto(campaignUrl);
  await expect(page.getByRole('heading', { name: '已收到不足 10 份' })).toBeVisible();
  await expect(page.getByText('测评结束后公布')).toBeVisible();
  await expect(page.getByText('已用')).toHaveCount(0);
  await expect(page.getByRole('region', { name: '家长', exact: true })).toHaveCount(0);
  await page.getByRole('link', { name: '打印邀请码纸条' }).click();
  await expect(slips).toHaveCount(3);
  await phone.close();
  await context.close();
});

test('the open link takes one answer per phone, with JavaScript on', async ({ browser }) => {
  const { context, page } = await startCampaign(browser, '1');
  const link = await page.getByRole('textbox', { name: '测评链接' }).inputValue();
  expect(link).toMatch(/\/survey\/open\/[a-z0-9]+$/);
  await expect(page.getByRole('img', { name: '测评二维码' })).toBeVisible();
  // The same QR code as a picture to save and post in a WeChat group.
  const png = await page.request.get((await page.getByRole('link', { name: '下载二维码图片' }).getAttribute('href'))!);
  expect(png.headers()['content-type']).toBe('image/png');

  const phone = await browser.newContext();
  const form = await phone.newPage();
  await form.goto(link);
  await form.getByRole('radio', { name: '教职工' }).check();
  await answerAll(form);
  await form.getByRole('button', { name: '提交' }).click();
  await expect(form.getByText('您的答卷已收到。')).toBeVisible();
  // The same phone again: refused with the reason, its answers still on the form.
  await form.goto(link);
  await form.getByRole('radio', { name: '家长' }).check();
  await answerAll(form);
  await form.getByRole('button', { name: '提交' }).click();
  await expect(form.getByRole('alert')).toContainText('这部手机已经通过此链接作答过了');
  await expect(form.getByRole('radio', { name: '家长' })).toBeChecked();

  await page.reload();
  await expect(page.getByRole('heading', { name: '已收到 1 份' })).toBeVisible();
  await phone.close();
  await context.close();
});

test('an answer given offline is kept on the phone and arrives later, exactly once', async ({ browser }) => {
  const { context, page } = await startCampaign(browser, '1');
  const link = await page.getByRole('textbox', { name: '测评链接' }).inputValue();
  // No service worker (as in WeChat on iOS): the outbox alone keeps the answer, and every push
  // goes past the test's watch (a worker taking control mid-test can hide a request from it).
  const phone = await browser.newContext({ serviceWorkers: 'block' });
  const form = await phone.newPage();
  await form.goto(link);
  await expect(form.locator('form[data-ready]')).toHaveCount(1);

  // The classroom has no signal: the answer waits on the phone.
  await phone.setOffline(true);
  await form.getByRole('radio', { name: '家长' }).check();
  await answerAll(form);
  await form.getByRole('button', { name: '提交' }).click();
  const state = form.getByRole('status', { name: '提交状态' });
  await expect(state).toContainText('待提交');
  await expect(state).toContainText('现在没有网络');

  // Back online, but the answer to the first push is lost after the server has stored it.
  const pushes: { ids: string[]; results?: { id: string; status: string }[] }[] = [];
  await phone.route('**/api/v1/sync/push', async (route) => {
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
  await expect(form.getByText('您的答卷已收到。')).toBeVisible();
  expect(pushes.length).toBeGreaterThanOrEqual(2);
  const [lost, retry] = pushes;
  expect(retry.ids).toEqual(lost.ids);
  expect(retry.results).toEqual([{ id: lost.ids[0], status: 'duplicate' }]);

  await page.reload();
  await expect(page.getByRole('heading', { name: '已收到 1 份' })).toBeVisible();
  await phone.close();
  await context.close();
});

test('a secretary adds a question: a new version, shown to new respondents', async ({ browser }) => {
  const { context, page } = await startCampaign(browser);
  const link = await page.getByRole('textbox', { name: '测评链接' }).inputValue();
  await page.getByRole('link', { name: '修改测评' }).click();
  await expect(page.getByText('保存后成为第 2 版')).toBeVisible();
  await page.getByLabel(/其他问题/).fill('您对家校沟通是否满意？');
  await page.getByRole('button', { name: '保存为新版本' }).click();
  await expect(page.getByText('以下为第 2 版问卷的结果')).toBeVisible();

  const phone = await browser.newContext({ javaScriptEnabled: false });
  const form = await phone.newPage();
  await form.goto(link);
  await expect(form.getByText('4 / 4')).toBeVisible();
  await expect(form.getByRole('group', { name: /家校沟通/ })).toBeVisible();
  await phone.close();
  await context.close();
});

test('a secretary ends a campaign early, and its link says so', async ({ browser }) => {
  const { context, page } = await startCampaign(browser);
  const link = await page.getByRole('textbox', { name: '测评链接' }).inputValue();
  await page.getByRole('link', { name: '修改测评' }).click();
  const details = page.getByRole('region', { name: '名称、年度与日期' });
  await details.getByLabel('测评名称').fill('2026年度家长满意度测评');
  await details.getByLabel('结束日期').fill(chinaDate(-1));
  await details.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('heading', { name: '2026年度家长满意度测评' })).toBeVisible();
  await expect(page.getByText(`至 ${chinaDate(-1)}`)).toBeVisible();

  const phone = await browser.newContext({ javaScriptEnabled: false });
  const form = await phone.newPage();
  await form.goto(link);
  await expect(form.getByText(`本次测评已于 ${chinaDate(-1)} 结束`)).toBeVisible();
  await expect(form.getByRole('button', { name: '提交' })).toHaveCount(0);
  await phone.close();
  await context.close();
});

test('the answer page has no serious accessibility violations', async ({ browser }) => {
  const { context, page } = await startCampaign(browser);
  const link = await page.getByRole('textbox', { name: '测评链接' }).inputValue();
  const phone = await browser.newContext();
  const form = await phone.newPage();
  await form.goto(link);
  await expect(form.getByRole('button', { name: '提交' })).toBeVisible();
  const results = await new AxeBuilder({ page: form }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await phone.close();
  await context.close();
});
