#!/usr/bin/env bash
#! A flamegraph of the push path: the bench-release server on a fresh SQLite (or PostgreSQL)
#! database under the 500-phone steady load of scripts/bench.sh, sampled by perf (Debian's
#! linux-perf) and drawn by inferno (crates.io). Writes benchmarks/push-<backend>-500-phones.svg.
#!
#!   scripts/bench/flame.sh [sqlite|postgres] [seconds] [out.svg]
#!
#! XINGQI_BINARY names a server built already (to draw a "before" from an older build);
#! XINGQI_FLAME_LOAD replaces the load's arguments (e.g. "--devices 50 --batches 40 --batch-size 100").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source scripts/env.sh
TOOLS="${XINGQI_TOOLS:-$HOME/.cache/xingqi-tools}"
backend="${1:-sqlite}"; seconds="${2:-25}"; out="${3:-benchmarks/push-$backend-500-phones.svg}"
command -v perf >/dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 1; }
if ! "$TOOLS/bin/inferno-flamegraph" --version >/dev/null 2>&1; then
  cargo install inferno --version 0.12.3 --locked --root "$TOOLS"
fi
binary="${XINGQI_BINARY:-$root/target/bench-release/xingqi}"
[ -n "${XINGQI_BINARY:-}" ] || cargo build --profile bench-release -p server --bin xingqi
work=$(mktemp -d); trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
if [ "$backend" = sqlite ]; then url="sqlite://$work/flame.db"; else
  pg="${XINGQI_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
  name="xingqi_flame_$$"; psql -q "$pg" -c "CREATE DATABASE $name"; url="${pg%/*}/$name"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATABASE_URL="$url" XINGQI_ADDR="127.0.0.1:$port" XINGQI_RATE_LIMITS=x1000 RUST_LOG=warn \
  LEPTOS_OUTPUT_NAME=xingqi "$binary" --demo --data-dir "$work/data" >"$work/log" 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
perf record -F 499 -g -p "$server" -o "$work/perf.data" -- sleep "$seconds" >/dev/null 2>&1 &
perf_pid=$!
node scripts/bench/push_load.mjs --target xingqi --label "flame-$backend" --base "http://127.0.0.1:$port" \
  ${XINGQI_FLAME_LOAD:---devices 500 --batch-size 1 --duration $seconds}
wait "$perf_pid" || true
perf script -i "$work/perf.data" 2>/dev/null | "$TOOLS/bin/inferno-collapse-perf" > "$work/folded"
"$TOOLS/bin/inferno-flamegraph" --title "xingqi push ($backend): 500 phones, 1-record pushes, ${XINGQI_FLAME_LABEL:-commit $(git rev-parse --short HEAD)}" \
  "$work/folded" > "$out"
[ -z "${XINGQI_FLAME_FOLDED:-}" ] || cp "$work/folded" "${out%.svg}.folded"
echo "wrote $out"
if [ "$backend" = postgres ]; then psql -q "$pg" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"; fi
