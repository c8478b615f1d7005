#!/usr/bin/env bash
#! Builds the release: the size-optimised browser bundle (wasm + JS + CSS, content-hashed) under
#! target/site and the server binary target/release/xingqi — what `cargo leptos build --release`
#! does for this project, with the same names and settings, but without cargo-leptos itself
#! (730 crates to build on a fresh machine, most of the set-up's time, for a few steps a script
#! does as well).
#
#   scripts/build.sh        the release, as the demo and a deployment use it
#   scripts/build.sh --bundle DIR
#                           only the browser bundle (the same release bundle), its hash.txt
#                           written into DIR — beside a server binary built otherwise: the test
#                           command runs its browser journeys against the server its own test
#                           build already made (target/debug), instead of compiling the whole
#                           server again in release mode
#
# Steps (cargo-leptos 0.3's release pipeline, kept in step with `[workspace.metadata.leptos]`
# in Cargo.toml):
#   1. the `hydrate` crate for wasm32 with `[profile.wasm-release]`, in target/front;
#   2. wasm-bindgen (`--target web`), the module renamed to xingqi.wasm, wasm-opt -Oz;
#   3. the JS glue minified (esbuild) and the style compiled (sass) and minified for the
#      browsers `defaults` names (lightningcss);
#   4. public/ copied in; js, wasm and css renamed with their content hash (MD5, base64url, as
#      cargo-leptos does) and the hashes written to target/release/hash.txt, which the server
#      reads beside its binary;
#   1–4 three times: the full bundle (`xingqi`) and the phone pages' small ones
#      (`xingqi-member`: check-in; `xingqi-answer`: answering a survey; app/src/bundle.rs), their
#      hashes in hash-member.txt and hash-answer.txt — cargo-leptos builds one bundle, so this
#      script is the build;
#   5. every file of the site compressed beside itself (`.br`, `.gz`), served precompressed;
#   6. the server with the LEPTOS_* settings compiled in — built at the same time as steps 1–5
#      (its own target folder; the wasm's fat LTO links on one core, so the other is free).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

name=xingqi
site=target/site
pkg="$site/pkg"
export LEPTOS_OUTPUT_NAME=$name LEPTOS_SITE_ROOT=$site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app/hydrate \
  LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=true \
  LEPTOS_HASH_FILE_NAME=hash.txt
step() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }

hash_dir=target/release
server=""
if [ "${1:-}" = "--bundle" ]; then
  hash_dir="${2:?scripts/build.sh --bundle DIR}"
else
  step "server (release), in the background"
  cargo build --package=server --bin=xingqi --no-default-features --release &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
fi

# wasm_bundle STEM FEATURES HASH_FILE: one browser bundle (wasm, JS glue) named STEM, its
# hashes written to HASH_FILE. The two builds differ only in features: cargo keeps both
# variants of the `app` and `hydrate` crates in target/front, so neither rebuilds the other.
wasm_bundle() {
  local stem=$1 features=$2 hashes=$3
  step "browser bundle $stem: hydrate ($features) → wasm32 (profile wasm-release)"
  RUSTFLAGS="${wasm_rustflags[*]}" cargo "${wasm_toolchain[@]}" build --package=hydrate --lib \
    --target-dir=target/front --target=wasm32-unknown-unknown --no-default-features \
    --features="$features" --profile=wasm-release "${wasm_build_std[@]}"
  wasm-bindgen --target=web --no-typescript --out-name="$stem" --out-dir="$pkg" \
    target/front/wasm32-unknown-unknown/wasm-release/hydrate.wasm
  mv "$pkg/${stem}_bg.wasm" "$pkg/$stem.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$pkg/$stem.wasm" -o "$pkg/$stem.wasm"
  esbuild "$pkg/$stem.js" --minify --format=esm --log-level=warning \
    --outfile="$pkg/$stem.min.js"
  mv "$pkg/$stem.min.js" "$pkg/$stem.js"
  hash_names "$stem" "$hashes" js wasm
}

# hash_names STEM HASH_FILE EXT…: renames pkg/STEM.EXT with its content hash (MD5, base64url,
# as cargo-leptos does) and writes the hashes to HASH_FILE, which the server reads beside its
# binary.
hash_names() {
  local stem=$1 out=$2
  shift 2
  python3 - "$pkg" "$stem" "$out" "$@" <<'PY'
import base64, hashlib, pathlib, sys
pkg, name, out, exts = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3]), sys.argv[4:]
lines = out.read_text() if out.exists() else ""
for ext in exts:
    f = pkg / f"{name}.{ext}"
    h = base64.urlsafe_b64encode(hashlib.md5(f.read_bytes()).digest()).decode().rstrip("=")
    f.rename(pkg / f"{name}.{h}.{ext}")
    lines += f"{ext}: {h}\n"
out.write_text(lines)
PY
}

# Smaller code: components type-erased (`erase_components`: far fewer generic copies of the
# view code) and, where the nightly toolchain with its standard library's source is present
# (scripts/setup.sh adds it), the standard library rebuilt to abort on a panic without the
# message machinery. Measured on the member's bundle, brotli: 342 KB plain, 286 KB erased,
# 263 KB erased on nightly (BENCHMARKS.md, "What a phone downloads").
wasm_rustflags=(--cfg erase_components)
wasm_toolchain=()
wasm_build_std=()
if rustup run nightly rustc --version >/dev/null 2>&1 \
   && rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  wasm_toolchain=(+nightly)
  wasm_rustflags+=(-Zunstable-options -Cpanic=immediate-abort)
  wasm_build_std=(-Zbuild-std=std,panic_abort)
else
  printf '\033[1;33m[build] no nightly toolchain with rust-src: the browser bundles are built on stable, about 9%% larger (scripts/setup.sh adds it)\033[0m\n'
fi

rm -rf "$site"
mkdir -p "$pkg" "$hash_dir"
rm -f "$hash_dir"/hash*.txt
wasm_bundle $name hydrate "$hash_dir/hash.txt"
wasm_bundle $name-member hydrate,member "$hash_dir/hash-member.txt"
wasm_bundle $name-answer hydrate,answer "$hash_dir/hash-answer.txt"

step "style"
sass --no-source-map style/main.scss "$pkg/$name.scss.css"
lightningcss --minify --targets defaults "$pkg/$name.scss.css" -o "$pkg/$name.css"
rm "$pkg/$name.scss.css"
hash_names $name "$hash_dir/hash.txt" css
cp -R public/. "$site/"

step "precompressed copies (brotli at quality 11, gzip at level 9), served as they are"
node "$root/scripts/precompress.mjs" "$site"

if [ -n "$server" ]; then
  step "waiting for the server build"
  wait "$server"
  trap - EXIT
  step "built: target/release/xingqi and $site"
else
  step "built: $site (hashes in $hash_dir/hash.txt)"
fi
