// Browser tests on a phone-sized viewport in Debian's Chromium, against xingqi (the test
// command's own server build, or the release) with the release browser bundle, started on a
// fresh SQLite file with the demo school.
import { defineConfig, devices } from '@playwright/test';
import { args, executablePath } from './launch';

const port = Number(process.env.XINGQI_E2E_PORT ?? 3107);
const baseURL = `http://127.0.0.1:${port}`;
const dbFile = process.env.XINGQI_E2E_DB ?? '../target/e2e/xingqi-e2e.db';
// The server: XINGQI_BINARY (the test command's own build), else the release build.
const binary = process.env.XINGQI_BINARY ?? '../target/release/xingqi';

export default defineConfig({
  testDir: './tests',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    ...devices['Pixel 7'],
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    launchOptions: { executablePath, args },
  },
  webServer: {
    command: `mkdir -p "$(dirname ${dbFile})" && rm -f ${dbFile} ${dbFile}-wal ${dbFile}-shm && ${binary} --demo`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dbFile}`,
      XINGQI_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: '../target/site',
      LEPTOS_OUTPUT_NAME: 'xingqi',
      LEPTOS_ENV: 'PROD',
      LEPTOS_HASH_FILES: 'true',
      RUST_LOG: 'warn',
      // The journeys sign the same demo accounts in many times within minutes; the limits
      // themselves are tested over HTTP (server/tests/suite/limits.rs).
      XINGQI_RATE_LIMITS: 'x20',
    },
  },
});
