#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: PCIDs on a CPU that has them.  QEMU's TCG offers no PCID, so the
# tagged-TLB path of arch/x86_64/pcid.c runs here under Bochs, whose
# Haswell model has PCID and INVPCID: Keel boots from the GRUB ISO on two
# CPUs and runs the PCID, address-space and SMP ktests.  Bochs' own BIOS boots the ISO; COM1
# goes to a file; the boot is stopped once the ktest summary is out
# (Keel powers off through ACPI when all pass, but a failing run halts).
# Writes PASS/FAIL lines to $RESULTS/pcid-bochs.txt.
set -u
out=$RESULTS/pcid-bochs.txt
: > "$out"
dir=$BUILD/pcid-bochs
rm -rf "$dir"
mkdir -p "$dir"
T=${BOCHS_TIMEOUT:-300}
WORDS="keel.ktest=pcid_*,vm_*,smp_*"

$MAKE --no-print-directory -s all || {
	echo "FAIL pcid-bochs/build (make failed)" >> "$out"
	exit 1
}
sh tools/mkiso.sh "$BUILD/keel.elf" "$dir/keel.iso" "$WORDS" 1 || {
	echo "FAIL pcid-bochs/iso (mkiso failed)" >> "$out"
	exit 1
}
cat > "$dir/bochsrc" <<RC
megs: 256
cpu: model=corei7_haswell_4770, count=2, ips=100000000, reset_on_triple_fault=0
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$dir/keel.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$dir/serial.log
display_library: rfb, options="timeout=0"
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
log: $dir/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
clock: sync=none, time0=local
RC
# Debian's Bochs has its debugger built in and stops before the first
# instruction: "c" lets it run.
echo c > "$dir/cmds"
: > "$dir/serial.log"
timeout "$T" bochs -q -f "$dir/bochsrc" -rc "$dir/cmds" > "$dir/bochs.out" 2>&1 </dev/null &
pid=$!
while kill -0 $pid 2>/dev/null; do
	grep -aq "ktest: [0-9]* passed" "$dir/serial.log" && break
	sleep 1
done
kill $pid 2>/dev/null
wait $pid 2>/dev/null
tr -d '\r' < "$dir/serial.log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' > "$dir/serial.txt"

summary=$(grep -a "ktest: [0-9]* passed" "$dir/serial.txt")
grep -a "ktest: \(PASS\|FAIL\)" "$dir/serial.txt" | sed 's/.*ktest: \(PASS\|FAIL\) \([a-z0-9_]*\).*/\1 pcid-bochs\/\2/' >> "$out"
if [ -z "$summary" ]; then
	echo "FAIL pcid-bochs/boot (no ktest summary within ${T}s; see $dir)" >> "$out"
elif ! grep -aq "PCIDs in use" "$dir/serial.txt"; then
	echo "FAIL pcid-bochs/pcid-in-use (Keel did not turn PCIDs on; see $dir/serial.txt)" >> "$out"
else
	echo "PASS pcid-bochs/pcid-in-use" >> "$out"
fi
grep -c '^PASS' "$out" | sed 's/^/pcid-bochs: passed /'
grep '^FAIL' "$out" || true
