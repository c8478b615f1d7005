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
#   5. the server with the LEPTOS_* settings compiled in — built at the same time as steps 1–4
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

step "browser bundle: hydrate → wasm32 (profile wasm-release)"
cargo build --package=hydrate --lib --target-dir=target/front \
  --target=wasm32-unknown-unknown --no-default-features --features=hydrate \
  --profile=wasm-release

step "wasm-bindgen, wasm-opt, JS and CSS"
rm -rf "$site"
mkdir -p "$pkg"
wasm-bindgen --target=web --no-typescript --out-name=$name --out-dir="$pkg" \
  target/front/wasm32-unknown-unknown/wasm-release/hydrate.wasm
mv "$pkg/${name}_bg.wasm" "$pkg/$name.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$pkg/$name.wasm" -o "$pkg/$name.wasm"
esbuild "$pkg/$name.js" --minify --format=esm --log-level=warning \
  --outfile="$pkg/$name.min.js"
mv "$pkg/$name.min.js" "$pkg/$name.js"
sass --no-source-map style/main.scss "$pkg/$name.scss.css"
lightningcss --minify --targets defaults "$pkg/$name.scss.css" -o "$pkg/$name.css"
rm "$pkg/$name.scss.css"
cp -R public/. "$site/"

step "content hashes"
mkdir -p "$hash_dir"
python3 - "$pkg" "$name" "$hash_dir/hash.txt" <<'PY'
import base64, hashlib, pathlib, sys
pkg, name, out = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
hashes = {}
for ext in ("js", "wasm", "css"):
    f = pkg / f"{name}.{ext}"
    h = base64.urlsafe_b64encode(hashlib.md5(f.read_bytes()).digest()).decode().rstrip("=")
    f.rename(pkg / f"{name}.{h}.{ext}")
    hashes[ext] = h
out.write_text("".join(f"{ext}: {h}\n" for ext, h in hashes.items()))
PY

if [ -n "$server" ]; then
  step "waiting for the server build"
  wait "$server"
  trap - EXIT
  step "built: target/release/xingqi and $site"
else
  step "built: $site (hashes in $hash_dir/hash.txt)"
fi
