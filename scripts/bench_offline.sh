#!/usr/bin/env bash
#! Offline saves in Chromium: pressing 签到 → durable in IndexedDB (median of 40), and a thousand
#! queued records sent and acknowledged after the network returns. Runs the release build
#! (scripts/build.sh) with the demo school; figures to stdout and target/e2e/offline-bench.json.
#!
#!   scripts/bench_offline.sh [--no-build]     XINGQI_BENCH_SAVES, XINGQI_BENCH_QUEUED to change
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ "${1:-}" != "--no-build" ]; then scripts/build.sh; fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(chromium --version)"
cd end2end && XINGQI_BINARY="${XINGQI_BINARY:-$root/target/release/xingqi}" npx playwright test --config bench.config.ts
