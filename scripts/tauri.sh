#!/usr/bin/env bash
# Runs the Tauri CLI at the version Citewise pins, installing it from npm first when it is missing.
#   scripts/tauri.sh bundle --bundles deb      scripts/tauri.sh icon …
# The CLI is not in package.json: its lock would have to list every platform's binary package, and
# `npm ci` for the tests must not depend on them. So it is installed --no-save, next to the others.
set -euo pipefail
cd "$(dirname "$0")/.."
version=2.12.5
bin=node_modules/.bin/tauri
command -v npm >/dev/null || { echo "tauri.sh: the Tauri CLI comes from npm: install Node.js 18 or newer" >&2; exit 1; }
if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "tauri-cli $version" ]; then
  printf '\033[1m[tauri]\033[0m installing @tauri-apps/cli@%s from npm\n' "$version" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error "@tauri-apps/cli@$version" >&2
fi
exec "$bin" "$@"
