#!/bin/sh
# Stage: the policy laboratory's assertions on Keel's page-replacement
# policies (OPT bounds every policy, Belady's anomaly, scan resistance,
# pinning, invariants); see tools/policylab/check.c.
set -e
$MAKE --no-print-directory -s "$BUILD/policylab"
: > "$RESULTS/policylab.txt"
timeout 300 "$BUILD/policylab" --check "$RESULTS/policylab.txt"
