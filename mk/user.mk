# User programs: Keel's init and the user-space test suite, static musl
# binaries that run unchanged on Keel and on Linux.  Included from the
# top-level Makefile.
#
#   make user        build/user/init and build/user/usertests
#
# Every .c under user/tests/ is part of the suite (tests register themselves
# with TEST(), so a new file needs no edit here); user/lib/ is linked into
# every program.

USER_CC     := musl-gcc
USER_CFLAGS := -static -O2 -std=gnu11 -Wall -Wextra -Werror \
	-Iuser/lib -MMD -MP
USER_BUILD  := $(BUILD)/user

USER_LIB_OBJS  := $(patsubst user/%.c,$(USER_BUILD)/obj/%.o,$(sort $(wildcard user/lib/*.c)))
USER_TEST_OBJS := $(patsubst user/%.c,$(USER_BUILD)/obj/%.o,$(sort $(wildcard user/tests/*.c)))
USER_INIT_OBJS := $(patsubst user/%.c,$(USER_BUILD)/obj/%.o,$(sort $(wildcard user/init/*.c)))
USER_PROGS     := $(USER_BUILD)/init $(USER_BUILD)/usertests

.PHONY: user
user: $(USER_PROGS)

$(USER_BUILD)/obj/%.o: user/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MUSLCC  $<")
	$(Q)$(USER_CC) $(USER_CFLAGS) -Iuser/tests -c $< -o $@

$(USER_BUILD)/usertests: $(USER_TEST_OBJS) $(USER_LIB_OBJS)
	$(Q)$(USER_CC) -static -o $@ $^

$(USER_BUILD)/init: $(USER_INIT_OBJS) $(USER_LIB_OBJS)
	$(Q)$(USER_CC) -static -o $@ $^

-include $(USER_LIB_OBJS:.o=.d) $(USER_TEST_OBJS:.o=.d) $(USER_INIT_OBJS:.o=.d)
