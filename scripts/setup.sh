#!/usr/bin/env bash
#! Installs what building, running and testing xingqi need, once.
#
# Everything comes from a package registry (crates.io, npm, Debian): nothing is downloaded from
# anywhere else. Tools go to one fixed folder ($XINGQI_TOOLS, default ~/.cache/xingqi-tools) and
# each step is skipped when the right version is already there, so a second run takes seconds.
#
#   scripts/setup.sh          tools to build and run (wasm target, wasm-bindgen, wasm-opt, sass,
#                             esbuild, lightningcss; scripts/build.sh uses them)
#   scripts/setup.sh --test   the same, plus the browsers (Chromium, Firefox ESR, WebKitGTK) with
#                             their drivers and the Playwright and WebDriver packages for the
#                             browser tests, and cargo-fuzz with the nightly toolchain
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${XINGQI_TOOLS:-$HOME/.cache/xingqi-tools}"
# Must equal the `wasm-bindgen = "=…"` pin in Cargo.toml, or the wasm build fails with a
# "schema version" error.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' "$root/Cargo.toml")
BINARYEN_VERSION=132.0.0   # Debian's binaryen 108 breaks the release wasm; npm's 132 does not
SASS_VERSION=1.108.2
ESBUILD_VERSION=0.28.2
LIGHTNINGCSS_VERSION=1.33.0
CARGO_FUZZ_VERSION=0.13.2
GECKODRIVER_VERSION=0.37.1   # drives Debian's firefox-esr in the three-engine journeys

mkdir -p "$TOOLS/bin" "$TOOLS/src"
export PATH="$TOOLS/bin:$TOOLS/node/node_modules/.bin:$PATH"
log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# install_crate NAME VERSION BIN "cargo update args…" "install flags…"
# Fetches the published source from crates.io, repairs its lock file where one pinned crate no
# longer builds here, and installs it into $TOOLS.
install_crate() {
  local name=$1 version=$2 bin=$3 fix=$4 flags=$5
  # (grep reads all of it: with -q a tool that panics on a closed pipe would fail the check)
  if "$TOOLS/bin/$bin" --version 2>/dev/null | grep " $version" >/dev/null; then return; fi
  log "installing $name $version (a few minutes, once)"
  local dir="$TOOLS/src/$name-$version"
  if [ ! -f "$dir/Cargo.toml" ]; then
    curl -sSfL "https://static.crates.io/crates/$name/$name-$version.crate" | tar -xz -C "$TOOLS/src"
  fi
  if [ -n "$fix" ]; then (cd "$dir" && cargo update $fix); fi
  # Built for build time, not speed: these tools do little work per run, and cargo-leptos' own
  # profile (fat LTO, one codegen unit) alone took most of a fresh machine's set-up.
  # shellcheck disable=SC2086
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
    cargo install --path "$dir" --locked --root "$TOOLS" $flags
}
# The browser bundles are built smaller on the nightly toolchain with its standard library's
# source (scripts/build.sh; it falls back to stable, larger, without them).
if ! rustup toolchain list | grep -q '^nightly'; then
  log "adding the nightly toolchain (smaller browser bundles; the fuzzers)"
  rustup toolchain install nightly --profile minimal
fi
if ! rustup component list --toolchain nightly --installed | grep -q '^rust-src'; then
  log "adding the nightly standard library's source (rebuilt for the browser bundles)"
  rustup component add rust-src --toolchain nightly
fi

# wasm-bindgen-cli's lock pins a webpki-roots the registry no longer serves.
install_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen \
  "-p webpki-roots --precise 1.0.10" ""

node_tool_ok() { [ -f "$TOOLS/node/node_modules/$1/package.json" ] && grep -q "\"version\": \"$2\"" "$TOOLS/node/node_modules/$1/package.json"; }
# The front end's build tools, from the npm registry (esbuild and lightningcss bring their
# native binaries as npm packages of their own).
if ! node_tool_ok binaryen "$BINARYEN_VERSION" || ! node_tool_ok sass "$SASS_VERSION" \
   || ! node_tool_ok esbuild "$ESBUILD_VERSION" \
   || ! node_tool_ok lightningcss-cli "$LIGHTNINGCSS_VERSION"; then
  log "installing wasm-opt (npm binaryen $BINARYEN_VERSION), sass, esbuild and lightningcss"
  mkdir -p "$TOOLS/node"
  npm install --prefix "$TOOLS/node" --no-audit --no-fund --silent \
    "binaryen@$BINARYEN_VERSION" "sass@$SASS_VERSION" "esbuild@$ESBUILD_VERSION" \
    "lightningcss-cli@$LIGHTNINGCSS_VERSION"
fi

if [ "${1:-}" = "--test" ]; then
  # The fuzzers: cargo-fuzz, run on the nightly toolchain (with its address sanitizer).
  install_crate cargo-fuzz "$CARGO_FUZZ_VERSION" cargo-fuzz "" ""
  # The browsers, from Debian: Chromium (Playwright), Firefox ESR and WebKitGTK's WebDriver
  # with its MiniBrowser (the three-engine journeys, end2end/engines/), Xvfb for WebKitGTK,
  # which has no headless mode. Nothing downloads a browser or a driver from elsewhere.
  # pg_dump and pg_restore (postgresql-client) for the backup test's PostgreSQL leg; nginx
  # (nginx-light) in front of two servers for the multi-instance test.
  if ! command -v chromium >/dev/null || ! command -v firefox-esr >/dev/null \
     || ! command -v WebKitWebDriver >/dev/null || ! command -v Xvfb >/dev/null \
     || ! command -v pg_dump >/dev/null || ! PATH="$PATH:/usr/sbin" command -v nginx >/dev/null; then
    log "installing Debian's chromium, firefox-esr, webkit2gtk-driver, xvfb, postgresql-client and nginx-light for the tests"
    export DEBIAN_FRONTEND=noninteractive
    sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq chromium firefox-esr webkit2gtk-driver xvfb postgresql-client nginx-light >/dev/null
  fi
  # geckodriver, Firefox's WebDriver, from its crate (its own downloads of nothing).
  install_crate geckodriver "$GECKODRIVER_VERSION" geckodriver "" ""
  if [ ! -d "$root/end2end/node_modules/@playwright/test" ] \
     || [ "$root/end2end/package-lock.json" -nt "$root/end2end/node_modules/.package-lock.json" ]; then
    log "installing the Playwright packages (no browser download: Debian's chromium is used)"
    (cd "$root/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
fi
log "tools ready in $TOOLS"
