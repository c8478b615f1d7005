#!/usr/bin/env bash
#! Lighthouse on the phone pages (sign-in, 我的活动, a survey's answer page), mobile preset:
#! simulated slow 4G, 4× CPU slowdown, Debian's Chromium. Installs npm `lighthouse` once into the
#! tools folder; runs the release build (scripts/build.sh) with the demo school. Scores to stdout,
#! reports to target/e2e/lighthouse/; BENCHMARKS.md keeps the latest.
#!
#!   scripts/lighthouse.sh [--no-build]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
TOOLS="${XINGQI_TOOLS:-$HOME/.cache/xingqi-tools}"
LIGHTHOUSE_VERSION=13.5.0
if ! grep -q "\"version\": \"$LIGHTHOUSE_VERSION\"" "$TOOLS/lighthouse/node_modules/lighthouse/package.json" 2>/dev/null; then
  npm install --prefix "$TOOLS/lighthouse" --no-audit --no-fund --silent "lighthouse@$LIGHTHOUSE_VERSION"
fi
if [ "${1:-}" != "--no-build" ]; then scripts/build.sh; fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(chromium --version); lighthouse $LIGHTHOUSE_VERSION"
cd end2end && node bench/lighthouse.mjs "$TOOLS/lighthouse/node_modules/.bin/lighthouse"
