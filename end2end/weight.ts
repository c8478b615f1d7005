// What a phone downloads to open a page: every response of the page's first load, as Chromium
// counts it on the wire (`encodedDataLength`: compressed body and headers), by kind. The
// service worker is blocked while measuring — what it precaches after the page is usable is
// measured apart (`precacheBytes`).
import { request as httpRequest } from 'node:http';
import type { BrowserContext } from '@playwright/test';

export type Weight = { total: number; byKind: Record<string, number>; files: [string, number][]; encodings: Record<string, string> };

const kindOf = (url: string, type: string) => {
  const path = new URL(url).pathname;
  if (path.endsWith('.wasm')) return 'wasm';
  if (type === 'Document') return 'html';
  if (type === 'Script') return 'js';
  if (type === 'Stylesheet') return 'css';
  if (type === 'Image') return 'image';
  return 'other';
};

/** Loads `path` in `context` (a fresh page) and adds up what came over the wire until the
 *  network is idle (the wasm is fetched and instantiated by then). */
export async function pageWeight(context: BrowserContext, path: string): Promise<Weight> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const seen = new Map<string, { url: string; type: string }>();
  const encodings: Record<string, string> = {};
  const bytes = new Map<string, number>();
  cdp.on('Network.responseReceived', (e) => {
    seen.set(e.requestId, { url: e.response.url, type: e.type });
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    encodings[new URL(e.response.url).pathname] = headers['content-encoding'] ?? 'identity';
  });
  cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
  await page.goto(path, { waitUntil: 'networkidle' });
  await page.close();
  const byKind: Record<string, number> = {};
  const files: [string, number][] = [];
  let total = 0;
  for (const [id, { url, type }] of seen) {
    const n = bytes.get(id) ?? 0;
    const kind = kindOf(url, type);
    byKind[kind] = (byKind[kind] ?? 0) + n;
    files.push([new URL(url).pathname, n]);
    total += n;
  }
  return { total, byKind, files, encodings };
}

/** The bytes of one GET with brotli accepted (body as sent, compressed). */
function brotliBytes(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => { n += c.length; });
      res.on('end', () => resolve(n));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the service worker fetches once installed (this build's `APP_FILES`), compressed. */
export async function precacheBytes(base: string): Promise<{ total: number; files: [string, number][] }> {
  const sw = await (await fetch(new URL('/sw.js', base))).text();
  const list: string[] = JSON.parse(/const APP_FILES = (\[.*\]);/.exec(sw)![1]);
  const files: [string, number][] = [];
  for (const f of list) files.push([f, await brotliBytes(base, f)]);
  return { total: files.reduce((a, [, n]) => a + n, 0), files };
}

export const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
