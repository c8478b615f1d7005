// The push load client: the same Node.js script drives xingqi and pouchdb-server, so their
// figures compare within one run. Each simulated phone keeps one keep-alive connection and
// pushes its batches one after another, as fast as the server answers; the time of a push is
// request sent → whole answer read (xingqi answers after commit). Prints one JSON line.
//
//   node push_load.mjs --target xingqi --base http://127.0.0.1:3000 --devices 50 --batches 10 --batch-size 100
//   node push_load.mjs --target pouchdb --base http://127.0.0.1:5984 --devices 50 --batches 10 --batch-size 100
//   node push_load.mjs --target xingqi … --devices 500 --batch-size 1 --duration 60
//
// xingqi: signs in the demo school's secretaries (for each branch's activity today and its
// code secret) and members (phones of one member share its session), and sends check-ins with
// valid QR proofs. Every answer must say `accepted`; anything else is counted as an error.
import http from 'node:http';
import crypto from 'node:crypto';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => {
    if (a.startsWith('--')) pairs.push([a.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const target = args.target ?? 'xingqi';
const base = new URL(args.base ?? 'http://127.0.0.1:3000');
const devices = Number(args.devices ?? 50);
const batches = Number(args.batches ?? 10);
const batchSize = Number(args['batch-size'] ?? 100);
const duration = args.duration ? Number(args.duration) * 1000 : 0;
const password = args.password ?? 'xingqi2026';

const agent = new http.Agent({ keepAlive: true, maxSockets: devices + 8 });

function request(method, path, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, agent,
        headers: { ...headers, ...(data ? { 'content-length': data.length } : {}) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// A UUIDv7: 48 bits of milliseconds, then random bits with the version and variant set.
function uuid7() {
  const b = crypto.randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// domain::proof::code: HMAC-SHA256(secret, activity id ‖ step as 8 big-endian bytes),
// truncated as TOTP does.
function proofCode(secret, activityId, step) {
  const stepBytes = Buffer.alloc(8);
  stepBytes.writeBigInt64BE(BigInt(step));
  const d = crypto.createHmac('sha256', secret).update(activityId).update(stepBytes).digest();
  const o = d[d.length - 1] & 0x0f;
  const bin = ((d[o] & 0x7f) << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

async function signIn(username) {
  const form = new URLSearchParams({ username, password, next: '' }).toString();
  const res = await request('POST', '/auth/login', {
    body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base.origin },
  });
  const cookie = [res.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0])
    .find((c) => c.startsWith('xingqi_session='));
  if (!cookie) throw new Error(`${username} could not sign in (${res.status})`);
  return cookie;
}

async function serverFn(cookie, name, form = {}) {
  const res = await request('POST', `/api/${name}`, {
    body: new URLSearchParams(form).toString(),
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: base.origin },
  });
  if (res.status !== 200) throw new Error(`${name}: ${res.status} ${res.body.slice(0, 200)}`);
  return JSON.parse(res.body);
}

// The phones: for xingqi a session, a member and a branch's activity with its secret.
async function xingqiPhones() {
  const branches = [];
  for (let b = 1; b <= 4; b++) {
    const sec = await signIn(`sec${b}`);
    const mine = await serverFn(sec, 'my_activities');
    // The 主题党日 (every member expected): a 支委会 or 党小组会 may fall on the same day and
    // expects only some of the members.
    const activity = (mine.today.find((a) => a.kind === 'theme_day') ?? mine.today[0]).id;
    const screen = await serverFn(sec, 'activity_proof', { id: activity });
    branches.push({ activity, secret: Buffer.from(screen.secret, 'hex') });
  }
  const members = new Map();
  const phones = [];
  for (let d = 0; d < devices; d++) {
    const b = (d % 4) + 1;
    const name = `m${b}-${String((Math.floor(d / 4) % 8) + 1).padStart(2, '0')}`;
    if (!members.has(name)) {
      const cookie = await signIn(name);
      const me = await serverFn(cookie, 'my_activities');
      members.set(name, { cookie, id: me.member.id });
    }
    phones.push({ ...members.get(name), ...branches[b - 1], device: uuid7(), seq: 0 });
  }
  return phones;
}

function xingqiBatch(phone) {
  const now = Date.now();
  const step = Math.floor(now / 30_000);
  const code = proofCode(phone.secret, phone.activity, step);
  const records = [];
  for (let i = 0; i < batchSize; i++) {
    phone.seq += 1;
    records.push({ id: uuid7(), seq: phone.seq, kind: 'checkin', body: {
      activity_id: phone.activity, member_id: phone.id, device_time: now,
      proof: { method: 'qr', step, code } } });
  }
  return JSON.stringify({ device: { id: phone.device }, records });
}

async function xingqiPush(phone) {
  const res = await request('POST', '/api/v1/sync/push', {
    body: xingqiBatch(phone),
    headers: { cookie: phone.cookie, 'content-type': 'application/json', origin: base.origin },
  });
  if (res.status !== 200) return { errors: batchSize, why: `${res.status} ${res.body.slice(0, 120)}` };
  const results = JSON.parse(res.body).results;
  const bad = results.filter((r) => r.status !== 'accepted');
  return { errors: bad.length, why: bad[0] && JSON.stringify(bad[0]) };
}

// pouchdb-server: the same check-ins as CouchDB documents, one _bulk_docs per batch.
async function pouchPhones() {
  const db = `bench${Date.now()}`;
  const made = await request('PUT', `/${db}`);
  if (made.status >= 300) throw new Error(`could not create ${db}: ${made.status} ${made.body}`);
  return Array.from({ length: devices }, (_, d) => ({ db, member: `m${d}`, activity: uuid7(), device: uuid7(), seq: 0 }));
}

async function pouchPush(phone) {
  const now = Date.now();
  const docs = [];
  for (let i = 0; i < batchSize; i++) {
    phone.seq += 1;
    docs.push({ _id: uuid7(), seq: phone.seq, kind: 'checkin', activity_id: phone.activity,
      member_id: phone.member, device_time: now, proof: { method: 'qr', step: Math.floor(now / 30_000), code: '123456' } });
  }
  const res = await request('POST', `/${phone.db}/_bulk_docs`, {
    body: JSON.stringify({ docs }), headers: { 'content-type': 'application/json' },
  });
  if (res.status >= 300) return { errors: batchSize, why: `${res.status} ${res.body.slice(0, 120)}` };
  const bad = JSON.parse(res.body).filter((r) => !r.ok);
  return { errors: bad.length, why: bad[0] && JSON.stringify(bad[0]) };
}

const [phones, push] = target === 'pouchdb' ? [await pouchPhones(), pouchPush] : [await xingqiPhones(), xingqiPush];
const latencies = [];
let errors = 0;
let firstError;
let records = 0;
const started = performance.now();
const deadline = started + duration;
await Promise.all(phones.map(async (phone) => {
  for (let n = 0; duration ? performance.now() < deadline : n < batches; n++) {
    const t = performance.now();
    let r;
    try {
      r = await push(phone);
    } catch (e) {
      r = { errors: batchSize, why: String(e) };
    }
    latencies.push(performance.now() - t);
    records += batchSize;
    errors += r.errors;
    if (r.errors && !firstError) firstError = r.why;
  }
}));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.round((latencies.length - 1) * p)];
console.log(JSON.stringify({
  label: args.label ?? target, target, devices, batch_size: batchSize, batches: duration ? null : batches,
  duration_s: duration ? duration / 1000 : null, records, pushes: latencies.length,
  elapsed_s: +elapsed.toFixed(2), records_per_s: Math.round(records / elapsed),
  p50_ms: +pct(0.5).toFixed(1), p99_ms: +pct(0.99).toFixed(1), max_ms: +latencies.at(-1).toFixed(1),
  errors, first_error: firstError ?? null,
}));
agent.destroy();
