# Storekeep: the one way in. `make demo` runs the app on a demo store, `make test` runs every
# test. Both install what is missing first (Debian packages, npm packages, tauri-driver), so
# they work on a fresh Debian 12 machine. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# What Tauri/WebKitGTK needs to build, what the end-to-end test needs to drive the window,
# PostgreSQL for the HQ tests (started on loopback by scripts/test-postgres.sh, not as a service),
# strace for the I/O-error tests (it makes the kernel fail chosen writes and syncs), and
# faketime for the clock-jump test (libfaketime sets the clock `storekeep` reads).
APT_PACKAGES := build-essential pkg-config file libssl-dev libwebkit2gtk-4.1-dev libxdo-dev \
	libayatana-appindicator3-dev librsvg2-dev webkit2gtk-driver xvfb xauth fonts-dejavu-core poppler-utils \
	postgresql strace faketime
TAURI_DRIVER_VERSION := 2.1.0
CARGO_FUZZ_VERSION := 0.13.2
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

APP_BIN := target/debug/storekeep-app
ARTIFACTS := artifacts

.PHONY: help demo hq-demo test deps system-deps ui-deps tauri-driver ui app lint test-rust test-ui e2e bindings cargo-fuzz fuzz fuzz-ci clean

help:
	@echo "make demo      install what is missing, build, and run the app on the demo store"
	@echo "make test      install what is missing, then lint and run every test (Rust, UI, end to end)"
	@echo "make hq-demo   HQ with a demo fleet of simulated stores on a throwaway PostgreSQL; watch http://127.0.0.1:8790/fleet"
	@echo "make bindings  regenerate ui/src/lib/bindings.ts from the Rust types"
	@echo "make fuzz      fuzz one parser for longer: FUZZ_TARGET=barcode|catalog|journal|envelope FUZZ_SECONDS=600"

demo: deps app
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		echo "No display found: running under Xvfb (nothing will be visible)."; \
		exec xvfb-run -a -s '-screen 0 1280x800x24' $(APP_BIN) --demo; \
	fi
	$(APP_BIN) --demo

# HQ and a demo fleet of simulated stores (crates/hq/examples/demo_fleet.rs) on a throwaway
# PostgreSQL on loopback, stopped with it. It prints the fleet view's address and password.
HQ_DEMO_BIND ?= 127.0.0.1:8790
hq-demo: system-deps
	@url=$$(scripts/test-postgres.sh start); \
	trap 'scripts/test-postgres.sh stop' EXIT; \
	cargo run -q -p storekeep-hq --example demo_fleet -- --postgres $$url --bind $(HQ_DEMO_BIND)

test: deps tauri-driver lint test-rust test-ui e2e fuzz-ci
	@echo "All Storekeep tests passed."

deps: system-deps ui-deps

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		echo "Installing Debian packages:$$missing"; \
		$$sudo apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a==20&&b<19)) { console.error("Node.js 20.19 or newer is needed, found "+process.versions.node); process.exit(1) }'

# npm ci only when the lock file is newer than what is installed.
ui-deps: ui/node_modules/.package-lock.json
ui/node_modules/.package-lock.json: ui/package-lock.json
	npm --prefix ui ci --no-audit --no-fund
	@touch $@

tauri-driver:
	@if ! tauri-driver --help >/dev/null 2>&1; then \
		cargo install tauri-driver --locked --version $(TAURI_DRIVER_VERSION); \
	fi

ui: ui-deps
	npm --prefix ui run build

# custom-protocol: serve the built UI from the binary (without it the window expects Vite).
app: ui
	cargo build -p storekeep-app --features custom-protocol

lint: ui-deps
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	npm --prefix ui run check

# The HQ tests need PostgreSQL: a throwaway cluster on loopback, started here and stopped after.
test-rust: ui
	@url=$$(scripts/test-postgres.sh start); \
	trap 'scripts/test-postgres.sh stop' EXIT; \
	STOREKEEP_TEST_PG=$$url cargo test --workspace

test-ui: ui-deps
	npm --prefix ui test

e2e: app tauri-driver
	mkdir -p $(ARTIFACTS)
	STOREKEEP_APP=$(CURDIR)/$(APP_BIN) STOREKEEP_CLI=$(CURDIR)/target/debug/storekeep \
	STOREKEEP_ARTIFACTS=$(CURDIR)/$(ARTIFACTS) \
		timeout 900 xvfb-run -a -s '-screen 0 1280x800x24' node --test --test-concurrency=1 --test-timeout=300000 ui/e2e/

bindings:
	UPDATE_BINDINGS=1 cargo test -p storekeep-app --test bindings

# The parsers of outside input under libFuzzer (fuzz/, docs/faults.md "Fuzzing"), on the stable
# toolchain: no sanitizer (that needs nightly), debug assertions and overflow checks on. A crash
# fails the run and lands in fuzz/artifacts/<target>/; the corpus grows in fuzz/corpus/<target>/
# beside the committed seeds (seed-*), and only the seeds are in git.
FUZZ_TARGETS := barcode catalog journal envelope
FUZZ_CI_SECONDS ?= 30
FUZZ_SECONDS ?= 600
FUZZ_TARGET ?= barcode
FUZZ_RUN := cd fuzz && CARGO_TARGET_DIR=../target/fuzz cargo fuzz run --sanitizer none

cargo-fuzz:
	@if ! cargo fuzz --version >/dev/null 2>&1; then \
		cargo install cargo-fuzz --locked --version $(CARGO_FUZZ_VERSION); \
	fi

# Every target for FUZZ_CI_SECONDS each (part of `make test`).
fuzz-ci: cargo-fuzz
	cd fuzz && CARGO_TARGET_DIR=../target/fuzz cargo fuzz build --sanitizer none
	@for t in $(FUZZ_TARGETS); do \
		echo "== fuzz $$t for $(FUZZ_CI_SECONDS) s"; \
		mkdir -p fuzz/corpus/$$t; \
		( $(FUZZ_RUN) $$t -- -max_total_time=$(FUZZ_CI_SECONDS) -timeout=10 -print_final_stats=1 ) 2>&1 \
			| grep -v -e '^#' -e '^"' -e 'NEW_FUNC' -e '^WARNING: Failed to find function' -e '^INFO: ' ; \
	done

# One target for longer by hand: make fuzz FUZZ_TARGET=catalog FUZZ_SECONDS=3600. With nightly,
# `cd fuzz && cargo +nightly fuzz run <target>` adds AddressSanitizer.
fuzz: cargo-fuzz
	mkdir -p fuzz/corpus/$(FUZZ_TARGET)
	$(FUZZ_RUN) $(FUZZ_TARGET) -- -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules $(ARTIFACTS)
