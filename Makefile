# Keel top-level Makefile.
#
#   make            build build/keel.elf (64-bit, with symbols) and
#                   build/keel32.elf (the same image as a 32-bit multiboot ELF
#                   that QEMU's -kernel accepts)
#   make run        boot it in QEMU, serial console on this terminal
#   make check      every test: host unit tests, then in-kernel tests in QEMU
#   make debug      boot with QEMU's gdb stub waiting; see scripts/gdbinit
#   make deps       install the Debian packages the build and tests need
#   make clean
#
# Kernel sources are found by directory: every .c and .S under kernel/ is
# built, so adding a file needs no edit here.

BUILD      := build
KERNEL     := $(BUILD)/keel.elf
KERNEL32   := $(BUILD)/keel32.elf

CC         := gcc
LD         := ld
OBJCOPY    := objcopy
NM         := nm

# KEEL_DEBUG=1 (the default) builds lockdep into every lock.  KEEL_DEBUG=0
# leaves it out; build that into another directory, e.g.
# `make BUILD=build/release KEEL_DEBUG=0` (docs/performance.md).
KEEL_DEBUG ?= 1

# The kernel runs in the top 2 GiB (-mcmodel=kernel), never touches SSE state
# (so interrupts and system calls need not save it), and keeps frame pointers
# so panic() can walk the stack.
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdlib \
	-mno-red-zone -mcmodel=kernel -mno-sse -mno-sse2 -mno-mmx -mno-80387 \
	-mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-fno-strict-aliasing -fno-common -fno-tree-loop-distribute-patterns \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-Wstrict-prototypes -Wvla -Ikernel -Iinclude -DKEEL_KERNEL $(if $(filter 1,$(KEEL_DEBUG)),-DKEEL_DEBUG) \
	-MMD -MP
KASFLAGS := -g -Ikernel -Iinclude -DKEEL_KERNEL -D__ASSEMBLY__ -MMD -MP
KLDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

KSRCS_C := $(shell find kernel -name '*.c' | sort)
KSRCS_S := $(shell find kernel -name '*.S' | sort)
KOBJS   := $(patsubst %.c,$(BUILD)/%.o,$(KSRCS_C)) $(patsubst %.S,$(BUILD)/%.o,$(KSRCS_S))

.PHONY: all run check debug deps clean unit ktest check-deps headers
all: $(KERNEL) $(KERNEL32)

# V=1 shows full commands.
Q := $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The symbol table for backtraces is generated from the linked kernel and
# linked in on a second pass.  It sits between .data and .bss, so adding it
# cannot move any function: the addresses it records stay true.
$(BUILD)/ksyms0.o: tools/gensyms.sh
	@mkdir -p $(BUILD)
	$(Q)printf '' | sh tools/gensyms.sh > $(BUILD)/ksyms0.S
	$(Q)$(CC) $(KASFLAGS) -c $(BUILD)/ksyms0.S -o $@

$(BUILD)/keel.pass1.elf: $(KOBJS) $(BUILD)/ksyms0.o kernel/arch/x86_64/kernel.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KLDFLAGS) -T kernel/arch/x86_64/kernel.ld -o $@ $(KOBJS) $(BUILD)/ksyms0.o

$(BUILD)/ksyms.o: $(BUILD)/keel.pass1.elf tools/gensyms.sh
	$(Q)$(NM) -n $< | sh tools/gensyms.sh > $(BUILD)/ksyms.S
	$(Q)$(CC) $(KASFLAGS) -c $(BUILD)/ksyms.S -o $@

$(KERNEL): $(KOBJS) $(BUILD)/ksyms.o kernel/arch/x86_64/kernel.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KLDFLAGS) -T kernel/arch/x86_64/kernel.ld -o $@ $(KOBJS) $(BUILD)/ksyms.o
	@$(NM) -n $(BUILD)/keel.pass1.elf | grep -i ' t ' > $(BUILD)/text1.txt
	@$(NM) -n $@ | grep -i ' t ' > $(BUILD)/text2.txt
	@cmp -s $(BUILD)/text1.txt $(BUILD)/text2.txt || \
		{ echo "gensyms: text moved between link passes"; exit 1; }

# QEMU's multiboot loader takes only 32-bit ELF files.
$(KERNEL32): $(KERNEL)
	$(Q)$(OBJCOPY) -O elf32-i386 $< $@

# ---------------------------------------------------------------- parts
# Each part of the build and of the tests brings its own fragment in mk/
# (QEMU targets, unit tests, user programs, ...), so adding a part needs no
# edit here.
include $(sort $(wildcard mk/*.mk))

ktest: $(KERNEL32)
	sh tests/run-ktest.sh $(KERNEL32)

# `make check` runs every stage in tests/stages/ in name order.  Each stage
# builds what it needs and writes "PASS name" / "FAIL name" lines to
# $(BUILD)/results/<stage>.txt; the summary adds them up.
check: check-deps
	@rm -rf $(BUILD)/results && mkdir -p $(BUILD)/results
	@for s in $(sort $(wildcard tests/stages/*.sh)); do \
		echo "== $$s"; \
		BUILD=$(BUILD) RESULTS=$(BUILD)/results MAKE="$(MAKE)" sh $$s || \
			echo "FAIL stage/$$(basename $$s .sh) (stage script exited non-zero)" \
				>> $(BUILD)/results/$$(basename $$s .sh)-stage.txt; \
	done
	@sh tests/summary.sh $(BUILD)/results

# Every public header compiles on its own.
headers:
	@for h in $$(find kernel -name '*.h' | sort); do \
		echo "#include \"$${h#kernel/}\"" | $(CC) $(KCFLAGS) -x c -fsyntax-only - || exit 1; \
	done; echo "headers: all self-contained"

# ---------------------------------------------------------------- deps
deps:
	@sh scripts/deps.sh install

check-deps:
	@sh scripts/deps.sh check

clean:
	rm -rf $(BUILD)

-include $(KOBJS:.o=.d)
