#!/usr/bin/env bash
#! Fuzzes the HTTP API described at /api/v1/openapi.json with schemathesis (PyPI), signed in as a
#! member, a secretary and an admin of the demo school (an unauthenticated run would stop at
#! 401): EXAMPLES generated cases per operation and role (default 2000: the benchmark run; the
#! test command runs 25: with the coverage phase that is still thousands of requests per role),
#! and fails on any 5xx answer. Rate limits are raised for the run.
#
#   scripts/schemathesis.sh          the long run
#   scripts/schemathesis.sh 25       the test command's run
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
examples="${1:-2000}"
TOOLS="${XINGQI_TOOLS:-$HOME/.cache/xingqi-tools}"
venv="$TOOLS/schemathesis-venv"
SCHEMATHESIS_VERSION=4.32.5
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "installing schemathesis $SCHEMATHESIS_VERSION (PyPI) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi
# The server to fuzz: XINGQI_BINARY (the test command's own build), else the release.
binary="${XINGQI_BINARY:-$root/target/release/xingqi}"
[ -x "$binary" ] || { echo "build the release first: scripts/build.sh"; exit 1; }

work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
DATABASE_URL="sqlite://$work/st.db" XINGQI_ADDR="127.0.0.1:$port" XINGQI_DATA_DIR="$work/data" \
  LEPTOS_SITE_ROOT="$root/target/site" LEPTOS_OUTPUT_NAME=xingqi XINGQI_RATE_LIMITS=x1000 \
  RUST_LOG=warn "$binary" --demo >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

status=0
for who in m1-01 sec1 admin; do
  jar="$work/$who.cookies"
  curl -sf -c "$jar" -o /dev/null -d "username=$who&password=xingqi2026&next=" "$base/auth/login"
  session=$(awk '$6 == "xingqi_session" {print $7}' "$jar")
  [ -n "$session" ] || { echo "could not sign in as $who"; exit 1; }
  echo "== schemathesis as $who: $examples cases per operation"
  if ! "$venv/bin/st" run "$base/api/v1/openapi.json" \
      -H "Cookie: xingqi_session=$session" \
      --checks not_a_server_error --max-examples "$examples" --seed 2026 \
      --report junit --report-junit-path "$work/$who.xml" \
      --warnings off >"$work/$who.log" 2>&1; then
    status=1
    tail -60 "$work/$who.log"
  fi
  python3 - "$work/$who.xml" "$who" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.iter("testcase")
total = sum(1 for _ in root.iter("testcase"))
print(f"   {sys.argv[2]}: {total} operations tested (junit: {sys.argv[1]})")
PY
  grep -E "test cases|passed|failed|Summary|generated" "$work/$who.log" | tail -6 || true
done
if grep -q "panicked" "$work/server.log"; then
  echo "!! the server logged a panic:"; grep -A5 panicked "$work/server.log" | head -40; status=1
fi
exit $status
