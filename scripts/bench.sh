#!/usr/bin/env bash
#! The push benchmark: builds the release server and runs `sync_bench` against SQLite and
#! PostgreSQL with a few loads. Figures go to stdout; BENCHMARKS.md keeps the latest ones.
#!
#!   scripts/bench.sh                 default loads
#!   scripts/bench.sh --devices 100   extra arguments go to every run
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cargo build --profile bench-release -p server --bin xingqi --example sync_bench
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
for backend in sqlite postgres; do
  for load in "--devices 10 --batches 50 --batch-size 1" "--devices 40 --batches 25 --batch-size 10" "--devices 100 --batches 10 --batch-size 50"; do
    # shellcheck disable=SC2086
    target/bench-release/examples/sync_bench --binary target/bench-release/xingqi --backend "$backend" $load "$@"
  done
done
