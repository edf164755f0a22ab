# The root disk: build/root.img, an ext2 file system holding the
# initramfs's tree with busybox init as /sbin/init (tools/mkrootimg.sh).
# `make run` boots from it, as the boot contract says:
#
#   qemu-system-x86_64 -kernel build/keel32.elf -append "console=ttyS0 root=/dev/vda" \
#       -drive file=build/root.img,if=virtio,format=raw
#
# What you write on it stays there across boots: the image is made again
# only when its inputs change (the initramfs, user/rootdisk/), or after
# `make clean-root`.  Included from the top-level Makefile.

ROOT_IMG    := $(BUILD)/root.img
ROOT_IMG_MB ?= 256
ROOT_INPUTS := tools/mkrootimg.sh $(shell find user/rootdisk -type f)

.PHONY: root-img clean-root
root-img: $(ROOT_IMG)

$(ROOT_IMG): $(ROOTFS) $(ROOT_INPUTS)
	@$(if $(Q),echo "  EXT2    $@")
	$(Q)sh tools/mkrootimg.sh $(ROOTFS) $@ $(ROOT_IMG_MB) > /dev/null

clean-root:
	rm -f $(ROOT_IMG)
