# The policy laboratory: Keel's page-replacement policies (the kernel's own
# kernel/mm/reclaim/ files, not copies) linked into a host program that
# replays synthetic page-reference traces.
#
#   make policylab          build it and print the table of hit ratios
#   build/policylab --check FILE    the assertions run by `make check`

POLICYLAB_CC     := gcc
POLICYLAB_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wmissing-prototypes -Ikernel -Iinclude -Itools/policylab -DKEEL_HOST
POLICYLAB_SRCS   := $(sort $(wildcard tools/policylab/*.c)) \
	$(filter-out kernel/mm/reclaim/ktest.c,$(sort $(wildcard kernel/mm/reclaim/*.c)))
POLICYLAB_HDRS   := $(wildcard tools/policylab/*.h kernel/mm/reclaim/*.h) \
	kernel/mm/reclaim.h kernel/lib/list.h kernel/lib/compiler.h

.PHONY: policylab
policylab: $(BUILD)/policylab
	$(BUILD)/policylab

$(BUILD)/policylab: $(POLICYLAB_SRCS) $(POLICYLAB_HDRS)
	@mkdir -p $(dir $@)
	$(POLICYLAB_CC) $(POLICYLAB_CFLAGS) -o $@ $(POLICYLAB_SRCS) -lm
