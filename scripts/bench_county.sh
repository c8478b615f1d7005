#!/usr/bin/env bash
#! The county benchmark (issue 13, point 2): a synthetic county (scripts/county/generate.py: one
#! bureau, 300 schools, 4,000 branches of 15 members, five years of 50 activities a year — 1 M
#! activities, about 12 M check-ins, 2 M survey answers) loaded into SQLite and into PostgreSQL
#! (COPY), `xingqi recount --check` proving the kept counts agree with the raw rows, then over
#! HTTP: the bureau's roll-up of last year, a branch's figures page and its rating page (p50,
#! p95), the server's memory throughout — and DuckDB (PyPI) running the same participation and
#! satisfaction aggregate over the same raw rows in the same run. The roll-up's figures must
#! equal DuckDB's, school by school, or the run fails. Prints a Markdown table; BENCHMARKS.md
#! keeps the latest.
#!
#!   scripts/bench_county.sh            the full county (about 40 minutes, ~25 GB of disk;
#!                                      XINGQI_BINARY=target/release/xingqi skips its build)
#!   scripts/bench_county.sh --smoke    a small county, a few seconds (the test command runs it)
#!   XINGQI_COUNTY_KEEP=1 scripts/bench_county.sh
#!                                      keeps the loaded databases (target/county/<size>.db and
#!                                      PostgreSQL's xingqi_county_kept_<size>) and measures them
#!                                      again next time instead of loading (~20 of the ~35 minutes):
#!                                      for re-measuring a change to the server, not to the schema
#!                                      or the generator (the loaded county's stamp must match)
#!
#! The generated county is kept in target/county/ (built again when the generator changes).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
TOOLS="${XINGQI_TOOLS:-$HOME/.cache/xingqi-tools}"
PG_URL="${XINGQI_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DUCKDB_VERSION=2.0.1
smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1
if [ $smoke = 1 ]; then
  size=(--schools 3 --branches 12 --years 2 --activities 12 --answers 20); requests=20; label=smoke
  binary="${XINGQI_BINARY:-$root/target/debug/xingqi}"
else
  size=(); requests=300; label=full
  # XINGQI_BINARY: an optimised server built already (scripts/build.sh's target/release/xingqi).
  binary="${XINGQI_BINARY:-$root/target/bench-release/xingqi}"
  [ -n "${XINGQI_BINARY:-}" ] || cargo build --profile bench-release -p server --bin xingqi
fi
if ! "$TOOLS/py/bin/python" -c "import duckdb, sys; sys.exit(duckdb.__version__ != '$DUCKDB_VERSION')" 2>/dev/null; then
  python3 -m venv "$TOOLS/py"
  "$TOOLS/py/bin/pip" install --quiet "duckdb==$DUCKDB_VERSION"
fi
py="$TOOLS/py/bin/python"

county="$root/target/county/$label"
stamp="$(sha256sum scripts/county/generate.py | cut -c1-16) ${size[*]:-full}"
if [ "$(cat "$county/stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$county"; mkdir -p "$county"
  echo "generating the county ($label) into $county"
  /usr/bin/time -f "generated in %e s, %M KB peak" python3 scripts/county/generate.py "$county" "${size[@]}"
  echo "$stamp" > "$county/stamp"
fi
year=$(( $(TZ=Asia/Shanghai date +%Y) - 1 ))

work=$(mktemp -d "$root/target/county-run.XXXX")
pids=()
pg_dbs=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for d in "${pg_dbs[@]}"; do psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 3000); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }
results="$work/results.jsonl"
seconds() { local s=$SECONDS; "$@" >&2; echo $((SECONDS - s)); }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB RAM; commit $(git rev-parse --short HEAD); county: $(python3 -c "import json,sys; r=json.load(open('$county/county.json'))['rows']; print(', '.join(f'{k} {v:,}' for k,v in r.items() if k in ('users','activities','checkins','survey_answers')))")"
backends=(sqlite postgres)
if [ "${XINGQI_SKIP_POSTGRES:-}" = 1 ]; then
  printf '\033[1;31m%s\033[0m\n' "XINGQI_SKIP_POSTGRES=1: the PostgreSQL leg of the county benchmark is SKIPPED"
  backends=(sqlite)
fi
"$py" scripts/county/measure.py duckdb "$county" "$year" | tee -a "$results" | cut -c1-300
for backend in "${backends[@]}"; do
  keep="${XINGQI_COUNTY_KEEP:-}"
  kept_stamp="$root/target/county/$label-$backend.loaded"
  if [ "$backend" = sqlite ]; then
    if [ -n "$keep" ]; then target="$root/target/county/$label.db"; else target="$work/county.db"; fi
    url="sqlite://$target"
  else
    if [ -n "$keep" ]; then name="xingqi_county_kept_$label"; else
      name="xingqi_county_$$_$(date +%s)"; pg_dbs+=("$name"); fi
    url="${PG_URL%/*}/$name"; target="$url"
  fi
  if [ -n "$keep" ] && [ "$(cat "$kept_stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$backend: the county loaded by an earlier run (XINGQI_COUNTY_KEEP), measured again"
    load_s='"kept"'; check_s='"kept"'
  else
    rm -f "$kept_stamp"
    if [ "$backend" = sqlite ]; then rm -f "$target" "$target-wal" "$target-shm"; else
      psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"
      psql -q "$PG_URL" -c "CREATE DATABASE $name"
    fi
    DATABASE_URL="$url" "$binary" recount --check >/dev/null
    load_s=$(seconds python3 scripts/county/load.py "$backend" "$target" "$county")
    check_s=$(seconds env DATABASE_URL="$url" "$binary" recount --check)
    [ -z "$keep" ] || echo "$stamp" > "$kept_stamp"
  fi
  port=$(free_port)
  DATABASE_URL="$url" XINGQI_ADDR="127.0.0.1:$port" XINGQI_RATE_LIMITS=x1000 RUST_LOG=warn \
    LEPTOS_OUTPUT_NAME=xingqi "$binary" --data-dir "$work/data-$backend" >"$work/$backend.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
  "$py" scripts/county/measure.py xingqi "http://127.0.0.1:$port" "${pids[-1]}" "$county" "$year" \
    --requests "$requests" | python3 -c "
import json, sys
r = json.loads(sys.stdin.read()); r.update(backend='$backend', load_s=$load_s, recount_check_s=$check_s)
print(json.dumps(r, ensure_ascii=False))" | tee -a "$results" | cut -c1-400
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
done
python3 scripts/county/table.py "$results"
