// The commitment letter on a phone: a secretary drafts and submits it, the 总支 approves it, the
// secretary publishes it; its public page opens with JavaScript off from the poster's QR link,
// in a fresh browser (as WeChat's scanner opens it), and has no serious accessibility issue.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { signIn } from './helpers';

test('a letter is approved, published and read by anyone from its QR link', async ({ page, browser }) => {
  await signIn(page, 'sec4', /\/branch$/);
  await page.getByRole('link', { name: '★ 本年度创五星、争红旗评定' }).click();
  await page.getByRole('link', { name: '年度争创方案' }).click();
  await page.getByRole('link', { name: '承诺书' }).click();
  await expect(page.getByRole('heading', { name: /第四党支部 · \d{4}年度承诺书/ })).toBeVisible();
  const letterUrl = page.url();
  const editor = page.getByRole('region', { name: '起草承诺书' });
  await editor.getByLabel('承诺内容').fill('一、每月开展主题党日，党员参与率不低于 90%。\n二、建立党员结对帮扶机制。');
  await editor.getByLabel('同时提交总支审批').check();
  await editor.getByRole('button', { name: '保存承诺书' }).click();
  const state = page.getByRole('region', { name: '承诺书状态' });
  await expect(state).toContainText('已提交，待审批');

  const context = await browser.newContext();
  const admin = await context.newPage();
  await signIn(admin, 'admin', /\/branch$/);
  await admin.goto(letterUrl);
  await admin.getByRole('region', { name: '总支审批' }).getByRole('button', { name: '审批通过' }).click();
  await expect(admin.getByRole('region', { name: '承诺书状态' })).toContainText('已审批，待公开');
  await context.close();

  await page.reload();
  await page.getByRole('button', { name: '公开承诺书' }).click();
  await expect(state).toContainText('已公开');
  await state.getByRole('link', { name: '打印海报（含二维码）' }).click();
  await expect(page.getByText('扫码查看承诺书全文，欢迎留言监督')).toBeVisible();
  const qrLink = await page.locator('.poster-url').textContent();
  expect(qrLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/public\/letter\/[0-9a-f]{32}$/);

  // Scanned: a fresh browser with WeChat's user agent and no JavaScript, no account.
  const scanner = await browser.newContext({
    javaScriptEnabled: false,
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/4G Language/zh_CN',
  });
  const visitor = await scanner.newPage();
  await visitor.goto(qrLink!);
  await expect(visitor.getByRole('heading', { name: /第四党支部.*承诺书/ })).toBeVisible();
  await expect(visitor.getByText('建立党员结对帮扶机制')).toBeVisible();
  // The visitor leaves feedback: no account, no JavaScript. A person takes a few seconds to
  // write; a form sent at once is refused as a script's.
  const feedback = '建议结对帮扶名单在校门口公示。';
  await visitor.getByLabel(/您的意见或建议/).fill(feedback);
  await visitor.waitForTimeout(3_500);
  await visitor.getByRole('button', { name: '提交留言' }).click();
  await expect(visitor.getByRole('status')).toContainText('留言已收到，经审核后公开');
  await expect(visitor.getByText(feedback)).toHaveCount(0);

  // The secretary replies; the 总支 approves the feedback and the reply; the public sees both.
  await page.goto(letterUrl);
  const item = page.getByRole('article', { name: /的留言$/ });
  await item.getByLabel('回复').fill('谢谢建议，下周公示。');
  await item.getByRole('button', { name: '保存回复' }).click();
  await expect(item).toContainText('回复待审核');
  const context2 = await browser.newContext();
  const admin2 = await context2.newPage();
  await signIn(admin2, 'admin', /\/branch$/);
  await admin2.goto(letterUrl);
  const theirs = admin2.getByRole('article', { name: /的留言$/ });
  await theirs.getByRole('button', { name: '公开留言' }).click();
  await expect(theirs).toContainText('已公开');
  await theirs.getByRole('button', { name: '公开回复' }).click();
  await expect(theirs).toContainText('回复已公开');
  await context2.close();
  await visitor.reload();
  await expect(visitor.getByText(feedback)).toBeVisible();
  await expect(visitor.getByText('回复：谢谢建议，下周公示。')).toBeVisible();
  await scanner.close();

  // With JavaScript on (axe needs it), the public page has no serious accessibility issue.
  const reader = await browser.newContext();
  const pub = await reader.newPage();
  await pub.goto(qrLink!);
  const results = await new AxeBuilder({ page: pub }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await reader.close();
});
