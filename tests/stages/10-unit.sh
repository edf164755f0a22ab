#!/bin/sh
# Stage: host unit tests of the kernel's pure code, under ASan and UBSan.
set -e
$MAKE --no-print-directory -s unit-build
$MAKE --no-print-directory -s unit-run
