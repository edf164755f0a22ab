#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: boot Keel through each of its boot paths and judge every boot by its
# serial log and QEMU's exit status (33 = the kernel's tests passed).
#   GRUB:  the ISO from tools/mkiso.sh, multiboot 2, menu on COM1
#   UEFI:  Keel's own loader under OVMF, from an EFI system partition
#   BIOS:  Keel's own MBR and stage 2 from a partitioned disk with an ext2
#          root (stage 2 reads ext2 with kernel/fs/ext2, so it is tested
#          only where that library is in the tree)
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

have_ext2=0
[ -f kernel/fs/ext2/ext2.h ] && have_ext2=1
targets="all $BUILD/uefi/BOOTX64.EFI $BUILD/bios/mbr.bin $BUILD/bios/testvbr.bin"
[ $have_ext2 = 1 ] && targets="$targets $BUILD/bios/stage2.bin"
$MAKE --no-print-directory -s $targets || {
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

# A tiny initramfs: every loader must hand it over as a module.
printf 'Keel initramfs test file\n' > "$dir/hello.txt"
(cd "$dir" && echo hello.txt | cpio -o -H newc --quiet > initrd.cpio)
initrd_size=$(wc -c < "$dir/initrd.cpio")

# ------------------------------------------------------------------ GRUB
# The self-test entry (1) is the default, with the core tests, so the boot
# ends with the kernel's verdict.
iso=$dir/keel.iso
sh tools/mkiso.sh "$BUILD/keel.elf" "$iso" "$KTESTS" 1 "$dir/initrd.cpio"
log=$dir/grub.log
boot "$log" -monitor none -cdrom "$iso"
st=$?
result grub_menu_on_serial "$(has "$log" 'Keel: serial console only, quiet')" \
	"no GRUB menu on COM1; see $log.txt"
ok=0
[ $st = 33 ] && [ "$(has "$log" 'booted by multiboot2 \(GRUB')" = 1 ] && ok=1
result grub_multiboot2_ktests $ok "exit $st; see $log.txt"
result grub_initrd_module \
	"$(has "$log" "boot: module 0: .* \\($initrd_size bytes\\) \"initrd.cpio\"")"

# ------------------------------------------------------------------ UEFI
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
while [ $n -lt "$T" ] && ! grep -aq 'no init found' "$log" 2>/dev/null; do
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

# ------------------------------------------------------------------ BIOS
# boot_until LOG PATTERN [QEMU ARGS...]: for boots that end in a halt, not an
# exit: wait until PATTERN shows on COM1 (or the timeout), then stop QEMU.
# -nographic makes SeaBIOS copy the screen (int 10h) to COM1, as a BIOS with
# serial console redirection does: stage 1 writes only to the screen.
boot_until() {
	log=$1 pattern=$2
	shift 2
	timeout "$T" qemu-system-x86_64 $ACCEL -m 64M -smp 1 -no-reboot -nographic \
		-monitor none -serial "file:$log" "$@" </dev/null >/dev/null 2>"$log.stderr" &
	qpid=$!
	n=0
	while [ $n -lt "$T" ] && ! grep -aq "$pattern" "$log" 2>/dev/null; do
		sleep 1
		n=$((n + 1))
	done
	kill "$qpid" 2>/dev/null             # timeout passes the signal to QEMU
	wait "$qpid" 2>/dev/null
	grep -aq "$pattern" "$log" && echo 1 || echo 0
}

mbr=$BUILD/bios/mbr.bin
stage2=$BUILD/bios/stage2.bin
[ -f "$stage2" ] || stage2=/dev/null

# Stage 1 alone: with no stage 2 it chain-loads the active partition's boot
# sector, which checks %dl and %ds:%si and exits QEMU with 33.
img=$dir/bios-vbr.img
sh tools/mkdisk.sh --vbr "$BUILD/bios/testvbr.bin" "$img" "$mbr" "$stage2" "$BUILD/keel.elf"
boot "$dir/bios-vbr.log" -monitor none -drive "file=$img,format=raw"
st=$?
ok=0
[ $st = 33 ] && ok=1
result mbr_chainloads_active_partition $ok "exit $st"

# No stage 2 and no active partition: the BIOS's verdict, from stage 1.
img=$dir/bios-noos.img
truncate -s 1M "$img"
dd if="$mbr" of="$img" bs=1 count=440 conv=notrunc status=none
printf '\125\252' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
result mbr_no_operating_system \
	"$(boot_until "$dir/bios-noos.log" 'No operating system' -drive "file=$img,format=raw")"
# A disk of one sector: reading sector 1 fails.
head -c 512 "$img" > "$dir/bios-short.img"
result mbr_disk_read_error \
	"$(boot_until "$dir/bios-short.log" 'Disk read error' \
		-drive "file=$dir/bios-short.img,format=raw")"

if [ $have_ext2 = 1 ]; then
	# The whole chain: MBR, stage 2, menu on COM1, ext2, ELF, multiboot 1.
	img=$dir/bios.img
	sh tools/mkdisk.sh --ktest "$KTESTS" --default 1 --timeout 1 --initrd "$dir/initrd.cpio" \
		"$img" "$mbr" "$stage2" "$BUILD/keel.elf"
	result bios_disk_ext2_clean "$(e2fsck -fn "$img?offset=$((2048 * 512))" >/dev/null 2>&1 \
		&& echo 1 || echo 0)"
	log=$dir/bios.log
	boot "$log" -monitor none -drive "file=$img,format=raw"
	st=$?
	ok=0
	[ $st = 33 ] && [ "$(has "$log" 'booted by multiboot1 \(Keel BIOS loader\)')" = 1 ] && ok=1
	result bios_stage2_ktests $ok "exit $st; see $log.txt"
	result bios_menu_on_serial "$(has "$log" '3\. Keel: serial console only, quiet')"
	result bios_e820_map "$(has "$log" 'memory: 0x0000100000-.* type 1')"
	result bios_int13_extensions "$(has "$log" 'int 13h extensions \(LBA\)')"
	result bios_initrd_module \
		"$(has "$log" "boot: module 0: .* \\($initrd_size bytes\\) \"initrd.cpio\"")"

	# The old ways: CHS reads only (stage 1 and 2), and A20 closed and
	# reopened by the BIOS, the keyboard controller and port 0x92.
	img=$dir/bios-chs.img
	sh tools/mkdisk.sh --chs --a20-selftest --ktest "$KTESTS" --default 1 --timeout 0 \
		"$img" "$mbr" "$stage2" "$BUILD/keel.elf"
	log=$dir/bios-chs.log
	boot "$log" -monitor none -drive "file=$img,format=raw"
	st=$?
	ok=0
	[ $st = 33 ] && [ "$(has "$log" 'CHS \(forced by the MBR flag\)')" = 1 ] && ok=1
	result bios_chs_reads $ok "exit $st; see $log.txt"
	for m in 'the BIOS' 'the keyboard controller' 'port 0x92'; do
		name=$(echo "$m" | sed 's/the //; s/ /_/g' | tr 'A-Z' 'a-z')
		result "bios_a20_by_$name" "$(has "$log" "a20-test: PASS $m")"
	done
else
	echo "boot: Keel's BIOS stage 2 needs kernel/fs/ext2 (not in this tree); not tested"
fi

grep -c '^PASS' "$out" | sed 's/^/boot: passed /'
! grep -q '^FAIL' "$out"
