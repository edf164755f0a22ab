# GRUB boot ISO (make iso, make run-iso).  Included from the top-level Makefile.
#
# build/keel.iso boots Keel through GRUB's multiboot 2 loader, with a menu on
# the screen and COM1: a normal boot, the kernel self-tests, a quiet boot;
# INITRD=file adds an initramfs as a multiboot module.

ISO := $(BUILD)/keel.iso

.PHONY: iso run-iso
iso: $(ISO)

$(ISO): $(KERNEL) tools/mkiso.sh boot/grub/grub.cfg.in $(INITRD)
	@$(if $(Q),echo "  ISO     $@")
	$(Q)sh tools/mkiso.sh $(KERNEL) $@ keel.ktest=all 0 $(INITRD)

run-iso: check-deps $(ISO)
	timeout --foreground $(RUN_TIMEOUT) $(QEMU) $(QEMU_BASE) -nographic \
		-cdrom $(ISO) $(QEMU_EXTRA); \
		st=$$?; [ $$st = 0 ] || [ $$st = 33 ] || echo "qemu exited with status $$st"
