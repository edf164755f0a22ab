#!/bin/sh
# Print QEMU's accelerator flags.  KVM only where the CPU really has
# hardware virtualization (vmx or svm in /proc/cpuinfo) and /dev/kvm opens:
# some machines offer a /dev/kvm that is a software layer without either
# flag, and ring-0 code runs far slower there than under TCG.
if grep -qwE 'vmx|svm' /proc/cpuinfo 2>/dev/null && [ -r /dev/kvm ] && [ -w /dev/kvm ] \
	&& [ "${KEEL_ACCEL:-auto}" != tcg ]; then
	echo "-accel kvm -cpu host"
else
	echo "-accel tcg -cpu max"
fi
