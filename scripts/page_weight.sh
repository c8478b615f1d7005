#!/usr/bin/env bash
#! What a phone downloads: builds the release (scripts/build.sh, the README's build), serves it
#! with the demo school, and measures each page's first load in Chromium — HTML, CSS, JS and
#! wasm as they come over the wire, compressed — and what the service worker precaches after;
#! then shows with twiggy what takes the room in the member's wasm. The table goes to stdout
#! and target/e2e/page-weight.md; BENCHMARKS.md keeps the latest.
#!
#!   scripts/page_weight.sh            build, then measure
#!   scripts/page_weight.sh --no-build measure the build already there
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
if [ "${1:-}" != "--no-build" ]; then scripts/build.sh; fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(rustc +nightly -V 2>/dev/null || rustc -V)"
(cd end2end && XINGQI_BINARY="$root/target/release/xingqi" npx playwright test tests/phone.spec.ts -g "weigh at most")
cat target/e2e/page-weight.md
ls -l target/site/pkg/*.wasm.br | awk '{print $5, $9}'

# twiggy (a Rust crate) reads the member bundle before wasm-bindgen and wasm-opt, while its
# functions still have their names.
if ! command -v twiggy >/dev/null; then
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --locked twiggy --version 0.8.0 --root "${XINGQI_TOOLS:-$HOME/.cache/xingqi-tools}"
fi
source scripts/env.sh
wasm_flags=(--cfg erase_components)
toolchain=()
std=()
if rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  toolchain=(+nightly); wasm_flags+=(-Zunstable-options -Cpanic=immediate-abort); std=(-Zbuild-std=std,panic_abort)
fi
RUSTFLAGS="${wasm_flags[*]}" cargo "${toolchain[@]}" build --package=hydrate --lib --target-dir=target/front \
  --target=wasm32-unknown-unknown --no-default-features --features=hydrate,member \
  --profile=wasm-release "${std[@]}" 2>/dev/null
twiggy top -n 25 target/front/wasm32-unknown-unknown/wasm-release/hydrate.wasm | cut -c1-150
twiggy top -n 100000 -f csv -o target/e2e/twiggy-member.csv target/front/wasm32-unknown-unknown/wasm-release/hydrate.wasm
python3 - <<'PY'
import collections, csv, re
sizes = collections.Counter()
for row in csv.DictReader(open("target/e2e/twiggy-member.csv")):
    name, size = row["Name"], int(row["ShallowSize"])
    if "section" in name or "wbindgen_describe" in name:
        continue
    m = re.match(r"[<&\s]*(?:mut\s+|dyn\s+)?(?:\w+ as\s+)?([A-Za-z_0-9]+)(\[|::)", name)
    sizes[m.group(1) if m else "(other)"] += size
total = sum(sizes.values())
print(f"\nmember bundle before wasm-opt, by crate ({total} bytes of code and data):")
for crate, size in sizes.most_common(12):
    print(f"  {crate:<22} {size:>8}  {100 * size / total:4.1f} %")
PY
