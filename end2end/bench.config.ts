// The browser benchmarks (scripts/bench_offline.sh): the journeys' settings, their own folder,
// no retries, time enough for a thousand records.
import base from './playwright.config';

export default { ...base, testDir: './bench', testMatch: '**/*.bench.ts', timeout: 300_000 };
