#!/bin/sh
# Install (as root) or name (otherwise) the Debian packages Keel needs.
#   deps.sh install   install what is missing, or print the apt-get line
#   deps.sh check     the same, used by `make run` and `make check`: on a
#                     fresh Debian 12 machine these two commands are all the
#                     set-up there is.
set -e
PKGS="qemu-system-x86 qemu-utils musl-tools busybox-static e2fsprogs cpio \
xorriso grub-pc-bin grub-common grub-efi-amd64-bin mtools dosfstools ovmf \
gcc make binutils gdb xz-utils clang lld fdisk bochs bochsbios vgabios"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq $missing >/dev/null
	echo "deps: done"
else
	echo "deps: missing packages:$missing"
	echo "run:  sudo apt-get update && sudo apt-get install -y$missing"
	exit 1
fi
