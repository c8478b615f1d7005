// A real school from an empty database, on a phone: the server (a second one, on an empty
// SQLite file, without the demo) prints its one-time set-up link; the school is set up from
// it, the admin lands signed in, and builds the organisation tree: branches and a 党小组,
// reordered, in the lists at once; then fills in the branch's roster template (downloaded from
// the import page, as Excel) with its committee, imports it, and a member signs in with an
// invite code.
import { test, expect } from '@playwright/test';
import ExcelJS from 'exceljs';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.XINGQI_E2E_SETUP_PORT ?? 3108);
let server: ChildProcess | undefined;
let dir = '';
let link = '';

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xingqi-setup-'));
  server = spawn(process.env.XINGQI_BINARY ?? '../target/release/xingqi', [], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dir, 'school.db')}`,
      XINGQI_ADDR: `127.0.0.1:${port}`,
      XINGQI_DATA_DIR: join(dir, 'data'),
      LEPTOS_SITE_ROOT: '../target/site',
      LEPTOS_OUTPUT_NAME: 'xingqi',
      LEPTOS_ENV: 'PROD',
      LEPTOS_HASH_FILES: 'true',
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  link = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no set-up link within 60 s')), 60_000);
    let seen = '';
    server!.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const found = seen.match(/http:\/\/\S+\/setup\?token=[0-9a-f]+/);
      if (found) {
        clearTimeout(timer);
        resolve(found[0]);
      }
    });
    server!.on('exit', (code) => reject(new Error(`the server stopped (${code})`)));
  });
});

test.afterAll(() => {
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a school is set up from the logged link and its admin builds the organisation tree', async ({ page }) => {
  // Without the token the page only says where to find it.
  await page.goto(`http://127.0.0.1:${port}/setup`);
  await expect(page.getByText('设置链接')).toBeVisible();
  await expect(page.getByLabel('学校名称')).toHaveCount(0);

  await page.goto(link);
  await page.getByLabel('学校名称').fill('城关第一中学');
  await page.getByLabel('姓名').fill('王老师');
  await page.getByLabel(/^用户名/).fill('wangls');
  await page.getByLabel(/^密码/).fill('红旗飘飘-2026');
  await page.getByLabel('再输入一次').fill('红旗飘飘-2026');
  await page.getByRole('button', { name: '完成设置并登录' }).click();

  // Signed in, with nothing yet: the empty state points to the organisation page.
  await expect(page).toHaveURL(/\/branch$/);
  await expect(page.getByText('您名下还没有支部')).toBeVisible();
  await page.getByRole('link', { name: '去组织设置新增支部' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '城关第一中学党总支 · 组织设置' })).toBeVisible();

  for (const name of ['第一党支部', '第二党支部']) {
    await page.getByLabel('支部名称').fill(name);
    await page.getByRole('button', { name: '新增支部' }).click();
    await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
  }
  const second = page.getByRole('region', { name: '第二党支部' });
  await second.getByLabel('新增党小组').fill('第二支部第一党小组');
  await second.getByRole('button', { name: '新增', exact: true }).click();
  await expect(second.getByText('第二支部第一党小组')).toBeVisible();

  // Moved up: the order holds on this page and in the branch list.
  await second.getByRole('button', { name: '上移' }).first().click();
  const branchNames = /^第.党支部$/;
  await expect(page.getByRole('heading', { level: 2 }).filter({ hasText: branchNames }))
    .toHaveText(['第二党支部', '第一党支部']);
  await page.getByRole('link', { name: '支部', exact: true }).click();
  await expect(page.getByRole('heading', { level: 3 }).filter({ hasText: branchNames }))
    .toHaveText(['第二党支部', '第一党支部']);

  // The roster: the template, filled in with the committee and a 党小组, imported whole.
  await page.getByRole('link', { name: '第二党支部' }).first().click();
  await page.getByRole('link', { name: '党员名册' }).click();
  await page.getByText('从 Excel 或 CSV 导入名单').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: '下载 Excel 模板' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('第二党支部党员名册模板.xlsx');
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile((await download.path())!);
  const sheet = book.getWorksheet('党员名册')!;
  const headings = (sheet.getRow(1).values as string[]);
  const fill = (row: number, cells: Record<string, string>) => {
    for (const [heading, value] of Object.entries(cells)) {
      const column = headings.indexOf(heading);
      expect(column, heading).toBeGreaterThan(0);
      sheet.getRow(row).getCell(column).value = value;
    }
  };
  expect(sheet.getRow(2).getCell(headings.indexOf('支部')).value).toBe('第二党支部');
  fill(2, { 姓名: '赵书记', 手机号: '13600000001', 支委职务: '书记', 党小组: '第二支部第一党小组', 职务: '', '有职/无职': '' });
  fill(3, { 支部: '第二党支部', 姓名: '钱委员', 手机号: '13600000002', 支委职务: '组织委员', 党员类别: '正式' });
  fill(4, { 支部: '第二党支部', 姓名: '孙党员', 用户名: 'sundy', 党员类别: '预备', 入党日期: '2026-05-04', 是否教职工: '是' });
  const filled = Buffer.from(await book.xlsx.writeBuffer());
  await page.getByLabel(/名单文件/).setInputFiles({
    name: '名单.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: filled,
  });
  await page.getByRole('button', { name: '上传并预览' }).click();
  await expect(page.getByRole('heading', { name: '导入预览' })).toBeVisible();
  await expect(page.getByRole('row', { name: /赵书记/ })).toContainText('支委·书记 · 第二支部第一党小组');
  await expect(page.getByRole('row', { name: /钱委员/ })).toContainText('支委·委员');
  await page.getByRole('button', { name: '确认导入 3 名党员' }).click();
  await expect(page.getByText('已导入 3 名党员。')).toBeVisible();
  await page.getByRole('link', { name: '返回党员名册' }).click();
  await expect(page.getByRole('row', { name: /赵书记/ })).toContainText('支委·书记');
  const row = page.getByRole('row', { name: /孙党员/ });
  await row.getByRole('button', { name: '邀请码' }).click();
  const slip = page.getByRole('region', { name: '邀请码', exact: true }).getByRole('article', { name: '孙党员' });
  const code = (await slip.getByLabel('邀请码').textContent())!.trim();

  // The member, on their own phone, sets a password with the code and signs in.
  const phone = await page.context().browser()!.newPage();
  await phone.goto(`http://127.0.0.1:${port}/invite`);
  await phone.getByLabel('用户名或手机号').fill('sundy');
  await phone.getByLabel('邀请码').fill(code);
  await phone.getByLabel('新密码（至少 8 位）').fill('mima-2026');
  await phone.getByLabel('再输入一次').fill('mima-2026');
  await phone.getByRole('button', { name: '设置密码' }).click();
  await expect(phone.getByText('密码已设置，请用新密码登录。')).toBeVisible();
  await phone.getByLabel('用户名').fill('sundy');
  await phone.getByLabel('密码').fill('mima-2026');
  await phone.getByRole('button', { name: '登录' }).click();
  await expect(phone).toHaveURL(/\/me$/);
  await phone.close();

  // The link is spent: the set-up page now only says the school exists.
  await page.goto(link);
  await expect(page.getByText('学校已经设置好了')).toBeVisible();
});
