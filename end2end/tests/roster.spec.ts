// The secretary's roster and schedule, in the browser: a file with a bad row is refused whole,
// a good one is previewed and imported, a new member gets an invite code, sets a password and
// signs in; and an activity scheduled through the form reaches that member's phone.
import { test, expect } from '@playwright/test';
import { signedInName, signIn } from './helpers';

const HEAD = '支部,姓名,用户名,手机号,性别,出生日期,入党日期,党员类别,有职/无职,职务\n';

async function upload(page: import('@playwright/test').Page, name: string, csv: string) {
  await page.getByText('从 Excel 或 CSV 导入名单').click();
  await page.getByLabel(/名单文件/).setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: '上传并预览' }).click();
}

test('a roster file is checked, imported whole, and its member invited in', async ({ page, browser }) => {
  await signIn(page, 'sec2', /\/branch$/);
  await page.getByRole('link', { name: '党员名册' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '第二党支部党员名册' })).toBeVisible();

  // One bad row: nothing is imported, and the row says why.
  await upload(page, '名单.csv', `${HEAD}第二党支部,新党员甲,xindangyuan,,女,1992-04-01,2016-07-01,正式,无职,\n第二党支部,新党员乙,,12345,男,1990-01-01,2030-01-01,正式,无职,\n`);
  await expect(page.getByRole('heading', { name: '导入预览' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('有 1 行需要改正，没有导入任何党员');
  await expect(page.getByRole('row', { name: /第 3 行/ })).toContainText('不是 11 位手机号码');
  await expect(page.getByRole('button', { name: /确认导入/ })).toHaveCount(0);

  // Corrected: previewed, then imported.
  await page.getByRole('link', { name: '第二党支部 党员名册' }).click();
  await upload(page, '名单.csv', `${HEAD}第二党支部,新党员甲,xindangyuan,,女,1992-04-01,2016-07-01,正式,无职,\n`);
  await page.getByRole('button', { name: '确认导入 1 名党员' }).click();
  await expect(page.getByText('已导入 1 名党员。')).toBeVisible();
  await page.getByRole('link', { name: '返回党员名册' }).click();
  const row = page.getByRole('row', { name: /新党员甲/ });
  await expect(row).toContainText('待设置密码');

  // An invite code, shown once; the new member sets a password and signs in.
  await row.getByRole('button', { name: '邀请码' }).click();
  const slip = page.getByRole('region', { name: '邀请码', exact: true }).getByRole('article', { name: '新党员甲' });
  const code = (await slip.getByLabel('邀请码').textContent())!.trim();
  expect(code).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);

  const phone = await browser.newPage();
  await phone.goto('/login');
  await phone.getByRole('link', { name: '用邀请码设置密码' }).click();
  await phone.getByLabel('用户名或手机号').fill('xindangyuan');
  await phone.getByLabel('邀请码').fill(code.toLowerCase());
  await phone.getByLabel('新密码（至少 8 位）').fill('mima-2026');
  await phone.getByLabel('再输入一次').fill('mima-2026');
  await phone.getByRole('button', { name: '设置密码' }).click();
  await expect(phone.getByText('密码已设置，请用新密码登录。')).toBeVisible();
  await phone.getByLabel('用户名').fill('xindangyuan');
  await phone.getByLabel('密码').fill('mima-2026');
  await phone.getByRole('button', { name: '登录' }).click();
  await expect(phone).toHaveURL(/\/me$/);
  await expect(signedInName(phone)).toHaveText('新党员甲');

  // The code is used up.
  const again = await browser.newPage();
  await again.goto('/invite');
  await again.getByLabel('用户名或手机号').fill('xindangyuan');
  await again.getByLabel('邀请码').fill(code);
  await again.getByLabel('新密码（至少 8 位）').fill('other-2026');
  await again.getByLabel('再输入一次').fill('other-2026');
  await again.getByRole('button', { name: '设置密码' }).click();
  await expect(again.getByRole('alert')).toContainText('邀请码无效、已用过或已过期');
});

test('an activity scheduled in the form reaches the members\' phones', async ({ page, browser }) => {
  await signIn(page, 'sec1', /\/branch$/);
  await page.getByRole('link', { name: '安排活动' }).click();
  await page.getByLabel('活动类型').selectOption({ label: '党课' });
  await page.getByLabel('主题', { exact: true }).fill('专题党课：学习新修订的纪律处分条例');
  await page.getByLabel('地点').fill('阶梯教室');
  // The server's checks come back beside the field: an end before the start.
  const start = await page.getByLabel('开始时间').inputValue();
  await page.getByLabel('结束时间').fill(start.replace(/T\d\d:\d\d$/, 'T08:00'));
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('alert')).toContainText('结束时间要晚于开始时间');
  await page.getByLabel('结束时间').fill(start.replace(/T\d\d:\d\d$/, 'T17:00'));
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '专题党课：学习新修订的纪律处分条例' })).toBeVisible();
  await expect(page.getByRole('row', { name: /参加对象/ })).toContainText('第一党支部全体党员');

  const member = await browser.newPage();
  await signIn(member, 'm1-03', /\/me$/);
  await expect(member.getByRole('region', { name: '即将开始' })).toContainText('专题党课：学习新修订的纪律处分条例');
});
