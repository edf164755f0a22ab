# Keel's BIOS boot loader and a disk to boot it from (make disk, make
# run-disk).  Included from the top-level Makefile.
#
# Stage 1 (boot/bios/mbr.S) is a flat 512-byte binary.  Stage 2 is 16-bit
# and 32-bit assembly (stage2.S) plus 32-bit C, linked at 0x8000 by
# boot/bios/stage2.ld.  It reads ext2 through the kernel's own ext2 library
# (kernel/fs/ext2/, read path only) and loads the ELF with boot/common/.
# min-pagesize=0: stage 2 reads real-mode memory at small fixed addresses,
# which gcc would otherwise take for null-pointer arithmetic.

BIOS_CC     := gcc -m32
BIOS_CFLAGS := -std=gnu11 -Os -march=i686 -ffreestanding -fno-builtin -fno-pic -fno-pie \
	-fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wno-unused-parameter -Ikernel -Iinclude -Iboot \
	--param=min-pagesize=0 -MMD -MP
BIOS_EXT2   := $(addprefix kernel/fs/ext2/,super.c inode.c bmap.c dir.c dirhash.c path.c file.c)
BIOS_SRCS   := $(wildcard boot/bios/*.c) boot/common/elf64.c kernel/lib/string.c \
	kernel/lib/format.c $(BIOS_EXT2)
BIOS_OBJS   := $(BUILD)/bios/boot/bios/stage2.o \
	$(patsubst %.c,$(BUILD)/bios/%.o,$(BIOS_SRCS))
BIOS_MBR    := $(BUILD)/bios/mbr.bin
BIOS_STAGE2 := $(BUILD)/bios/stage2.bin
BIOS_VBR    := $(BUILD)/bios/testvbr.bin
DISK_IMG    := $(BUILD)/disk.img
DISK_FLAGS  ?=

.PHONY: bios disk run-disk
bios: $(BIOS_MBR) $(BIOS_STAGE2) $(BIOS_VBR)
disk: $(DISK_IMG)

$(BUILD)/bios/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC32    $<")
	$(Q)$(BIOS_CC) $(BIOS_CFLAGS) -c $< -o $@

$(BUILD)/bios/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS16    $<")
	$(Q)$(BIOS_CC) -Ikernel -Iboot -MMD -MP -c $< -o $@

# Flat binaries: stage 1 runs at 0x7C00 but is linked where it moves itself.
$(BIOS_MBR): $(BUILD)/bios/boot/bios/mbr.o
	$(Q)ld -m elf_i386 -Ttext 0x600 -e _start --oformat binary -o $@ $<

$(BIOS_VBR): $(BUILD)/bios/boot/bios/testvbr.o
	$(Q)ld -m elf_i386 -Ttext 0x7C00 -e _start --oformat binary -o $@ $<

ifeq ($(wildcard kernel/fs/ext2/ext2.h),)
$(BUILD)/bios/stage2.elf:
	@echo "stage 2 reads the root file system with Keel's ext2 library" \
		"(kernel/fs/ext2/), which is not in this tree" >&2
	@exit 1
else
$(BUILD)/bios/stage2.elf: $(BIOS_OBJS) boot/bios/stage2.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)ld -m elf_i386 -z noexecstack --no-warn-rwx-segments -T boot/bios/stage2.ld \
		-o $@ $(BIOS_OBJS)
endif

$(BIOS_STAGE2): $(BUILD)/bios/stage2.elf
	$(Q)objcopy -O binary $< $@

$(DISK_IMG): $(BIOS_MBR) $(BIOS_STAGE2) $(KERNEL) tools/mkdisk.sh tools/mbrtable.sh $(INITRD)
	@$(if $(Q),echo "  DISK    $@")
	$(Q)sh tools/mkdisk.sh $(DISK_FLAGS) $(if $(INITRD),--initrd $(INITRD)) \
		$@ $(BIOS_MBR) $(BIOS_STAGE2) $(KERNEL)

run-disk: check-deps $(DISK_IMG)
	timeout --foreground $(RUN_TIMEOUT) $(QEMU) $(QEMU_BASE) -nographic \
		-drive file=$(DISK_IMG),format=raw $(QEMU_EXTRA); \
		st=$$?; [ $$st = 0 ] || [ $$st = 33 ] || echo "qemu exited with status $$st"

-include $(BIOS_OBJS:.o=.d)
