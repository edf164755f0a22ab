# Keel's UEFI loader and a disk to boot it from (make run-uefi).  Included
# from the top-level Makefile.
#
# The loader (boot/uefi/) is a PE32+ EFI application built with clang for
# the x86_64-unknown-windows target (the Microsoft x64 calling convention
# that UEFI uses) and linked by lld-link; it shares its ELF loader and
# multiboot 2 builder (boot/common/) and the kernel's string and format
# routines.  build/keel-uefi.img is a disk with one EFI system partition
# holding the loader, the kernel, and optionally UEFI_CMDLINE and INITRD.

UEFI_CC      := clang -target x86_64-unknown-windows
UEFI_LD      := lld-link
OVMF         ?= /usr/share/ovmf/OVMF.fd
UEFI_CMDLINE ?= console=ttyS0
INITRD       ?=
# The LLP64 target makes `long` 32 bits; compiler.h's ERR_PTR casts (unused
# here) would warn about it.
UEFI_CFLAGS  := -std=gnu11 -O2 -ffreestanding -fno-builtin -fshort-wchar -mno-red-zone \
	-mno-stack-arg-probe -fno-stack-protector -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-int-to-void-pointer-cast -Wno-void-pointer-to-int-cast \
	-Ikernel -Iinclude -Iboot -MMD -MP
UEFI_SRCS    := $(wildcard boot/uefi/*.c) $(wildcard boot/common/*.c) \
	kernel/lib/string.c kernel/lib/format.c
UEFI_OBJS    := $(patsubst %.c,$(BUILD)/uefi/%.o,$(UEFI_SRCS))
UEFI_EFI     := $(BUILD)/uefi/BOOTX64.EFI
UEFI_IMG     := $(BUILD)/keel-uefi.img

.PHONY: uefi run-uefi
uefi: $(UEFI_IMG)

$(BUILD)/uefi/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  EFICC   $<")
	$(Q)$(UEFI_CC) $(UEFI_CFLAGS) -c $< -o $@

$(UEFI_EFI): $(UEFI_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(UEFI_LD) -subsystem:efi_application -entry:efi_main -nodefaultlib \
		-out:$@ $(UEFI_OBJS)

# Rebuilt when the command line changes, through a stamp holding it.
$(BUILD)/uefi/cmdline.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(UEFI_CMDLINE) $(INITRD)' | cmp -s - $@ || echo '$(UEFI_CMDLINE) $(INITRD)' > $@

$(UEFI_IMG): $(UEFI_EFI) $(KERNEL) tools/mkesp.sh tools/mbrtable.sh $(BUILD)/uefi/cmdline.stamp $(INITRD)
	@$(if $(Q),echo "  ESP     $@")
	$(Q)sh tools/mkesp.sh $@ $(UEFI_EFI) $(KERNEL) "$(UEFI_CMDLINE)" $(INITRD)

run-uefi: check-deps $(UEFI_IMG)
	timeout --foreground $(RUN_TIMEOUT) $(QEMU) $(QEMU_BASE) -nographic \
		-bios $(OVMF) -drive file=$(UEFI_IMG),format=raw $(QEMU_EXTRA); \
		st=$$?; [ $$st = 0 ] || [ $$st = 33 ] || echo "qemu exited with status $$st"

.PHONY: FORCE
FORCE:

-include $(UEFI_OBJS:.o=.d)

# The boot hand-off unit test compiles loader files the unit rule does not track.
$(BUILD)/unit/test_bootinfo: $(wildcard boot/common/*.[ch] boot/uefi/*.[ch])
