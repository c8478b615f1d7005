// A real school from an empty database, on a phone: the server (a second one, on an empty
// SQLite file, without the demo) prints its one-time set-up link; the school is set up from
// it, the admin lands signed in, and builds the organisation tree: branches and a 党小组,
// reordered, in the lists at once.
import { test, expect } from '@playwright/test';
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
  server = spawn('../target/release/xingqi', [], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dir, 'school.db')}`,
      XINGQI_ADDR: `127.0.0.1:${port}`,
      XINGQI_DATA_DIR: join(dir, 'data'),
      LEPTOS_SITE_ROOT: '../target/site',
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

  // The link is spent: the set-up page now only says the school exists.
  await page.goto(link);
  await expect(page.getByText('学校已经设置好了')).toBeVisible();
});
