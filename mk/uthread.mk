# User-level threads: the library in user/lib/uthread/ (N:1 and M:N user
# threads, see docs/threads.md), linked into the test suite, and the
# switch-cost benchmark.  Included from the top-level Makefile, after
# user.mk (whose variables and pattern rule for .c files it uses).
#
#   make user     also builds build/user/libuthread.a and
#                 build/user/uthread_switch (prints "metric" lines)

UTHREAD_SRCS  := $(sort $(wildcard user/lib/uthread/*.c))
UTHREAD_OBJS  := $(patsubst user/%.c,$(USER_BUILD)/obj/%.o,$(UTHREAD_SRCS)) \
	$(USER_BUILD)/obj/lib/uthread/switch.o
UTHREAD_LIB   := $(USER_BUILD)/libuthread.a
UTHREAD_BENCH := $(USER_BUILD)/uthread_switch

user: $(UTHREAD_LIB) $(UTHREAD_BENCH)

$(USER_BUILD)/obj/lib/uthread/%.o: user/lib/uthread/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MUSLAS  $<")
	$(Q)$(USER_CC) -MMD -MP -c $< -o $@

$(UTHREAD_LIB): $(UTHREAD_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

# The suite's thread tests use the library; this adds it to the link, after
# the objects (the usertests rule in user.mk links $^).
$(USER_BUILD)/usertests: $(UTHREAD_LIB)

$(UTHREAD_BENCH): $(USER_BUILD)/obj/bench/uthread_switch.o $(UTHREAD_LIB)
	$(Q)$(USER_CC) -static -o $@ $^

-include $(UTHREAD_OBJS:.o=.d) $(USER_BUILD)/obj/bench/uthread_switch.d
