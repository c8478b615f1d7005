// The annual plan on a phone: a secretary completes the branch's draft and submits it, the 总支
// returns it with a comment, the secretary corrects and resubmits, the 总支 approves it; the
// secretary records a task's progress; a member reads the plan with JavaScript off.
import { test, expect } from '@playwright/test';
import { signIn } from './helpers';

test('a plan is written, returned, approved and carried out', async ({ page, browser }) => {
  await signIn(page, 'sec4', /\/branch$/);
  await page.getByRole('link', { name: '★ 本年度创五星、争红旗评定' }).click();
  await page.getByRole('link', { name: '年度争创方案' }).click();
  await expect(page.getByRole('heading', { name: /第四党支部 · \d{4}年度争创方案/ })).toBeVisible();
  const planUrl = page.url();
  const state = page.getByRole('region', { name: '方案状态' });
  await expect(state).toContainText('草稿');
  const editor = page.getByRole('region', { name: '编写方案' });
  await editor.getByLabel(/查找的问题/).fill('组织生活形式单一；结对帮扶机制尚未建立。');
  await editor.getByRole('group', { name: '整改任务 5' }).getByLabel('任务名称').fill('建立党员结对帮扶机制');
  await editor.getByRole('group', { name: '整改任务 5' }).getByLabel('责任人').fill('彭翠萍');
  const year = new Date().getFullYear();
  await editor.getByRole('group', { name: '整改任务 5' }).getByLabel('完成期限').fill(`${year}-12-31`);
  await editor.getByLabel('同时提交总支审批').check();
  await editor.getByRole('button', { name: '保存方案' }).click();
  await expect(state).toContainText('已提交，待审批');

  // The 总支 returns it with a comment.
  const context = await browser.newContext();
  const admin = await context.newPage();
  await signIn(admin, 'admin', /\/branch$/);
  await admin.goto(planUrl);
  const decide = admin.getByRole('region', { name: '总支审批' });
  await decide.getByLabel(/意见/).fill('请写明每项任务的检查节点');
  await decide.getByRole('button', { name: '退回修改' }).click();
  await expect(admin.getByRole('region', { name: '方案状态' })).toContainText('已退回修改');

  // The secretary reads the comment, corrects and resubmits; the 总支 approves.
  await page.reload();
  await expect(state).toContainText('总支意见：请写明每项任务的检查节点');
  const first = editor.getByRole('group', { name: '整改任务 1' });
  await first.getByLabel('整改措施').fill('每月第一周检查一次，6 月、11 月两次总结。');
  await editor.getByLabel('同时提交总支审批').check();
  await editor.getByRole('button', { name: '保存方案' }).click();
  await expect(state).toContainText('已提交，待审批');
  await admin.reload();
  await admin.getByRole('region', { name: '总支审批' }).getByRole('button', { name: '审批通过' }).click();
  await expect(admin.getByRole('region', { name: '方案状态' })).toContainText('已审批');
  await context.close();

  // Carried out: a task's status changes without a new approval.
  await page.reload();
  await expect(state).toContainText('已审批');
  const task = page.getByRole('article', { name: '建立党员结对帮扶机制' });
  await task.getByLabel('状态').selectOption('in_progress');
  await task.getByRole('button', { name: '更新状态' }).click();
  await expect(task).toContainText('进行中');
  await expect(state).toContainText('已审批');

  // A member reads the plan with JavaScript off.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const member = await noJs.newPage();
  await signIn(member, 'm4-01', /\/me$/);
  await member.goto(planUrl);
  await expect(member.getByRole('region', { name: '方案内容' })).toContainText('建立党员结对帮扶机制');
  await expect(member.getByRole('button', { name: '保存方案' })).toHaveCount(0);
  await noJs.close();
});
