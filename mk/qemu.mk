# QEMU targets (run, debug).  Included from the top-level Makefile.
#
# The boot contract (docs: README.md): Keel boots exactly as Linux does,
#   qemu-system-x86_64 -kernel keel -initrd rootfs.cpio -append "console=ttyS0 ..."

QEMU        := qemu-system-x86_64
QEMU_MEM    ?= 512M
QEMU_SMP    ?= 1
CMDLINE     ?= console=ttyS0
RUN_TIMEOUT ?= 86400
QEMU_ACCEL   = $(shell sh scripts/accel.sh)
QEMU_BASE    = $(QEMU_ACCEL) -m $(QEMU_MEM) -smp $(QEMU_SMP) -no-reboot \
	       -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: run debug
run: check-deps all
	timeout --foreground $(RUN_TIMEOUT) $(QEMU) $(QEMU_BASE) -nographic \
		-kernel $(KERNEL32) -append "$(CMDLINE)" $(QEMU_EXTRA); \
		st=$$?; [ $$st = 0 ] || [ $$st = 33 ] || echo "qemu exited with status $$st"

# Boot with QEMU's gdb stub on :1234, stopped before the first instruction.
# In another terminal: gdb -x scripts/gdbinit
debug: check-deps all
	@echo "gdb: run 'gdb -x scripts/gdbinit' in another terminal"
	timeout --foreground $(RUN_TIMEOUT) $(QEMU) -accel tcg -cpu max -m $(QEMU_MEM) \
		-smp $(QEMU_SMP) -no-reboot -nographic -s -S \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel $(KERNEL32) -append "$(CMDLINE)" $(QEMU_EXTRA)
