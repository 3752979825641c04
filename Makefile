# hwbp-gdbstub — see README.md. Targets: deps build guest run test bench fuzz demo linux run-linux demo-linux.
SHELL      := /bin/bash
GO         ?= go
BIN        := bin/hwbp-gdbstub
APT_PKGS   := gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu gdb-multiarch qemu-system-arm ipxe-qemu qemu-user lldb device-tree-compiler valgrind
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TEST_FLAGS ?= -count=1 -timeout 14m
FUZZTIME   ?= 20s
ARGS       ?=

.PHONY: deps build guest run test bench fuzz demo vet fmt-check

## deps: install the cross toolchain, gdb-multiarch, QEMU and lldb when missing; fetch Go modules.
deps:
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  log=$$(mktemp); \
	  { $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; } >$$log 2>&1 \
	    || { tail -20 $$log; rm -f $$log; echo "deps: apt-get failed"; exit 1; }; rm -f $$log; \
	fi
	@$(GO) mod download

## build: the server binary (the guest kernel is embedded; no cross compiler needed).
build:
	@mkdir -p bin
	$(GO) build -trimpath -o $(BIN) ./cmd/hwbp-gdbstub

## guest: rebuild the guest kernel ELF from its C and assembly sources (reproducible).
guest:
	$(MAKE) -C kernelsim

## run: serve the embedded kernel on 127.0.0.1:1234 (ARGS="--cpus 4" etc. are passed through).
run: deps build
	./$(BIN) $(ARGS)

vet:
	$(GO) vet ./...

fmt-check:
	@bad=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$bad" ]; then echo "gofmt needed:"; echo "$$bad"; exit 1; fi

## test: everything, including the real gdb-multiarch/lldb/QEMU end-to-end tests.
test: deps linux fmt-check vet
	$(GO) test $(TEST_FLAGS) ./...
	$(GO) test -race -run Parallel ./target/

## linux: Debian's Linux kernels, as shipped and with our hw_breakpoint fix, and the init's initramfs, in
## kernelsim/linux/out/ (docs/linux.md); a kernel is rebuilt only when its inputs change.
LINUX_APT_PKGS := linux-source-6.1 linux-source-6.12 bc bison flex xz-utils
.PHONY: linux
linux: deps
	@$(MAKE) --no-print-directory deps APT_PKGS="$(LINUX_APT_PKGS)"
	@$(MAKE) --no-print-directory -C kernelsim/linux

# Which of those kernels run-linux boots: LINUX=6.1|6.12 (6.12 on a GICv3 with pseudo-NMI), ORDER=upstream|fixed.
LINUX        ?= 6.1
ORDER        ?= upstream
LINUX_OUT    := kernelsim/linux/out
LINUX_SUFFIX := $(if $(filter 6.12,$(LINUX)),-6.12)$(if $(filter fixed,$(ORDER)),-fixed)
LINUX_GIC    := $(if $(filter 6.12,$(LINUX)),3,2)
LINUX_APPEND ?= console=ttyAMA0 rdinit=/init$(if $(filter 6.12,$(LINUX)), irqchip.gicv3_pseudo_nmi=1)

## run-linux: boot Linux from make linux, running, symbols served, on 127.0.0.1:1234 (LINUX=6.12, ORDER=fixed,
## LINUX_APPEND="…", ARGS="--cpus 1" etc.).
.PHONY: run-linux demo-linux
run-linux: linux build
	@echo "run-linux: Linux $(LINUX) ($(ORDER)), $(LINUX_OUT)/Image$(LINUX_SUFFIX), GICv$(LINUX_GIC), append '$(LINUX_APPEND)'; gdb needs no local file (the stub serves vmlinux$(LINUX_SUFFIX))"
	./$(BIN) --kernel $(LINUX_OUT)/Image$(LINUX_SUFFIX) --initrd $(LINUX_OUT)/initramfs.cpio \
	  --append '$(LINUX_APPEND)' --symbols $(LINUX_OUT)/vmlinux$(LINUX_SUFFIX) --gic $(LINUX_GIC) \
	  --mem 512M --cpus 2 --run $(ARGS)

## demo-linux: the lkml experiment on real Linux: the stub's livelock report, gdb's bt, then Linux's own stall
## report (LINUX=6.12: with its NMI backtrace of CPU 1); ORDER=fixed: the fixed kernel survives.
demo-linux: linux build
	LINUX=$(LINUX) ORDER=$(ORDER) ./tests/demo-linux.sh

## bench: Go benchmarks plus client-driven benchmarks, each against QEMU in the same run (docs/bench.md).
bench: deps build
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1s -count 3 ./target/ ./debugregs/ ./rsp/
	$(GO) run ./tests/bench $(BENCH_ARGS)

## fuzz: run every fuzz target for FUZZTIME each.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## demo: the uninstall livelock through gdb's own hbreak, in one command.
demo: deps build
	./tests/demo.sh
