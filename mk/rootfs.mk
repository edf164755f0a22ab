# The initramfs: build/rootfs.cpio, a newc archive with busybox-static,
# Keel's init as /init and the user test suite as /bin/usertests.
# Included from the top-level Makefile.
#
#   make rootfs
#   qemu-system-x86_64 -kernel build/keel32.elf -initrd build/rootfs.cpio \
#       -append "console=ttyS0 rdinit=/init [keel.test=user|shell]"

HOST_CC     := gcc
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror
MKCPIO      := $(BUILD)/tools/mkcpio
ROOTFS      := $(BUILD)/rootfs.cpio

.PHONY: rootfs
rootfs: $(ROOTFS)

$(MKCPIO): tools/mkcpio.c
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $<

# user.mk sorts after this file, so its variables are not set yet here.
$(ROOTFS): $(MKCPIO) $(BUILD)/user/init $(BUILD)/user/usertests tools/mkrootfs.sh \
		$(wildcard user/rootfs/etc/*)
	$(Q)MKCPIO=$(MKCPIO) USER_BUILD=$(BUILD)/user sh tools/mkrootfs.sh $@
