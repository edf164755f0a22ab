# The scheduler simulator (tools/schedsim), a host program linked with the
# kernel's own policy code (kernel/sched/policy.c, mlfq.c, rt.c).
#
#   make schedsim           build build/schedsim
#   build/schedsim          print the whole report (docs/scheduling.md)
#   build/schedsim --check  the assertions the check stage runs

SCHEDSIM        := $(BUILD)/schedsim
SCHEDSIM_CC     := gcc
SCHEDSIM_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Ikernel -Iinclude -Itools/schedsim -DKEEL_HOST
SCHEDSIM_SRCS   := $(sort $(wildcard tools/schedsim/*.c)) \
	kernel/sched/policy.c kernel/sched/mlfq.c kernel/sched/rt.c

.PHONY: schedsim
schedsim: $(SCHEDSIM)

$(SCHEDSIM): $(SCHEDSIM_SRCS) $(wildcard tools/schedsim/*.h) kernel/sched/policy.h \
		kernel/sched/policy_class.h kernel/lib/list.h
	@mkdir -p $(dir $@)
	$(SCHEDSIM_CC) $(SCHEDSIM_CFLAGS) -o $@ $(SCHEDSIM_SRCS) -lm
