#!/usr/bin/env bash
# The supply-chain part of `make lint`: known advisories against what Citewise ships.
#   Rust  cargo-deny's advisories check of Cargo.lock, every platform (config and the commented
#         ignore list in deny.toml); installs the pinned cargo-deny from crates.io when missing.
#   npm   `npm audit --omit=dev`: the npm runtime dependencies (there are none today).
#
# cargo-deny reads the RustSec advisory database, which lives on GitHub. It comes from the first
# of these that exists:
#   $CITEWISE_ADVISORY_DB           a snapshot made by scripts/advisory-snapshot.sh (.tar.gz)
#   ../shared/advisory-db.tar.gz     the same, beside the checkout (CI reaches no GitHub)
#   GitHub                          cargo-deny fetches it itself (a machine that reaches github.com)
# A snapshot is dated by its commit; deny.toml's maximum-db-staleness fails one that is too old.
set -euo pipefail
cd "$(dirname "$0")/.."
deny_version=0.20.2
warn_days=30

say() { printf '\033[1m[audit]\033[0m %s\n' "$*" >&2; }

if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $deny_version" ]; then
  say "installing cargo-deny $deny_version from crates.io (cargo install --locked, a few minutes)"
  cargo install cargo-deny --version "$deny_version" --locked --quiet
fi

# Every platform's crates, so cargo-deny's `cargo metadata` needs no network below; --locked
# fails here, with cargo's own message, when Cargo.lock does not match Cargo.toml.
cargo fetch --locked --quiet

# deny.toml keeps the databases in target/advisory-dbs; cargo-deny names the default database's
# folder after a hash of its URL (https://github.com/RustSec/advisory-db).
db_dir=target/advisory-dbs/advisory-db-3157b0e258782691
snapshot=${CITEWISE_ADVISORY_DB:-}
if [ -z "$snapshot" ] && [ -f ../shared/advisory-db.tar.gz ]; then snapshot=../shared/advisory-db.tar.gz; fi
# An unpacked snapshot has SNAPSHOT and no git repository: never let cargo-deny `git fetch` into it.
[ -f "$db_dir/SNAPSHOT" ] && rm -rf "$db_dir"

if [ -n "$snapshot" ]; then
  [ -f "$snapshot" ] || { say "CITEWISE_ADVISORY_DB=$snapshot: no such file"; exit 1; }
  mkdir -p "$db_dir"
  tar -xzf "$snapshot" -C "$db_dir" --strip-components=1
  date=$(sed -n 's/^date //p' "$db_dir/SNAPSHOT")
  [ -n "$date" ] || { say "$snapshot has no date in advisory-db/SNAPSHOT: remake it with scripts/advisory-snapshot.sh"; exit 1; }
  # cargo-deny dates a database by .git/FETCH_HEAD: give it the snapshot's commit date.
  mkdir -p "$db_dir/.git"
  touch -d "$date" "$db_dir/.git/FETCH_HEAD"
  age=$(( ($(date +%s) - $(date -d "$date" +%s)) / 86400 ))
  say "RustSec advisory database: snapshot $snapshot, $(sed -n 's/^commit //p' "$db_dir/SNAPSHOT" | cut -c1-12) of $date ($age days old)"
  if [ "$age" -gt "$warn_days" ]; then
    say "warning: the snapshot is over $warn_days days old; refresh it (CONTRIBUTING.md, \"Advisories\")"
  fi
  fetch=(--offline)
else
  say "RustSec advisory database: no snapshot (\$CITEWISE_ADVISORY_DB, ../shared/advisory-db.tar.gz); fetching it from GitHub"
  fetch=()
fi

if ! cargo deny "${fetch[@]}" --locked check advisories; then
  say "the advisories check failed: see above (CONTRIBUTING.md, \"Advisories\")."
  say "  an advisory: upgrade the crate, or add it to deny.toml's ignore list with its reason"
  if [ -n "$snapshot" ]; then
    say "  \"repository is stale\": $snapshot is too old; make a new one with scripts/advisory-snapshot.sh"
  else
    say "  \"failed to fetch\": GitHub is out of reach (as in CI). Make a snapshot where it is reachable,"
    say "  scripts/advisory-snapshot.sh advisory-db.tar.gz, and put it at ../shared/advisory-db.tar.gz"
    say "  or name it in CITEWISE_ADVISORY_DB"
  fi
  exit 1
fi

# No request is made while package.json has no runtime dependencies; the libraries copied into
# ui/vendor are devDependencies (see CONTRIBUTING.md, "Advisories").
if ! npm audit --omit=dev --audit-level=low; then
  say "npm audit --omit=dev failed: a runtime dependency has an advisory, or the registry's audit endpoint could not be reached."
  exit 1
fi
