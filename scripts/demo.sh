#!/usr/bin/env bash
#! Installs what is missing, builds the release, and runs xingqi on SQLite with the demo school.
#
#   scripts/demo.sh                      serves http://127.0.0.1:3000, data in ./xingqi.db
#   XINGQI_ADDR=0.0.0.0:8080 scripts/demo.sh    another address (e.g. to try it from a phone)
#   scripts/demo.sh --school             no demo: a real school, set up from the one-time link
#                                        the server prints (data in ./xingqi-school.db)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh
source scripts/env.sh
scripts/build.sh
export LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD
if [ "${1:-}" = "--school" ]; then
  export DATABASE_URL="${DATABASE_URL:-sqlite://xingqi-school.db}"
  exec target/release/xingqi
fi
export DATABASE_URL="${DATABASE_URL:-sqlite://xingqi.db}"
exec target/release/xingqi --demo
