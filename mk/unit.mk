# Host unit tests: the kernel's own pure files compiled for Linux with
# AddressSanitizer and UndefinedBehaviorSanitizer.  Each tests/unit/test_*.c
# names the kernel files it needs on a line
#     // UNIT_SRCS: kernel/lib/string.c kernel/mm/buddy.c
# and may add compiler flags with
#     // UNIT_CFLAGS: -Dname=value
# so a new test needs no edit here.

UNIT_CC     := gcc
UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-Wno-unused-parameter -Ikernel -Iinclude -Itests/unit -DKEEL_HOST
UNIT_TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS      := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_TEST_SRCS))

.PHONY: unit unit-build unit-run
unit: unit-build unit-run

unit-build: $(UNIT_BINS)

$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h tests/unit/shim.c $(KSRCS_C) $(shell find kernel include -name '*.h')
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(UNIT_CFLAGS) $$(sed -n 's|^// UNIT_CFLAGS: ||p' $<) -o $@ $< \
		tests/unit/shim.c $$(sed -n 's|^// UNIT_SRCS: ||p' $<)

unit-run: unit-build
	@mkdir -p $(BUILD)/results
	@: > $(BUILD)/results/unit.txt
	@for t in $(UNIT_BINS); do \
		n=$$(basename $$t); \
		$$t > $(BUILD)/unit/$$n.log 2>&1; st=$$?; \
		if [ $$st != 0 ]; then \
			echo "FAIL unit/$$n (exit status $$st; see $(BUILD)/unit/$$n.log)" >> $(BUILD)/results/unit.txt; \
			tail -20 $(BUILD)/unit/$$n.log; \
		fi; \
		grep -E '^(PASS|FAIL) ' $(BUILD)/unit/$$n.log >> $(BUILD)/results/unit.txt; \
	done
	@echo "unit: $$(grep -c '^PASS' $(BUILD)/results/unit.txt) passed, $$(grep -c '^FAIL' $(BUILD)/results/unit.txt) failed"
