# The memory-pressure test: build/vmtest/vmpressure, a static musl program
# that runs as init of its own small initramfs (build/vmtest/initrd.cpio),
# booted with a swap disk by tests/stages/45-vm-pressure.sh.
# Included from the top-level Makefile.
#
#   make vmtest

VMTEST_DIR  := $(BUILD)/vmtest
VMTEST_BIN  := $(VMTEST_DIR)/vmpressure
VMTEST_CPIO := $(VMTEST_DIR)/initrd.cpio

.PHONY: vmtest
vmtest: $(VMTEST_CPIO)

$(VMTEST_BIN): user/vmtest/vmpressure.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MUSLCC  $<")
	$(Q)musl-gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -o $@ $<

$(VMTEST_CPIO): $(VMTEST_BIN) $(BUILD)/tools/mkcpio
	@printf '%s\n' "dir /dev 0755" "dir /proc 0555" "dir /tmp 1777" \
		"nod /dev/console 0600 c 5 1" "nod /dev/null 0666 c 1 3" \
		"nod /dev/vda 0600 b 254 0" "file /init $(VMTEST_BIN) 0755" > $@.spec
	$(Q)$(BUILD)/tools/mkcpio $@.spec $@
