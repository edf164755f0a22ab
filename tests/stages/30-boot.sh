#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: boot Keel through each of its boot paths and judge every boot by its
# serial log and QEMU's exit status (33 = the kernel's tests passed).
#   GRUB:  the ISO from tools/mkiso.sh, multiboot 2, menu on COM1
#   UEFI:  Keel's own loader under OVMF, from an EFI system partition
# (QEMU's -kernel, multiboot 1, is covered by the ktest stage.)
# Writes PASS/FAIL lines to $RESULTS/boot.txt.
set -u
out=$RESULTS/boot.txt
: > "$out"
dir=$BUILD/boot-test
rm -rf "$dir"
mkdir -p "$dir"
T=${BOOT_TIMEOUT:-120}
ACCEL=$(sh scripts/accel.sh)
OVMF=${OVMF:-/usr/share/ovmf/OVMF.fd}
KTESTS="keel.ktest=core_*,fbcon_*"

$MAKE --no-print-directory -s all "$BUILD/uefi/BOOTX64.EFI" || {
	echo "FAIL boot/build (make failed)" >> "$out"
	exit 1
}

result() {   # result NAME OK [WHY]
	if [ "$2" = 1 ]; then
		echo "PASS boot/$1" >> "$out"
	else
		echo "FAIL boot/$1 (${3:-see $dir})" >> "$out"
	fi
}

# boot LOG [QEMU ARGS...]: run QEMU with COM1 to LOG; returns QEMU's status and
# leaves LOG.txt with carriage returns and terminal escapes removed.
boot() {
	log=$1
	shift
	timeout "$T" qemu-system-x86_64 $ACCEL -m 512M -smp 1 -no-reboot -display none \
		-serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null
	st=$?
	tr -d '\r' < "$log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' > "$log.txt"
	return $st
}

has() {   # has LOG PATTERN: 1 if the cleaned log matches the extended regex
	grep -aEq -- "$2" "$1.txt" && echo 1 || echo 0
}

# ------------------------------------------------------------------ GRUB
# The self-test entry (1) is the default, with the core tests, so the boot
# ends with the kernel's verdict.
iso=$dir/keel.iso
sh tools/mkiso.sh "$BUILD/keel.elf" "$iso" "$KTESTS" 1
log=$dir/grub.log
boot "$log" -monitor none -cdrom "$iso"
st=$?
result grub_menu_on_serial "$(has "$log" 'Keel: serial console only, quiet')" \
	"no GRUB menu on COM1; see $log.txt"
ok=0
[ $st = 33 ] && [ "$(has "$log" 'booted by multiboot2 \(GRUB')" = 1 ] && ok=1
result grub_multiboot2_ktests $ok "exit $st; see $log.txt"

# ------------------------------------------------------------------ UEFI
printf 'Keel initramfs test file\n' > "$dir/hello.txt"
(cd "$dir" && echo hello.txt | cpio -o -H newc --quiet > initrd.cpio)
initrd_size=$(wc -c < "$dir/initrd.cpio")

img=$dir/uefi.img
sh tools/mkesp.sh "$img" "$BUILD/uefi/BOOTX64.EFI" "$BUILD/keel.elf" \
	"console=ttyS0 $KTESTS keel.bootpath=uefi" "$dir/initrd.cpio"
log=$dir/uefi.log
boot "$log" -monitor none -bios "$OVMF" -drive "file=$img,format=raw"
st=$?
ok=0
[ $st = 33 ] && [ "$(has "$log" 'booted by multiboot2 \(Keel UEFI loader\)')" = 1 ] && ok=1
result uefi_ktests $ok "exit $st; see $log.txt"
result uefi_cmdline_file "$(has "$log" "command line: console=ttyS0 .* keel.bootpath=uefi")"
result uefi_initrd_module \
	"$(has "$log" "boot: module 0: .* \\($initrd_size bytes\\) \"initrd.cpio\"")"
ok=0
[ "$(has "$log" 'keel-uefi: ACPI 2.0 RSDP at')" = 1 ] &&
	[ "$(has "$log" 'acpi: RSDP rev 2')" = 1 ] && ok=1
result uefi_acpi_rsdp_from_config_table $ok
result uefi_fbcon_on_gop "$(has "$log" 'fbcon: [0-9]+x[0-9]+ framebuffer at')"

# No display adapter, so no GOP: the loader and the kernel say so and the
# console stays on the serial port.
log=$dir/uefi-nogop.log
boot "$log" -monitor none -vga none -bios "$OVMF" -drive "file=$img,format=raw"
st=$?
ok=0
[ $st = 33 ] && [ "$(has "$log" 'keel-uefi: no graphics output protocol')" = 1 ] &&
	[ "$(has "$log" 'fbcon: no framebuffer from the boot loader')" = 1 ] && ok=1
result uefi_without_gop_serial_only $ok "exit $st; see $log.txt"

# What the screen shows: a normal boot idles; then QEMU's monitor dumps the
# display.  Keel's console clears the screen to black and draws grey (0xaa)
# text, so every byte of the picture must be 0 or 0xaa and some 0xaa.  The
# firmware's screen before it (logo, white and 0x98 grey text) fails this.
img=$dir/uefi-plain.img
sh tools/mkesp.sh "$img" "$BUILD/uefi/BOOTX64.EFI" "$BUILD/keel.elf" "console=ttyS0"
log=$dir/uefi-screen.log
mon=$dir/monitor
rm -f "$mon.in" "$mon.out" "$dir/screen.ppm"
mkfifo "$mon.in" "$mon.out"
boot "$log" -monitor "pipe:$mon" -bios "$OVMF" -drive "file=$img,format=raw" &
qpid=$!
exec 3<>"$mon.out" 4>"$mon.in"       # held open: QEMU never blocks on them
n=0
while [ $n -lt "$T" ] && ! grep -aq 'no init to run yet' "$log" 2>/dev/null; do
	sleep 1
	n=$((n + 1))
done
echo "screendump $dir/screen.ppm" >&4
sleep 2
echo quit >&4
wait $qpid
exec 3>&- 4>&-
ok=0
if [ -s "$dir/screen.ppm" ]; then
	hdr=$(head -3 "$dir/screen.ppm" | wc -c)
	other=$(tail -c +$((hdr + 1)) "$dir/screen.ppm" | tr -d '\000\252' | wc -c)
	grey=$(tail -c +$((hdr + 1)) "$dir/screen.ppm" | tr -cd '\252' | wc -c)
	[ "$other" = 0 ] && [ "$grey" -gt 1000 ] && ok=1
fi
result uefi_screen_shows_console $ok "screen.ppm: ${other:-none} foreign, ${grey:-0} grey bytes"

grep -c '^PASS' "$out" | sed 's/^/boot: passed /'
! grep -q '^FAIL' "$out"
