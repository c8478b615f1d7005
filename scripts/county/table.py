"""The county benchmark's table from its results (one JSON line per measured target): fails if
xingqi's roll-up differs from DuckDB's aggregate for any school, else prints the Markdown table
BENCHMARKS.md keeps, each figure beside the issue's target.

    python3 table.py RESULTS.jsonl
"""

import json
import sys


def main():
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    duck = next(r for r in rows if r["target"] == "duckdb")
    failed = False
    for r in rows:
        if r["target"] != "xingqi":
            continue
        if r["schools"] != duck["schools"]:
            failed = True
            diff = [(k, r["schools"].get(k), duck["schools"].get(k))
                    for k in sorted(set(r["schools"]) | set(duck["schools"]))
                    if r["schools"].get(k) != duck["schools"].get(k)]
            print(f"xingqi on {r['backend']} differs from DuckDB for {len(diff)} school(s): "
                  f"{diff[:5]}", file=sys.stderr)
    year = duck["year"]
    print(f"\nYear {year}; {len(duck['schools'])} schools; DuckDB {duck['version']} "
          f"(loaded the CSVs in {duck['load_s']} s), roll-up p50 {duck['rollup']['p50_ms']} ms.\n")
    print("| | load | recount --check | roll-up p50 (vs DuckDB, target ≤ 1.5×) | roll-up p95 "
          "| branch page p50 / p95 (≤ 10 ms) | rating page p50 / p95 (≤ 10 ms) "
          "| RSS max sampled / peak (≤ 150 MB) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["target"] != "xingqi":
            continue
        ratio = r["rollup"]["p50_ms"] / duck["rollup"]["p50_ms"]
        secs = lambda v: v if isinstance(v, str) else f"{v} s"  # "kept": loaded by an earlier run
        print(f"| xingqi on {r['backend']} | {secs(r['load_s'])} | {secs(r['recount_check_s'])} "
              f"| {r['rollup']['p50_ms']} ms ({ratio:.2f}×) | {r['rollup']['p95_ms']} ms "
              f"| {r['branch_page']['p50_ms']} / {r['branch_page']['p95_ms']} ms "
              f"| {r['rating_page']['p50_ms']} / {r['rating_page']['p95_ms']} ms "
              f"| {r['rss_mb_max_sampled']} / {r['rss_mb_peak']} MB |")
    print(f"| DuckDB (same aggregate over the raw rows) | {duck['load_s']} s | — "
          f"| {duck['rollup']['p50_ms']} ms | {duck['rollup']['p95_ms']} ms | — | — | — |")
    if failed:
        sys.exit("the roll-up's figures differ from DuckDB's over the same rows")
    print("\nThe roll-up's figures equal DuckDB's for every school.")


if __name__ == "__main__":
    main()
