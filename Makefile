# Chime's two commands for a fresh machine (see README.md):
#   make run    set up what is missing, build, and run Chime
#   make test   set up what is missing, build, and run every test
# Each installs only what is missing, so a warm machine pays nothing.
#   make dist   the .deb and .rpm, from a release build (README: Install)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Debian packages Tauri and the end-to-end tests need (see ../shared/BUILDING.md).
APT_PACKAGES := build-essential pkg-config curl wget file libssl-dev \
	libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libsoup-3.0-dev \
	libayatana-appindicator3-dev librsvg2-dev libxdo-dev \
	xvfb xauth x11-utils dbus-x11 dbus-daemon dbus-bin libglib2.0-bin at-spi2-core webkit2gtk-driver \
	imagemagick fonts-dejavu-core

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO_FLAGS := --locked

.PHONY: help run test deps system-deps ui-deps ui lint test-rust check-generated test-ui soak bench \
	dist dist-files bundle test-dist

# The WebDriver server for the end-to-end tests (WebKitWebDriver comes from apt).
TAURI_DRIVER := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin/tauri-driver

help:
	@echo "make run    set up, build and run Chime"
	@echo "make test   set up, build and run every test"
	@echo "make dist   build the .deb and .rpm (target/release/bundle/)"

# Both binaries: `chime` with no arguments starts `chime-app` beside it.
run: deps ui
	cargo build $(CARGO_FLAGS) --bins
	target/debug/chime

test: deps ui lint test-rust check-generated test-ui test-dist

deps: system-deps ui-deps $(TAURI_DRIVER)

$(TAURI_DRIVER):
	cargo install tauri-driver --locked --version 2.1.0

# apt-get only when a package is missing.
system-deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# npm ci only when the lock file changed since the last install.
ui-deps: ui/node_modules/.installed
ui/node_modules/.installed: ui/package-lock.json ui/package.json
	cd ui && npm ci --no-audit --no-fund
	touch $@

ui: ui-deps
	cd ui && npm run build

# The gates a change must pass before its tests: formatted Rust, no clippy
# warning, no ESLint warning, and the UI's types check.
lint: ui-deps
	cargo fmt --all -- --check
	cargo clippy $(CARGO_FLAGS) --workspace --all-targets -- -D warnings
	cd ui && npm run typecheck && npm run lint

# Every Rust test, the desktop end-to-end ones included, under a virtual display
# and a session bus (the app needs both; see ../shared/BUILDING.md).
test-rust:
	NO_AT_BRIDGE=1 xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- \
		cargo test $(CARGO_FLAGS) --workspace

# The UI's API types are generated from the engine's structs by `cargo test`
# (ts-rs), and so are its typed event fixtures; the committed copies must be
# what the code generates now.
check-generated:
	@if [ -n "$$(git status --porcelain -- ui/src/api/generated ui/src/api/fixtures)" ]; then \
	  git status --short -- ui/src/api/generated ui/src/api/fixtures; \
	  echo "ui/src/api/generated or ui/src/api/fixtures is stale: commit what cargo test wrote"; exit 1; \
	fi

test-ui: ui-deps
	cd ui && npm test

# The crash soak at full length, by hand (make test runs 3 short rounds):
# 10 SIGKILLs during bursts of 300 jobs and schedules with webhooks.
soak: deps ui
	CHIME_SOAK_ROUNDS=10 CHIME_SOAK_JOBS=300 \
		cargo test $(CARGO_FLAGS) --workspace --test soak -- --nocapture

# The black-box benchmark, by hand (see bench/README.md): W=burst,scale picks
# workloads, SCALE=10000 shrinks scale and history, RUNS=1 runs each once.
# The UI is built only if it never was: the binary embeds it.
bench: system-deps $(if $(wildcard ui/dist/index.html),,ui)
	cargo build --release $(CARGO_FLAGS) --bin chime
	cargo build --release $(CARGO_FLAGS) -p chime-bench
	target/release/chime-bench --chime target/release/chime \
		$(if $(W),--workload $(W)) $(if $(SCALE),--scale $(SCALE)) $(if $(RUNS),--runs $(RUNS))

# ---------------------------------------------------------------- packages

# Tauri's bundler (npm @tauri-apps/cli, its binary inside the package).
TAURI := packaging/node_modules/.bin/tauri
$(TAURI): packaging/package-lock.json packaging/package.json
	cd packaging && npm ci --no-audit --no-fund
	touch $@

# PROFILE=release (make dist) or debug (the package test bundles the build
# `make test` already made, so CI pays no release build).
PROFILE ?= release
BIN_DIR := target/$(PROFILE)
DIST := target/dist

# The .deb and .rpm in target/release/bundle/ (no network needed). The
# AppImage, .dmg and .msi are configured in tauri.conf.json but cannot be
# built here: see README.md, Install.
dist: deps ui $(TAURI)
	cargo build $(CARGO_FLAGS) --release --bins
	$(MAKE) bundle PROFILE=release

# What the packages install beside the binaries, made by the binary itself
# from its clap definitions, so they never go stale: the man page and the
# shell completions (tauri.conf.json maps them into place).
dist-files:
	rm -rf $(DIST) && mkdir -p $(DIST)/completions
	$(BIN_DIR)/chime man $(DIST)/man1
	gzip -9n $(DIST)/man1/*.1
	$(BIN_DIR)/chime completions bash > $(DIST)/completions/chime.bash
	$(BIN_DIR)/chime completions zsh > $(DIST)/completions/_chime
	$(BIN_DIR)/chime completions fish > $(DIST)/completions/chime.fish

BUNDLES ?= deb,rpm
bundle: dist-files $(TAURI)
	$(TAURI) bundle --ci --no-sign --no-binary-patching --bundles $(BUNDLES) \
		$(if $(filter debug,$(PROFILE)),--debug)

# The .deb installed with dpkg, used from PATH and removed again (tests/package.rs),
# where dpkg is and we are root; bundled from `make test`'s debug build.
test-dist: $(TAURI)
	@if ! command -v dpkg >/dev/null || [ "$$(id -u)" != 0 ]; then \
	  echo "test-dist: skipped (needs dpkg and root)"; exit 0; \
	fi; \
	$(MAKE) bundle PROFILE=debug BUNDLES=deb; \
	CHIME_DEB="$$(ls -t target/debug/bundle/deb/*.deb | head -1)" \
		cargo test $(CARGO_FLAGS) --workspace --test package -- --ignored
