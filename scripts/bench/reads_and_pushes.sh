#!/usr/bin/env bash
#! Check-ins while pages are read (issue 13): a demo server, 16 page readers for 14 s
#! (scripts/bench/demo_readers.py) and, from the third second, 20 phones pushing 40 batches of
#! 10 check-ins (scripts/bench/push_load.mjs). Prints the pushes' and the readers' figures, one
#! line per server; several binaries alternate, for a before/after.
#!
#!   scripts/bench/reads_and_pushes.sh sqlite|postgres BINARY...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
backend=$1; shift
pg="${XINGQI_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
for binary in "$@"; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  work=$(mktemp -d)
  if [ "$backend" = sqlite ]; then url="sqlite://$work/bench.db"; else
    name="xingqi_reads_$$_$RANDOM"; psql -q "$pg" -c "CREATE DATABASE $name"; url="${pg%/*}/$name"; fi
  DATABASE_URL="$url" XINGQI_ADDR="127.0.0.1:$port" XINGQI_RATE_LIMITS=x1000 RUST_LOG=warn \
    LEPTOS_OUTPUT_NAME=xingqi "$binary" --demo --data-dir "$work/data" >"$work/log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  python3 scripts/bench/demo_readers.py "http://127.0.0.1:$port" 16 14 > "$work/readers" &
  readers=$!
  sleep 3
  pushes=$(node scripts/bench/push_load.mjs --target xingqi --base "http://127.0.0.1:$port" \
    --devices 20 --batches 40 --batch-size 10 | tail -1)
  wait "$readers"
  echo "$binary ($backend): pushes $pushes; readers $(cat "$work/readers")"
  kill "$server"; wait "$server" 2>/dev/null || true
  [ "$backend" = sqlite ] || psql -q "$pg" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"
  rm -rf "$work"
done
