# Benchmarks.  Included from the top-level Makefile.
#
#   make osbench    build/bench/osbench: the benchmark, a static musl binary
#                   that runs unchanged on Linux and on Keel
#   make bench      boot Debian's Linux kernel and Keel in the same QEMU
#                   machine, run osbench on each, print the ratios
#                   (docs/performance.md); the first run downloads the
#                   Linux kernel package into cache/linux/
#
# Settings for `make bench`: BENCH_RUNS=3, BENCH_KERNELS="linux keel",
# BENCH_SMOKE=1 (quick harness check), BENCH_TIMEOUT, BENCH_START_TIMEOUT.

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

# Keel is measured as it would be used: built without lockdep, which checks
# every lock acquisition (KEEL_DEBUG; make check keeps it on).  Linux's
# distribution kernel has its lock checker off too.
bench: check-deps $(OSBENCH) $(LINESTAMP)
	$(MAKE) --no-print-directory -s BUILD=$(BUILD)/release KEEL_DEBUG=0 all
	BUILD=$(BUILD) KEEL_IMAGE=$(BUILD)/release/keel32.elf sh bench/run.sh
