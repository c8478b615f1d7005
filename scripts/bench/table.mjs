// Turns scripts/bench.sh's result lines into the Markdown table BENCHMARKS.md keeps, with the
// ratios issue 13 asks for. With --check-errors, fails if any push got an error.
import fs from 'node:fs';

const rows = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const fmt = (n) => (n == null ? '' : Number(n).toLocaleString('en-US'));
const load = (r) => (r.duration_s ? `${r.devices} phones × 1-record pushes for ${r.duration_s} s`
  : r.devices ? `${r.devices} × ${r.batches} × ${r.batch_size}` : `${r.records} rows, ${r.batch} per transaction, ${r.writers} writer`);
console.log('| what | load | records | records/s | push p50 | push p99 | max | errors |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.label ?? r.target} | ${load(r)} | ${fmt(r.records)} | ${fmt(r.records_per_s)} | ${r.p50_ms ?? ''}${r.p50_ms != null ? ' ms' : ''} | ${r.p99_ms ?? ''}${r.p99_ms != null ? ' ms' : ''} | ${r.max_ms ?? ''}${r.max_ms != null ? ' ms' : ''} | ${r.errors ?? ''} |`);
}
const first = (label, size) => rows.find((r) => (r.label ?? r.target) === label && r.batch_size === size && !r.duration_s);
const pouch = first('pouchdb-server', 100);
console.log('');
for (const backend of ['sqlite', 'postgres']) {
  const x = first(`xingqi-${backend}`, 100);
  const direct = rows.find((r) => r.target === `direct-${backend}`);
  if (!x) continue;
  const parts = [];
  if (pouch) parts.push(`${(x.records_per_s / pouch.records_per_s).toFixed(1)}× pouchdb-server`);
  if (direct) parts.push(`${Math.round((100 * x.records_per_s) / direct.records_per_s)} % of ${backend} written directly`);
  console.log(`- xingqi on ${backend}, 100-record batches: ${parts.join(', ')}.`);
}
if (process.argv.includes('--check-errors')) {
  const bad = rows.filter((r) => r.errors);
  if (bad.length) {
    console.error(`push errors: ${bad.map((r) => `${r.label}: ${r.errors} (${r.first_error})`).join('; ')}`);
    process.exit(1);
  }
}
