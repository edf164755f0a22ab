# ext2: extra inputs of its host tests, and the check that the read path
# builds for Keel's 32-bit BIOS boot loader.  Included from the top-level
# Makefile.

EXT2_DIR       := kernel/fs/ext2
# The read path: what the boot loader links to find and load the kernel.
EXT2_BOOT_SRCS := $(addprefix $(EXT2_DIR)/,super.c inode.c bmap.c dir.c dirhash.c path.c file.c)
# The only outside symbols it may use (lib/string.h); the rest are callbacks.
EXT2_BOOT_OK   := memcpy memset memcmp memmove memchr strlen strnlen
EXT2_BOOT_CFLAGS := -m32 -ffreestanding -fno-pic -nostdlib -O2 -std=gnu11 \
	-Wall -Wextra -Werror -Wno-unused-parameter -Ikernel -Iinclude

# The ext2 unit tests also build tests/unit/ext2_host.c.
$(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_ext2*.c)): \
	tests/unit/ext2_host.c tests/unit/ext2_host.h

.PHONY: ext2-boot32
# Compile the read path as the boot loader will (32-bit, freestanding), link
# it into one object, and fail on any undefined symbol outside EXT2_BOOT_OK:
# no kmalloc, no printk, no 64-bit division helpers from libgcc.
ext2-boot32: $(EXT2_BOOT_SRCS)
	@mkdir -p $(BUILD)/ext2-boot32
	@for f in $(EXT2_BOOT_SRCS); do \
		$(CC) $(EXT2_BOOT_CFLAGS) -c $$f -o $(BUILD)/ext2-boot32/$$(basename $$f .c).o || exit 1; \
	done
	@$(LD) -m elf_i386 -r -o $(BUILD)/ext2-boot32/ext2-read.o \
		$(patsubst $(EXT2_DIR)/%.c,$(BUILD)/ext2-boot32/%.o,$(EXT2_BOOT_SRCS))
	@bad=$$($(NM) -u $(BUILD)/ext2-boot32/ext2-read.o | awk '{print $$2}' | \
		grep -vxF -e $$(echo $(EXT2_BOOT_OK) | sed 's/ / -e /g') || true); \
	if [ -n "$$bad" ]; then echo "ext2-boot32: read path needs: $$bad"; exit 1; fi
	@echo "ext2-boot32: read path builds for -m32 freestanding ($$(size $(BUILD)/ext2-boot32/ext2-read.o | awk 'NR==2{print $$1}') bytes of text)"
