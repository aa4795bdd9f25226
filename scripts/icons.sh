#!/usr/bin/env bash
# Regenerates every app icon from the one source image, icons/source/citewise.svg.
# Needs rsvg-convert (librsvg2-bin); run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
src=icons/source/citewise.svg
command -v rsvg-convert >/dev/null || { echo "icons.sh: install librsvg2-bin (rsvg-convert)" >&2; exit 1; }
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$src" -o "icons/${size}x${size}.png"
done
rsvg-convert -w 256 -h 256 "$src" -o "icons/128x128@2x.png"
cp icons/512x512.png icons/icon.png
echo "icons written to icons/"
