#!/usr/bin/env bash
# Launches Citewise against the local Perplexity-compatible server: an offline demo that needs
# no API key and costs nothing. Usage: scripts/demo.sh [target dir with both binaries]
set -euo pipefail
bin=${1:-target/debug}
data=${CITEWISE_DATA_DIR:-$(mktemp -d -t citewise-demo-XXXX)}
log=$(mktemp -t citewise-mock-XXXX.log)
"$bin/citewise-mock" --port 0 >"$log" 2>&1 &
mock=$!
trap 'kill "$mock" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -n1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || { cat "$log" >&2; echo "demo: the mock server did not start" >&2; exit 1; }
echo "demo: local server at $url, data in $data (add #mock:slow, #mock:drop, #mock:reasoning … to a question)"
PERPLEXITY_BASE_URL=$url PERPLEXITY_API_KEY=pplx-demo-key CITEWISE_DATA_DIR=$data "$bin/citewise"
