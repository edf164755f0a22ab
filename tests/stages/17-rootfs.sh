#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: the initramfs.  build/rootfs.cpio must be a newc archive (read
# back here with GNU cpio) holding init, the test suite, busybox with every
# applet linked, /etc and the console device nodes with Linux's numbers,
# and the same inputs must give the same bytes.  Writes "PASS rootfs/<x>".
set -e
$MAKE --no-print-directory -s rootfs
out=$RESULTS/rootfs.txt
img=$BUILD/rootfs.cpio
: > "$out"
list=$(cpio -itv --quiet < "$img")

check() {	# check NAME COMMAND...: PASS if the command succeeds
	name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "PASS rootfs/$name" >> "$out"
	else
		echo "FAIL rootfs/$name" >> "$out"
	fi
}
has() {		# has REGEX: a line of the listing matches
	printf '%s\n' "$list" | grep -Eq "$1"
}
same() {	# same PATH-IN-ARCHIVE FILE: the archived file is byte-identical
	cpio -i --quiet --to-stdout "$1" < "$img" | cmp -s - "$2"
}
links_complete() {
	want=$(busybox --list-full | grep -vcE '^(bin/busybox|linuxrc)$')
	got=$(printf '%s\n' "$list" | grep -c -- '-> /bin/busybox$')
	[ "$want" = "$got" ]
}
reproducible() {
	MKCPIO=$BUILD/tools/mkcpio USER_BUILD=$BUILD/user sh tools/mkrootfs.sh "$img.again"
	cmp -s "$img" "$img.again"
}

check newc_magic sh -c "head -c 6 '$img' | grep -q 070701"
check init_is_ours same init "$BUILD/user/init"
check usertests_is_ours same bin/usertests "$BUILD/user/usertests"
check busybox_is_static same bin/busybox "$(command -v busybox)"
check applet_links_complete links_complete
check sh_is_busybox has '^l.* bin/sh -> /bin/busybox$'
check dev_console has '^crw------- .* 5, +1 .* dev/console$'
check dev_ttyS0 has '^crw------- .* 4, +64 .* dev/ttyS0$'
check dev_null has '^crw-rw-rw- .* 1, +3 .* dev/null$'
check dev_zero has '^crw-rw-rw- .* 1, +5 .* dev/zero$'
check dev_urandom has '^crw-rw-rw- .* 1, +9 .* dev/urandom$'
check tmp_sticky has '^drwxrwxrwt .* tmp$'
check etc_files sh -c "for f in passwd group hostname profile; do \
	cpio -i --quiet --to-stdout etc/\$f < '$img' | cmp -s - user/rootfs/etc/\$f || exit 1; done"
check reproducible reproducible
bad_spec_rejected() {
	printf 'dir /ok 0755\nnod /dev/x 0600 q 1 2\n' > "$img.bad.spec"
	! "$BUILD/tools/mkcpio" "$img.bad.spec" "$img.bad" 2>"$img.bad.err" &&
		grep -q 'bad.spec:2' "$img.bad.err"
}
check mkcpio_rejects_bad_spec bad_spec_rejected
rm -f "$img.bad" "$img.bad.spec" "$img.bad.err"
rm -f "$img.again" "$img.again.spec"
