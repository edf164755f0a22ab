#!/bin/sh
# SPDX-License-Identifier: MIT
# Build a bootable ISO image that starts Keel through GRUB and multiboot 2.
#
#   tools/mkiso.sh KERNEL OUT.iso [KTEST_WORDS [DEFAULT_ENTRY [INITRD]]]
#
# GRUB loads the 64-bit ELF itself (`multiboot2 /boot/keel.elf ...`): it
# reads the multiboot 2 header in the first 32 KiB of the file, loads each
# PT_LOAD segment at its physical address and enters _start32 in 32-bit
# protected mode.  The menu (boot/grub/grub.cfg.in) offers a normal boot, a
# self-test boot and a quiet serial-only boot; KTEST_WORDS replaces the
# self-test entry's `keel.ktest=all` and DEFAULT_ENTRY picks the entry the
# timeout boots (0, 1 or 2), which is how the boot tests drive it.  An
# INITRD goes in as /boot/initrd.cpio, a multiboot module of every entry.
set -eu
kernel=$1
out=$2
ktest=${3:-keel.ktest=all}
default=${4:-0}
initrd=${5:-}

stage=$(mktemp -d "${TMPDIR:-/tmp}/keel-iso.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/keel.elf"
module=""
if [ -n "$initrd" ]; then
	cp "$initrd" "$stage/boot/initrd.cpio"
	module="module2 /boot/initrd.cpio initrd.cpio"
fi
sed -e "s|@KTEST@|$ktest|" -e "s|@DEFAULT@|$default|" -e "s|@MODULE@|$module|" \
	"$(dirname "$0")/../boot/grub/grub.cfg.in" > "$stage/boot/grub/grub.cfg"

# Only the PC (BIOS) platform: the UEFI path is Keel's own loader.
grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out" "$stage" 2>"$stage.log" || { cat "$stage.log" >&2; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"
