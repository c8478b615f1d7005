#!/usr/bin/env bash
#! Installs what the tests need and runs every test of xingqi: format, lints for both builds,
#! unit and property tests, storage and HTTP tests on SQLite and PostgreSQL, and the browser
#! journeys in Chromium (all) and in Firefox ESR and WebKitGTK (the core ones) against the
#! server the tests built and the release browser bundles. CI
#! runs exactly this (.ci/run).
#
# PostgreSQL: the local server (postgres://postgres@127.0.0.1:5432/postgres, or
# XINGQI_TEST_POSTGRES_URL); each test makes its own database there and drops it. If none is
# reachable the run fails and says so — set XINGQI_SKIP_POSTGRES=1 to skip that leg knowingly.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh --test
source scripts/env.sh

# One build per run and no incremental caches: they would only fill the disk.
export CARGO_INCREMENTAL=0

started=$(date +%s)
step() { printf '\n\033[1;32m==> %s\033[0m  (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }
banner() { printf '\n\033[1;31m%s\n%s\n%s\033[0m\n\n' "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" "$*" "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; }

pg_url="${XINGQI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
skip_pg=()
pg_hostport=$(printf '%s' "$pg_url" | sed -E 's#^[a-z]+://([^@/]*@)?([^/:?]+)(:([0-9]+))?.*#\2 \4#')
read -r pg_host pg_port <<< "$pg_hostport"
if (exec 3<>"/dev/tcp/$pg_host/${pg_port:-5432}") 2>/dev/null; then
  export XINGQI_TEST_POSTGRES_URL="$pg_url"
  echo "PostgreSQL leg: $pg_host:${pg_port:-5432}"
elif [ "${XINGQI_SKIP_POSTGRES:-}" = 1 ]; then
  banner "PostgreSQL is NOT reachable at $pg_host:${pg_port:-5432} and XINGQI_SKIP_POSTGRES=1: the PostgreSQL leg is SKIPPED (the test summary counts it as filtered out). Only SQLite is tested."
  skip_pg=(--skip postgres)
else
  banner "PostgreSQL is NOT reachable at $pg_host:${pg_port:-5432}: the PostgreSQL leg of the tests will FAIL. Start PostgreSQL (or point XINGQI_TEST_POSTGRES_URL at one), or set XINGQI_SKIP_POSTGRES=1 to skip it knowingly."
fi

step "format"
cargo fmt --all -- --check

step "structure: layers, import circles, file sizes"
python3 scripts/check_structure.py

# The server-side crates are linted and tested each in ONE cargo invocation: separate ones
# resolve different feature sets for the shared dependencies (tokio, hyper, axum, sqlx, leptos
# …) and so check and build most of the tree twice — measured: about 100 crates built twice.
server_side=(-p xingqi-domain -p app -p server --features app/ssr,xingqi-domain/files)

step "lints: server build (ssr)"
cargo clippy "${server_side[@]}" --all-targets -- -D warnings

step "lints: browser build (hydrate, wasm32)"
cargo clippy -p app -p hydrate --features app/hydrate,hydrate/hydrate --target wasm32-unknown-unknown -- -D warnings

step "unit and property tests (domain, app); storage, HTTP, protocol-model, SIGKILL and process tests on SQLite and PostgreSQL (server)"
cargo test "${server_side[@]}" -- "${skip_pg[@]}"

step "fuzzing the decoders: roster files and survey answers (${XINGQI_FUZZ_SECONDS:-20} s each; scripts/fuzz.sh runs an hour)"
scripts/fuzz.sh "${XINGQI_FUZZ_SECONDS:-20}"

# The API fuzzing and the browser journeys run the server binary the server suite just built
# (target/debug/xingqi: dependencies optimised, debug assertions on) with the release browser
# bundle: compiling the whole server again in release mode took a quarter of a fresh machine's
# run and tests nothing the journeys see. The demo and deployments build the release
# (scripts/build.sh); scripts/bench.sh measures the optimised build.
step "browser bundle (release wasm, JS, CSS; scripts/build.sh --bundle)"
scripts/build.sh --bundle target/debug
export XINGQI_BINARY="$root/target/debug/xingqi"

step "API fuzzing: schemathesis on /api/v1/openapi.json as a member, a secretary and an admin (${XINGQI_SCHEMATHESIS_EXAMPLES:-25} cases per operation; 0 answers 5xx)"
scripts/schemathesis.sh "${XINGQI_SCHEMATHESIS_EXAMPLES:-25}"

step "push benchmark, smoke run: xingqi on SQLite and PostgreSQL, pouchdb-server, the databases written directly (scripts/bench.sh --smoke; fails on any error answer)"
scripts/bench.sh --smoke

step "county benchmark, smoke run: a small synthetic county loaded into SQLite and PostgreSQL, recount --check, the bureau's roll-up equal to DuckDB's aggregate over the raw rows (scripts/bench_county.sh --smoke)"
scripts/bench_county.sh --smoke

# Firefox ESR and WebKitGTK first: run after the Chromium journeys, WebKitGTK's offline
# check-in journey timed out: its page never finished reading the phone's outbox (IndexedDB) (stop 26, reproduced three
# times: Playwright's full run, then this step; never with this step alone or after a single
# Playwright spec). Not explained yet — see issue 13's notes; in stop 27 it hung once with this
# order too. A hung or failed journey prints what the driver and browser wrote.
step "core journeys in Firefox ESR and WebKitGTK (WebDriver: geckodriver, WebKitWebDriver; offline by stopping a proxy; a journey that hangs 120 s or fails is killed and retried once in a fresh browser, loudly)"
(cd end2end && node engines/run.mjs firefox webkit)

step "browser journeys (Playwright, Debian's Chromium, phone viewport)"
(cd end2end && npx playwright test)

step "all tests passed"
