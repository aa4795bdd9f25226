#!/usr/bin/env bash
# The supply-chain part of `make lint`: known advisories against what Citewise ships.
#   Rust  cargo-deny's advisories check of Cargo.lock, every platform (config and the commented
#         ignore list in deny.toml); installs the pinned cargo-deny from crates.io when missing.
#   npm   `npm audit --omit=dev`: the libraries the window runs (package.json's dependencies,
#         copied into ui/vendor), through the registry's audit endpoint.
#
# cargo-deny reads the RustSec advisory database, which lives on GitHub. It comes from the first
# of these that exists:
#   $CITEWISE_ADVISORY_DB           a snapshot made by scripts/advisory-snapshot.sh (.tar.gz)
#   ../shared/advisory-db.tar.gz     the same, beside the checkout
#   GitHub                          cargo-deny fetches it itself (a machine that reaches github.com)
# A snapshot is dated by its commit; deny.toml's maximum-db-staleness fails one that is too old.
# A source that cannot be reached (no database, an audit endpoint that does not answer) is not a
# pass: the script says so at the end, loudly, and fails with CITEWISE_REQUIRE_ADVISORIES=1.
set -euo pipefail
cd "$(dirname "$0")/.."
deny_version=0.20.2
warn_days=30

say() { printf '\033[1m[audit]\033[0m %s\n' "$*" >&2; }

# What could not be checked here, said at the end (and fatal with CITEWISE_REQUIRE_ADVISORIES=1).
unchecked=()

# deny.toml keeps the databases in target/advisory-dbs; cargo-deny names the default database's
# folder after a hash of its URL (https://github.com/RustSec/advisory-db).
db_dir=target/advisory-dbs/advisory-db-3157b0e258782691
snapshot=${CITEWISE_ADVISORY_DB:-}
if [ -z "$snapshot" ] && [ -f ../shared/advisory-db.tar.gz ]; then snapshot=../shared/advisory-db.tar.gz; fi
# An unpacked snapshot has SNAPSHOT and no git repository: never let cargo-deny `git fetch` into it.
[ -f "$db_dir/SNAPSHOT" ] && rm -rf "$db_dir"

fetch=()
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
  rust=check
elif timeout 30 git ls-remote https://github.com/RustSec/advisory-db HEAD >/dev/null 2>&1; then
  say "RustSec advisory database: from GitHub (no snapshot in \$CITEWISE_ADVISORY_DB or ../shared/advisory-db.tar.gz)"
  rust=check
else
  # Nothing to check against: installing cargo-deny (minutes of compiling) would change nothing.
  unchecked+=("Rust crates (Cargo.lock): the RustSec advisory database is out of reach: no snapshot (\$CITEWISE_ADVISORY_DB, ../shared/advisory-db.tar.gz) and github.com does not answer")
  rust=skip
fi

if [ "$rust" = check ]; then
  if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $deny_version" ]; then
    say "installing cargo-deny $deny_version from crates.io (cargo install --locked, a few minutes)"
    cargo install cargo-deny --version "$deny_version" --locked --quiet
  fi
  # Every platform's crates, so cargo-deny's `cargo metadata` needs no network below; --locked
  # fails here, with cargo's own message, when Cargo.lock does not match Cargo.toml.
  cargo fetch --locked --quiet
  if ! cargo deny "${fetch[@]}" --locked check advisories; then
    say "the advisories check failed: see above (CONTRIBUTING.md, \"Advisories\")."
    say "  an advisory: upgrade the crate, or add it to deny.toml's ignore list with its reason"
    if [ -n "$snapshot" ]; then
      say "  \"repository is stale\": $snapshot is too old; make a new one with scripts/advisory-snapshot.sh"
    fi
    exit 1
  fi
fi

# The libraries the window runs (markdown-it, DOMPurify, KaTeX, highlight.js, copied into
# ui/vendor) are package.json's dependencies; test tooling is a devDependency.
set +e
npm_out=$(npm audit --omit=dev --audit-level=low 2>&1)
npm_rc=$?
set -e
if [ "$npm_rc" -eq 0 ]; then
  say "npm audit --omit=dev: no advisories for the shipped libraries"
elif grep -Eq 'audit endpoint returned an error|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET' <<<"$npm_out"; then
  unchecked+=("npm libraries shipped in ui/vendor: the registry's audit endpoint did not answer ($(sed -n 's/^npm warn audit //p' <<<"$npm_out" | head -1))")
else
  printf '%s\n' "$npm_out" >&2
  say "npm audit --omit=dev found advisories for a shipped library: upgrade it (package.json, then node scripts/vendor.mjs)."
  exit 1
fi

if [ "${#unchecked[@]}" -gt 0 ]; then
  say "ADVISORIES NOT CHECKED on this machine:"
  for what in "${unchecked[@]}"; do say "  - $what"; done
  if [ -n "${CITEWISE_REQUIRE_ADVISORIES:-}" ]; then
    say "CITEWISE_REQUIRE_ADVISORIES is set: failing. See CONTRIBUTING.md, \"Advisories\"."
    exit 1
  fi
  say "(set CITEWISE_REQUIRE_ADVISORIES=1 to make this fatal; CONTRIBUTING.md, \"Advisories\")"
fi
