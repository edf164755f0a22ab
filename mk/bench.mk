# Benchmarks.  Included from the top-level Makefile.
#
#   make osbench    build/bench/osbench: the benchmark, a static musl binary
#                   that runs unchanged on Linux and on Keel
#   make bench      boot Debian's Linux kernel and Keel in the same QEMU
#                   machine, run osbench on each, print the ratios
#                   (docs/performance.md); Keel runs as a release build
#                   (KEEL_RELEASE below); the first run downloads the
#                   Linux kernel package into cache/linux/
#
# Settings for `make bench`: BENCH_RUNS=3, BENCH_KERNELS="linux keel",
# BENCH_SMOKE=1 (quick harness check), BENCH_TIMEOUT, BENCH_START_TIMEOUT,
# BENCH_ONLY=PREFIX (some metrics), BENCH_ICOUNT=1 (instructions as the clock).

OSBENCH        := $(BUILD)/bench/osbench
OSBENCH_SRCS   := $(sort $(wildcard bench/osbench/*.c))
OSBENCH_CFLAGS := -std=gnu11 -static -O2 -pthread -Wall -Wextra -Werror \
	-Wno-unused-parameter
LINESTAMP      := $(BUILD)/bench/linestamp

.PHONY: bench osbench
osbench: $(OSBENCH)

$(OSBENCH): $(OSBENCH_SRCS) bench/osbench/osbench.h
	@mkdir -p $(dir $@)
	musl-gcc $(OSBENCH_CFLAGS) -o $@ $(OSBENCH_SRCS)

# A host tool: stamps each serial line with the time since QEMU started.
$(LINESTAMP): bench/linestamp.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# Keel is measured as a release build, without lockdep (KEEL_DEBUG=0, in
# $(BUILD)/release), as Debian's Linux is built without it; the tests run
# the default build, with lockdep checking every lock.  KEEL_IMAGE=FILE
# measures another kernel, e.g. KEEL_IMAGE=build/keel32.elf for the default
# build (docs/performance.md).
KEEL_RELEASE   := $(BUILD)/release/keel32.elf
KEEL_IMAGE     ?= $(KEEL_RELEASE)
.PHONY: bench-kernel
bench-kernel:
	$(if $(filter $(KEEL_RELEASE),$(KEEL_IMAGE)),+$(MAKE) --no-print-directory BUILD=$(BUILD)/release KEEL_DEBUG=0 $(KEEL_RELEASE))
bench: check-deps all $(OSBENCH) $(LINESTAMP) bench-kernel
	BUILD=$(BUILD) KEEL_IMAGE=$(KEEL_IMAGE) sh bench/run.sh
