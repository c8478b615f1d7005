// The core journeys, as a phone in each engine makes them: sign in; the organiser's code
// screen; check in offline, reload, come back online, 已同步; answer a survey with JavaScript
// on and off. Written against WebDriver (selenium-webdriver), run by run.mjs.
import assert from 'node:assert/strict';
import { By, until } from 'selenium-webdriver';

export const PASSWORD = 'xingqi2026';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const xpathText = (text) => `//*[contains(normalize-space(.), ${JSON.stringify(text)}) and not(.//*[contains(normalize-space(.), ${JSON.stringify(text)})])]`;

/** Waits until the page shows `text` (in `within`, an XPath, if given). */
export async function waitText(driver, text, ms = 20_000, within = '') {
  return driver.wait(until.elementLocated(By.xpath(within + xpathText(text))), ms, `waiting for “${text}”`);
}

export async function signIn(driver, base, user, landing) {
  await driver.get(`${base}/login`);
  const name = await driver.wait(until.elementLocated(By.name('username')), 20_000);
  await name.sendKeys(user);
  await driver.findElement(By.name('password')).sendKeys(PASSWORD);
  await driver.findElement(By.css('form button[type=submit]')).click();
  await driver.wait(until.urlMatches(landing), 20_000, `${user} lands on ${landing}`);
}

/** Signs whoever is signed in out of this browser, keeping its storage (a shared phone). */
async function signOut(driver) {
  await driver.manage().deleteAllCookies();
}

const THEME_DAY = "//section[@aria-labelledby='today-h']//article[.//span[@class='kind-tag' and normalize-space()='主题党日']]";

/** Organiser's code screen, then a check-in typed with no network, kept through a reload,
 *  sent when the network is back. */
export async function checkInOffline(driver, base, proxy, { member, secretary }) {
  await signIn(driver, base, member, /\/me$/);
  const form = await driver.wait(until.elementLocated(By.xpath(`${THEME_DAY}//form[contains(@class,'code-entry')]`)), 20_000);
  const activity = await form.getAttribute('data-activity');
  const topic = (await driver.findElement(By.xpath(`${THEME_DAY}//h3`)).getText()).trim();
  await signOut(driver);

  // The organiser's screen: the code and its QR.
  await signIn(driver, base, secretary, /\/branch$/);
  await driver.get(`${base}/activity/${activity}/qr`);
  const shown = await driver.wait(until.elementLocated(By.css('[data-testid=proof-code]')), 20_000);
  await driver.wait(async () => /^\d{3} \d{3}$/.test((await shown.getText()).trim()), 20_000, 'a code on the screen');
  const code = (await shown.getText()).replace(/\s/g, '');
  await driver.findElement(By.css('[role=img][aria-label=签到二维码] svg, [role=img][aria-label=签到二维码] img'));
  await signOut(driver);

  await signIn(driver, base, member, /\/me$/);
  const card = `//article[.//h3[normalize-space()=${JSON.stringify(topic)}]]`;
  // Ready for offline use, or told it cannot be (then the journey completes online).
  const ready = await Promise.race([
    waitText(driver, '本页已可离线打开', 30_000).then(() => true),
    waitText(driver, '当前浏览器不支持离线打开本页', 30_000).then(() => false),
  ]);
  if (ready) {
    await proxy.stop();
    const reach = await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
      fetch('/healthz', { cache: 'no-store' }).then((r) => done('reached ' + r.status), (e) => done('offline: ' + e.name));`);
    assert.match(reach, /^offline/, 'the proxy stopped: the server is out of reach');
  }
  const input = await driver.findElement(By.xpath(`${card}//input`));
  await input.sendKeys(code);
  await driver.findElement(By.xpath(`${card}//button[normalize-space()='签到']`)).click();
  if (ready) {
    await waitText(driver, '待同步', 20_000, card);
    // Reloaded with no network: the page from the service worker, the record from IndexedDB.
    await driver.get(`${base}/me`);
    await waitText(driver, '待同步', 30_000, card);
    await proxy.start();
  }
  // Sent once the network is back — by the engine's retries, not only the `online` event
  // (which a stopped proxy never fires).
  await waitText(driver, '已同步', 90_000, card);
  // The server holds it: a fresh load says so.
  await driver.get(`${base}/me`);
  await waitText(driver, '已同步', 30_000, card);
  return { ready };
}

/** Answers a survey from its open link; with JavaScript off the plain form does it. */
export async function answerSurvey(driver, link) {
  await driver.get(link);
  const radio = async (group, option) => {
    const el = await driver.wait(until.elementLocated(By.xpath(
      `//fieldset[.//legend[contains(., ${JSON.stringify(group)})]]//label[normalize-space(.)=${JSON.stringify(option)}]`)), 20_000);
    await el.click();
  };
  await radio('您的身份', '家长');
  await radio('党支部的工作是否满意', '满意');
  await radio('支部书记的工作是否满意', '基本满意');
  await driver.findElement(By.xpath("//button[normalize-space()='提交']")).click();
  await waitText(driver, '您的答卷已收到。', 30_000);
}

/** A campaign with an open link, started over HTTP by a secretary (as the browser's form
 *  would post it). Returns the link. */
export async function openSurvey(base, secretary) {
  const origin = { origin: base };
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST', redirect: 'manual', headers: { ...origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: secretary, password: PASSWORD }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  assert.ok(cookie, `${secretary} signed in`);
  const page = await (await fetch(`${base}/surveys/new`, { headers: { cookie } })).text();
  const org = /name="form\[org_id\]"[^>]*>\s*<option[^>]*value="([^"]+)"/.exec(page)?.[1];
  assert.ok(org, 'the new-campaign form names the branch');
  const day = (d) => new Date(Date.now() + d * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const form = {
    org_id: org, title: '浏览器兼容测评', period: '2026年度', opens_on: day(-1), closes_on: day(7),
    scale: 'three', convention: 'rate', audience_members: 'on', audience_staff: 'on',
    audience_parents: 'on', satisfied_yes: 'on', satisfied_basic: 'on', min_group: '1', open_link: 'on',
  };
  const body = new URLSearchParams(Object.entries(form).map(([k, v]) => [`form[${k}]`, v]));
  const created = await fetch(`${base}/api/survey_create`, {
    method: 'POST', redirect: 'manual', headers: { ...origin, cookie, 'content-type': 'application/x-www-form-urlencoded' }, body,
  });
  const where = created.headers.get('location') ?? '';
  assert.match(where, /\/surveys\/[0-9a-f-]{36}$/, `campaign created (${created.status} ${await created.text()})`);
  const campaign = await (await fetch(new URL(where, base), { headers: { cookie } })).text();
  const token = /\/survey\/open\/([a-z0-9]+)/.exec(campaign)?.[1];
  assert.ok(token, 'the campaign page shows its open link');
  return `${base}/survey/open/${token}`;
}

export { sleep };
