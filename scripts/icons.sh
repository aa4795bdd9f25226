#!/usr/bin/env bash
# Regenerates every app icon from the one source image, icons/source/citewise.svg:
#   icons/<n>x<n>.png   Linux (hicolor) sizes, drawn by rsvg-convert; at 16 px the mark's edges sit
#                       on whole pixels (the source is drawn on a 32-unit grid)
#   icons/icon.ico      Windows (16–256 px), icons/icon.icns macOS, both by `tauri icon`
#   ui/app-icon.svg     the mark in the About dialog (a copy of the source)
# Needs rsvg-convert (librsvg2-bin) and Node (the pinned Tauri CLI, see scripts/tauri.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
src=icons/source/citewise.svg
command -v rsvg-convert >/dev/null || { echo "icons.sh: install librsvg2-bin (rsvg-convert)" >&2; exit 1; }
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$src" -o "icons/${size}x${size}.png"
done
cp icons/512x512.png icons/icon.png

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scripts/tauri.sh icon "$src" --output "$tmp" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
cp "$tmp/icon.ico" "$tmp/icon.icns" icons/
cp "$src" ui/app-icon.svg
echo "icons written to icons/"
