#!/bin/sh
# Build the test initramfs: a small tree archived by GNU cpio in newc
# format, followed by a second archive holding a character device node
# (the host's /dev/null: cpio copies nodes without needing mknod, so no
# root is needed).  Used by tests/unit/test_cpio.c and by the initramfs
# ktests, which embed it in the kernel.  Usage: mkcpio.sh OUT
set -e
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root
mkdir -p "$r/etc" "$r/bin" "$r/empty"
printf 'hello, initramfs\n' > "$r/hello"
chmod 0640 "$r/hello"
printf '#!/bin/sh\necho hi\n' > "$r/bin/script"
chmod 4755 "$r/bin/script"
printf 'shared data\n' > "$r/bin/one"
ln "$r/bin/one" "$r/bin/two"
ln -s ../hello "$r/etc/link"
ln -s /bin/script "$r/abs"
mkfifo "$r/fifo"
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "%c", 65 + i % 26 }' > "$r/bin/big"
chmod 0711 "$r/empty"
find "$r" -exec touch -h -d @1000000000 {} +
(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$tmp/a.cpio"
(cd / && printf 'dev\ndev/null\n' | cpio -o -H newc -R 0:0 --quiet) > "$tmp/b.cpio"
mkdir -p "$(dirname "$out")"
cat "$tmp/a.cpio" "$tmp/b.cpio" > "$out"
