# QEMU targets (run, debug).  Included from the top-level Makefile.
#
# The boot contract (docs: README.md): Keel boots exactly as Linux does,
#   qemu-system-x86_64 -kernel keel -initrd rootfs.cpio -append "console=ttyS0 ..."
# `make run` boots from the ext2 root disk build/root.img (mk/rootdisk.mk)
# with root=/dev/vda; the image keeps its files from one run to the next.

QEMU        := qemu-system-x86_64
QEMU_MEM    ?= 512M
QEMU_SMP    ?= 1
CMDLINE     ?= console=ttyS0 root=/dev/vda
ROOT_DRIVE   = -drive file=$(BUILD)/root.img,if=virtio,format=raw
RUN_TIMEOUT ?= 86400
QEMU_ACCEL   = $(shell sh scripts/accel.sh)
QEMU_BASE    = $(QEMU_ACCEL) -m $(QEMU_MEM) -smp $(QEMU_SMP) -no-reboot \
	       -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: run debug
run: check-deps all $(BUILD)/root.img
	timeout --foreground $(RUN_TIMEOUT) $(QEMU) $(QEMU_BASE) -nographic \
		-kernel $(KERNEL32) -append "$(CMDLINE)" $(ROOT_DRIVE) $(QEMU_EXTRA); \
		st=$$?; [ $$st = 0 ] || [ $$st = 33 ] || echo "qemu exited with status $$st"

# Boot with QEMU's gdb stub on :1234, stopped before the first instruction.
# In another terminal: gdb -x scripts/gdbinit
debug: check-deps all $(BUILD)/root.img
	@echo "gdb: run 'gdb -x scripts/gdbinit' in another terminal"
	timeout --foreground $(RUN_TIMEOUT) $(QEMU) -accel tcg -cpu max -m $(QEMU_MEM) \
		-smp $(QEMU_SMP) -no-reboot -nographic -s -S \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel $(KERNEL32) -append "$(CMDLINE)" $(ROOT_DRIVE) $(QEMU_EXTRA)
