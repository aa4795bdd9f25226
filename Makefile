# Citewise — the two commands of the README, and the pieces they are made of.
#   make run    build and launch the app (installs what is missing first)
#   make test   run every test layer (installs what is missing first)
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
comma := ,
# The tests talk only to servers on this machine; never send that traffic to a proxy.
export NO_PROXY := 127.0.0.1,localhost$(if $(NO_PROXY),$(comma)$(NO_PROXY))
export no_proxy := $(NO_PROXY)

.PHONY: run demo test lint unit ui integration e2e install-test build-debug package bench setup-app setup-test mock icons clean

run: setup-app
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then echo "make run opens a window: run it in a desktop session (DISPLAY or WAYLAND_DISPLAY is not set)." >&2; exit 1; fi
	cargo run --release --features custom-protocol --bin citewise

## Launch the app against the local Perplexity-compatible server (offline demo, no key needed).
demo: setup-app
	cargo build --release -p citewise -p citewise-mock --bins --features citewise/custom-protocol
	scripts/demo.sh target/release

test: setup-test lint unit ui integration e2e install-test
	@echo "All test layers passed."

## Formatting and clippy, warnings as errors; the IPC types generated from Rust are current
## (src-tauri/contract/ipc.d.ts) and the window's JavaScript type-checks against them (tsc, checkJs,
## strict); then known advisories in Cargo.lock (cargo-deny, deny.toml) and in the npm runtime
## dependencies (scripts/audit.sh; CONTRIBUTING.md, "Advisories").
lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	cargo test -p citewise --lib --quiet ipc_types
	npx --no-install tsc -p tsconfig.json
	scripts/audit.sh

## Rust unit tests (app and mock server).
unit:
	cargo test --workspace --lib --bins

## The UI's own checks (markdown, citations, streaming, hostile input, settings, keys) in
## WebKitGTK, the engine of the Linux app, against a fake backend.
ui:
	npm run --silent test:ui
	npm run --silent test:a11y
	node --test bench/
	python3 ui-tests/webkit/webkit.py selftest

## Rust integration tests: api/ against the local server, secrets against a real Secret Service.
integration:
	scripts/with-desktop.sh cargo test --workspace --test '*'

## The real window under Xvfb, driven through WebDriver.
e2e: build-debug
	scripts/with-desktop.sh npm run --silent e2e

build-debug:
	cargo build -p citewise -p citewise-mock --bins

## The .deb and .rpm in target/release/bundle/ (release build; the pinned Tauri CLI from npm).
package: setup-app
	scripts/tauri.sh build --ci --bundles deb,rpm --features custom-protocol

## Installs the .deb with apt, launches the installed app under Xvfb, removes it again, and checks
## the .rpm's contents. Needs root or passwordless sudo.
install-test: package build-debug
	scripts/with-desktop.sh node --test --test-force-exit test/package/

## Benchmarks (not part of `make test`): release builds, then memory, start-up, streaming, search
## and size next to the floor app (bench/floor) under Xvfb; writes BENCHMARKS.md and
## bench/results/latest.json. BENCH_ARGS="--skip-build --runs 3 --only launch" reruns a part.
bench: setup-test
	scripts/with-desktop.sh node bench/run.mjs $(BENCH_ARGS)

## The local Perplexity-compatible server on port 8765 (Ctrl+C stops it).
mock:
	cargo run -p citewise-mock -- --port 8765

icons:
	scripts/icons.sh

setup-app:
	scripts/setup.sh app

setup-test:
	scripts/setup.sh test

clean:
	cargo clean
