#!/usr/bin/env bash
#! The push benchmark (issue 13): one run, one load client (scripts/bench/push_load.mjs, Node.js)
#! for every server — xingqi on SQLite, xingqi on PostgreSQL, pouchdb-server (npm) — and the
#! same rows written to each database directly (scripts/bench/direct.py), so the ratios are
#! measured, not remembered. Prints a Markdown table; BENCHMARKS.md keeps the latest.
#!
#!   scripts/bench.sh                 every load (about 6 minutes)
#!   scripts/bench.sh --smoke         a few seconds of each (the test command runs this)
#!
#! Every phone of the client comes from 127.0.0.1, so the server runs with its rate limits
#! raised (XINGQI_RATE_LIMITS=x1000): they are still counted on every push, as in production.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
TOOLS="${XINGQI_TOOLS:-$HOME/.cache/xingqi-tools}"
PG_URL="${XINGQI_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
POUCHDB_VERSION=4.2.0
PSYCOPG_VERSION=3.2.10
smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1
if [ $smoke = 1 ]; then
  big="--devices 10 --batches 2 --batch-size 100"; small="--devices 5 --batches 2 --batch-size 10"
  steady="--devices 20 --batch-size 1 --duration 2"; direct_records=2000
  binary="${XINGQI_BINARY:-$root/target/debug/xingqi}"
else
  big="--devices 50 --batches 10 --batch-size 100"; small="--devices 20 --batches 10 --batch-size 10"
  steady="--devices 500 --batch-size 1 --duration ${XINGQI_BENCH_SECONDS:-60}"; direct_records=50000
  # XINGQI_BINARY: an optimised server built already (scripts/build.sh's target/release/xingqi).
  binary="${XINGQI_BINARY:-$root/target/bench-release/xingqi}"
  [ -n "${XINGQI_BINARY:-}" ] || cargo build --profile bench-release -p server --bin xingqi
fi

if ! grep -q "\"version\": \"$POUCHDB_VERSION\"" "$TOOLS/pouchdb/node_modules/pouchdb-server/package.json" 2>/dev/null; then
  npm install --prefix "$TOOLS/pouchdb" --no-audit --no-fund --silent "pouchdb-server@$POUCHDB_VERSION"
fi
if ! "$TOOLS/py/bin/python" -c "import psycopg" 2>/dev/null; then
  python3 -m venv "$TOOLS/py"
  "$TOOLS/py/bin/pip" install --quiet "psycopg[binary]==$PSYCOPG_VERSION"
fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 600); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }
results="$work/results.jsonl"
load() { node scripts/bench/push_load.mjs "$@" | tee -a "$results"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB RAM; $(node --version); commit $(git rev-parse --short HEAD)"
backends=(sqlite postgres)
if [ "${XINGQI_SKIP_POSTGRES:-}" = 1 ]; then
  printf '\033[1;31m%s\033[0m\n' "XINGQI_SKIP_POSTGRES=1: the PostgreSQL legs of the benchmark are SKIPPED"
  backends=(sqlite)
fi
for backend in "${backends[@]}"; do
  if [ $backend = sqlite ]; then url="sqlite://$work/bench.db"; else
    name="xingqi_bench_$$_$(date +%s)"
    psql -q "$PG_URL" -c "CREATE DATABASE $name"
    url="${PG_URL%/*}/$name"
  fi
  port=$(free_port)
  DATABASE_URL="$url" XINGQI_ADDR="127.0.0.1:$port" XINGQI_RATE_LIMITS=x1000 RUST_LOG=warn \
    LEPTOS_OUTPUT_NAME=xingqi "$binary" --demo --data-dir "$work/data-$backend" >"$work/$backend.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
  # shellcheck disable=SC2086
  for l in "$big" "$small" "$steady"; do load --target xingqi --label "xingqi-$backend" --base "http://127.0.0.1:$port" $l; done
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  [ $backend = postgres ] && psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"
done

port=$(free_port)
mkdir -p "$work/pouchdb"
(cd "$work/pouchdb" && exec "$TOOLS/pouchdb/node_modules/.bin/pouchdb-server" --port "$port" --dir "$work/pouchdb" >"$work/pouchdb.log" 2>&1) &
pids+=($!)
wait_for "http://127.0.0.1:$port/"
# shellcheck disable=SC2086
for l in "$big" "$small"; do load --target pouchdb --label pouchdb-server --base "http://127.0.0.1:$port" $l; done

python3 scripts/bench/direct.py sqlite "$work/direct.db" --records $direct_records | tee -a "$results"
[ "${XINGQI_SKIP_POSTGRES:-}" = 1 ] || "$TOOLS/py/bin/python" scripts/bench/direct.py postgres "$PG_URL" --records $direct_records | tee -a "$results"
node scripts/bench/table.mjs "$results"
if [ $smoke = 1 ]; then node scripts/bench/table.mjs "$results" --check-errors; fi
