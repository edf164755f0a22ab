#!/bin/sh
# Stage: boot with an initramfs, exactly as Linux is booted
# (-initrd rootfs.cpio): the kernel must unpack the archive into its root
# file system.  The archive is the one mk/fs.mk builds with GNU cpio; the
# ktest fs_boot_rootfs checks its contents from inside.
set -u
$MAKE --no-print-directory -s all "$BUILD/fs-test/test.cpio" || exit 1
out=$RESULTS/initramfs.txt
log=$RESULTS/initramfs.log
: > "$out"
timeout "${KTEST_TIMEOUT:-300}" qemu-system-x86_64 $(sh scripts/accel.sh) -m 256M -smp 1 \
	-no-reboot -display none -serial "file:$log" -monitor none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$BUILD/keel32.elf" -initrd "$BUILD/fs-test/test.cpio" \
	-append "console=ttyS0 rdinit=/init keel.ktest=fs_boot_rootfs" </dev/null
st=$?
if [ $st = 33 ] && grep -aq "initramfs: 14 files unpacked" "$log" &&
   grep -aq "checking the initramfs given by the boot loader" "$log"; then
	echo "PASS initramfs/boot_unpacks_initrd" >> "$out"
else
	echo "FAIL initramfs/boot_unpacks_initrd (qemu exit $st; see $log)" >> "$out"
fi
! grep -q '^FAIL' "$out"
