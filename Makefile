# droidplex: the only entry point for people and CI.
#   make demo   install what is needed, build, run the kernel-less demo
#   make test   install what is needed, build, run every test (CI runs this)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO        ?= go
BIN       := $(CURDIR)/bin
FUZZTIME  ?= 10s
BENCHTIME ?= 1s
# Packages whose tests are about concurrency run again under the race detector.
RACE_PKGS := ./container/events/... ./container/api/... ./container/client/... ./rilproxy/... \
             ./audioproxy/ ./inputproxy/
APT_PKGS  := gcc libc6-dev pkg-config lxc lxc-dev busybox-static pulseaudio pulseaudio-utils \
             sox libsox-fmt-all ofono dbus qemu-system-x86 cpio python3
STATICCHECK_VERSION := v0.8.2
export PATH := $(PATH):$(shell $(GO) env GOPATH)/bin

.PHONY: deps build test test-host test-race vmtest shimtest demo bench fuzz lint clean

## deps: install missing Debian packages (idempotent), then the Go modules
deps:
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "deps: need root to apt-get install$$missing" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all Debian packages present"; fi
	$(GO) mod download

## build: every binary into bin/, plus the C audio HAL shim when its sources exist
build:
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/ ./cmd/...
	@if [ -f hal-shims/audio/c/Makefile ]; then $(MAKE) -s -C hal-shims/audio/c; fi

## test: deps, build, the VM run, the C shim harness, then every Go test
##       (strict: with CI=true a test that would skip fails instead)
test: deps build vmtest shimtest test-race test-host

test-host:
	$(GO) test -count=1 -timeout 30m ./...

test-race:
	$(GO) test -race -count=1 -timeout 10m $(RACE_PKGS)

## vmtest: kernel-dependent tests (uinput, evdev, binder) inside a qemu VM
vmtest:
	@if [ -x kernel/vmtest/vmtest.sh ]; then kernel/vmtest/vmtest.sh; \
	else echo "vmtest: the qemu harness (kernel/vmtest/vmtest.sh) is not there yet"; fi

## shimtest: the C audio HAL harness against a live audioproxyd
shimtest:
	@if [ -f hal-shims/audio/c/Makefile ]; then $(MAKE) -s -C hal-shims/audio/c test; \
	else echo "shimtest: the C audio HAL shim is not there yet"; fi

## demo: two stand-in Androids, both heard, calls and SMS from either
demo: deps build
	$(BIN)/droidplex demo --out $(CURDIR)/out/demo

## bench: Go benchmarks, then the side-by-side harnesses, each printing a table
##        (results and the commands behind them: docs/benchmarks.md)
bench: deps build
	$(GO) test -run '^$$' -bench . -benchmem -benchtime=$(BENCHTIME) ./...
	$(GO) run ./rilproxy/rilbench -n 20000 -containers 8 -d 3s
	$(GO) test -run '^$$' -bench AddedLatency -benchtime 20000x -count 5 ./inputproxy/
	$(GO) run ./audioproxy/audiobench -streams 2,8,32 -latency 10,20 -dur 10s
	$(GO) run ./audioproxy/audiobench -streams 8,32 -latency 10,20 -dur 10s -rounds 3
	$(GO) run ./audioproxy/audiobench -split 2 -systems audioproxy -streams 8,32 -latency 10,20 -dur 10s
	$(GO) run ./audioproxy/audiobench -client go -systems audioproxy -streams 8,32 -latency 10 -dur 10s
	$(GO) run ./audioproxy/audiobench -streams 8 -latency 10 -split 2 -ring 4 -dur 60s -load 2 -systems audioproxy
	$(GO) run ./audioproxy/audiobench -streams 8 -latency 10 -split 2 -ring 4 -dur 60s -load 2 -client-fifo 2 -realtime -systems audioproxy
	$(GO) run ./audioproxy/audiobench -streams 8 -latency 10 -split 2 -ring 8 -write 960 -nice -19 -dur 60s -load 2 -systems audioproxy

## fuzz: every Fuzz* target for FUZZTIME each
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "fuzz: $$pkg $$f ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

## lint: gofmt, go vet, staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@command -v staticcheck >/dev/null || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	staticcheck ./...

clean:
	rm -rf $(BIN) out
