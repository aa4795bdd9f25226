#!/usr/bin/env bash
# Packs a snapshot of the RustSec advisory database for machines that cannot reach GitHub (CI).
#   scripts/advisory-snapshot.sh OUT.tar.gz [SOURCE]
# SOURCE is anything `git clone` takes: by default the upstream repository; a local clone or
# mirror works the same. The archive holds advisory-db/crates/ (the only part cargo-deny reads,
# ≈ 0.5 MB packed) and advisory-db/SNAPSHOT, which names the commit and its date:
# scripts/audit.sh dates the snapshot by that commit, never by when the file was copied.
set -euo pipefail
out=${1:?usage: scripts/advisory-snapshot.sh OUT.tar.gz [SOURCE]}
source=${2:-https://github.com/rustsec/advisory-db}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet --depth 1 --no-tags "$source" "$work/clone"
mkdir "$work/advisory-db"
cp -a "$work/clone/crates" "$work/advisory-db/"
{
  echo "source $source"
  git -C "$work/clone" log -1 --format='commit %H%ndate %cI'
} > "$work/advisory-db/SNAPSHOT"
tar -czf "$work/out.tar.gz" -C "$work" advisory-db
mv "$work/out.tar.gz" "$out"
echo "wrote $out:"
sed 's/^/  /' "$work/advisory-db/SNAPSHOT"
