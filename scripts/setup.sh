#!/usr/bin/env bash
# Installs what Citewise needs on Debian 12 / Ubuntu 22.04+, skipping whatever is already there.
#   scripts/setup.sh app    build and run the app
#   scripts/setup.sh test   also everything the test suite drives (Xvfb, WebDriver, keyring, npm)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-test}

APP_PKGS=(build-essential pkg-config libwebkit2gtk-4.1-dev librsvg2-dev libdbus-1-dev)
TEST_PKGS=(python3 webkit2gtk-driver xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools imagemagick fonts-dejavu-core fonts-noto-color-emoji chromium chromium-driver desktop-file-utils rpm x11-utils python3-tk)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

pkgs=("${APP_PKGS[@]}")
[ "$what" = test ] && pkgs+=("${TEST_PKGS[@]}")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  say "Rust is not installed. Install it from https://rustup.rs (rustup), then run this again." >&2
  exit 1
fi

if [ "$what" = test ]; then
  if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    say "Node.js 20 or newer is needed for the end-to-end tests" >&2
    exit 1
  fi
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  if ! command -v tauri-driver >/dev/null; then
    say "installing tauri-driver (cargo install --locked)"
    cargo install tauri-driver --locked --quiet
  fi
fi
