#!/bin/sh
# SPDX-License-Identifier: MIT
# Boot a kernel with Keel's initramfs in QEMU and run a shell test script
# (default tests/shell/basic.script) against its serial console.
#
#   tests/shell/run-qemu.sh KERNEL INITRD [SCRIPT]
#   tests/shell/run-qemu.sh --boot "QEMU ARGS" [SCRIPT]
#
# The kernel gets "console=ttyS0 rdinit=/init keel.test=shell", so init
# runs one /bin/sh on the serial port and powers the machine off when it
# exits (the script's last step).  With --boot, QEMU ARGS replace -kernel,
# -initrd and -append: a boot loader (GRUB's ISO, the UEFI loader, Keel's
# BIOS loader) starts the kernel, and must give it that command line.  The serial port is a Unix socket that
# QEMU serves and waits on (server=on,wait=on), so no output is lost before
# serialdrive connects.  The same command boots any kernel that follows the
# boot contract: build/keel32.elf, or a Linux bzImage as a reference.
#
# Environment: QEMU_TIMEOUT (s, default 600), QEMU_MEM (default 512M),
# CMDLINE_EXTRA (appended to the command line), TRANSCRIPT (where to keep
# the raw console output; default a temporary file printed on failure).
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 KERNEL INITRD [SCRIPT] | --boot 'QEMU ARGS' [SCRIPT]" >&2
	exit 2
fi
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
append="console=ttyS0 rdinit=/init keel.test=shell ${CMDLINE_EXTRA:-}"
if [ "$1" = --boot ]; then
	boot_args=$2	# absolute paths, no spaces in them: split into words below
	append=		# a boot loader passes its own command line
else
	boot_args="-kernel $(abs "$1") -initrd $(abs "$2")"
fi
script=$(abs "${3:-tests/shell/basic.script}")
[ -n "${3:-}" ] || script=
[ -z "${TRANSCRIPT:-}" ] || TRANSCRIPT=$(abs "$TRANSCRIPT")
cd "$(dirname "$0")/../.." || exit 2	# the repository root
script=${script:-tests/shell/basic.script}
sd=${SERIALDRIVE:-build/tools/serialdrive}
[ -x "$sd" ] || make -s serialdrive || exit 2

tmp=$(mktemp -d)
qpid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
sock=$tmp/serial.sock
transcript=${TRANSCRIPT:-$tmp/transcript}

timeout "${QEMU_TIMEOUT:-600}" qemu-system-x86_64 $(sh scripts/accel.sh) \
	-m "${QEMU_MEM:-512M}" -smp 1 -no-reboot -display none -monitor none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-chardev "socket,id=ser0,path=$sock,server=on,wait=on" -serial chardev:ser0 \
	$boot_args ${append:+-append "$append"} </dev/null &
qpid=$!

"$sd" -l "$transcript" -s "$sock" "$script"
st=$?
wait "$qpid"
qst=$?
qpid=
if [ $st != 0 ]; then
	echo "run-qemu: the script failed; QEMU exited with $qst; transcript: $transcript" >&2
	[ -z "${TRANSCRIPT:-}" ] && tail -c 4000 "$transcript" >&2
	exit 1
fi
echo "run-qemu: every step passed; QEMU exited with $qst"
