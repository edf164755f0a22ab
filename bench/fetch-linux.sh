#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Fetch Debian's Linux kernel for `make bench`, without installing it.
#
#   fetch-linux.sh CACHE_DIR
#
# Resolves the kernel package that Debian's linux-image-amd64 currently
# depends on (for example linux-image-6.1.0-56-amd64), downloads it with
# `apt-get download` and unpacks it with `dpkg -x` into CACHE_DIR, so the
# kernel is CACHE_DIR/boot/vmlinuz-* and its modules CACHE_DIR/lib/modules/.
# Nothing is installed on this machine.  A second run finds the unpacked
# kernel and does nothing; delete CACHE_DIR to fetch a newer one.
set -e
cache=${1:?usage: fetch-linux.sh CACHE_DIR}

if ls "$cache"/boot/vmlinuz-* >/dev/null 2>&1 && [ -f "$cache/.complete" ]; then
	exit 0
fi

# The package name: "Depends: linux-image-6.1.0-NN-amd64".  apt-cache needs
# package lists; when they are missing or stale, refresh them once (as root).
resolve() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -1
}
pkg=$(resolve)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
	apt-get update -qq
	pkg=$(resolve)
fi
if [ -z "$pkg" ]; then
	echo "fetch-linux: cannot resolve linux-image-amd64's kernel package (run apt-get update)" >&2
	exit 1
fi

rm -rf "$cache"
mkdir -p "$cache/deb"
echo "fetch-linux: downloading $pkg (once; cached in $cache)"
# apt-get download writes into the current directory.  As root it warns
# that the download is not sandboxed (the _apt user cannot write here);
# its messages are shown only when it fails.  A stale package list names a
# file the mirror no longer has: refresh the lists and try once more.
download() {
	(cd "$cache/deb" && apt-get download -q "$pkg" >apt.log 2>&1) && return 0
	cat "$cache/deb/apt.log" >&2
	return 1
}
if ! download; then
	[ "$(id -u)" = 0 ] || exit 1
	apt-get update -qq
	pkg=$(resolve)
	download
fi
dpkg -x "$cache"/deb/"$pkg"_*.deb "$cache"
rm -rf "$cache/deb"
echo "$pkg" > "$cache/.complete"
echo "fetch-linux: unpacked $(ls "$cache"/boot/vmlinuz-*)"
