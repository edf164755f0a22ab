# The file-system tests' data: a newc cpio archive made by GNU cpio
# (tests/data/mkcpio.sh), read by the host unit test of the cpio parser,
# embedded in the kernel for the initramfs ktests, and handed to QEMU as an
# initrd by the boot stage (tests/stages/25-initramfs.sh).

TEST_CPIO := $(BUILD)/fs-test/test.cpio

$(TEST_CPIO): tests/data/mkcpio.sh
	@mkdir -p $(dir $@)
	sh tests/data/mkcpio.sh $@

$(BUILD)/kernel/fs/ktests/initramfs_data.o: $(TEST_CPIO)
$(BUILD)/kernel/fs/ktests/initramfs_data.o: KASFLAGS += -DTEST_CPIO='"$(TEST_CPIO)"'
$(BUILD)/unit/test_cpio: $(TEST_CPIO)
