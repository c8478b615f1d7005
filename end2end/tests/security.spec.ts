// The pages' Content Security Policy: each page names a fresh nonce, its inline scripts carry
// it, and the app still hydrates and works under the policy — no script or WebAssembly is
// refused (a refusal would show as a console error and a page that never comes alive).
import { test, expect, type Page } from '@playwright/test';
import { signIn } from './helpers';

/** Collects what the browser refused under the policy, and script errors. */
function watch(page: Page) {
  const refused: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  page.on('pageerror', (e) => refused.push(`page error: ${e.message}`));
  return refused;
}

test('pages run under a nonce policy and nothing is refused', async ({ page, request }) => {
  const refused = watch(page);
  const first = await request.get('/login');
  const second = await request.get('/login');
  const policy = first.headers()['content-security-policy'];
  expect(policy).toMatch(/script-src 'self' 'nonce-[\w-]+' 'wasm-unsafe-eval'/);
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  const nonce = policy.match(/'nonce-([\w-]+)'/)![1];
  expect(second.headers()['content-security-policy']).not.toContain(nonce);
  const html = await first.text();
  expect(html).toContain(`nonce="${nonce}"`);

  // Hydrated pages work: signing in, the member's page and its offline readiness.
  await signIn(page, 'm3-01', /\/me$/);
  await expect(page.getByText('本页已可离线打开')).toBeVisible();
  expect(refused).toEqual([]);
});
