#!/bin/sh
# Stage: the kernel's own tests, booted in QEMU.
set -e
$MAKE --no-print-directory -s all
sh tests/run-ktest.sh "$BUILD/keel32.elf"
