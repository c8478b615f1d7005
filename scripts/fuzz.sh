#!/usr/bin/env bash
#! Fuzzes the decoders of what users send — roster files (CSV in any encoding, XLSX) and survey
#! answers against campaign definitions — with cargo-fuzz on the nightly toolchain, for SECONDS
#! per target (default 3600: the benchmark run; the test command runs a short smoke of each).
#! A crash, a leak past the memory limit or a hang fails the run and leaves its input in
#! fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh          an hour per target; prints the executions and the coverage reached
#   scripts/fuzz.sh 20       twenty seconds per target
#   scripts/fuzz.sh 3600 roster_file
#                            one target only (two runs side by side use both cores)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
seconds="${1:-3600}"
export CARGO_TARGET_DIR="$root/target/fuzz"
mkdir -p "$root/target/fuzz-logs"
targets=("${@:2}")
[ ${#targets[@]} -gt 0 ] || targets=(roster_file survey_answer)
for target in "${targets[@]}"; do
  corpus="$root/target/fuzz-corpus/$target"
  log="$root/target/fuzz-logs/$target.log"
  mkdir -p "$corpus"
  echo "== fuzzing $target for ${seconds}s (log: $log)"
  # The corpus grows across runs; the seeds (a good CSV and XLSX, a good answer) start it.
  if ! (cd fuzz && cargo +nightly fuzz run "$target" "$corpus" "seeds/$target" -- \
      -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1) >"$log" 2>&1; then
    tail -40 "$log"
    echo "!! $target failed: see $log and fuzz/artifacts/$target/"
    exit 1
  fi
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" || tail -5 "$log"
done
