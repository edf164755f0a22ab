#!/bin/sh
# Turn `nm -n keel.elf` output into an assembly file holding the kernel's
# symbol table: text symbols sorted by address, for panic() backtraces.
#   ksyms_count   number of entries
#   ksyms_addrs   their addresses, ascending
#   ksyms_offs    offset of each name in ksyms_names
#   ksyms_names   NUL-terminated names
awk 'BEGIN { n = 0 }

$2 ~ /^[tTwW]$/ && $1 ~ /^ffffffff8/ { addr[n] = $1; name[n] = $3; n++ }
END {
	print "\t.section .ksyms, \"a\""
	print "\t.globl ksyms_count, ksyms_addrs, ksyms_offs, ksyms_names"
	print "\t.balign 8"
	print "ksyms_count:\n\t.quad " n + 0
	print "ksyms_addrs:"
	for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
	print "ksyms_offs:"
	off = 0
	for (i = 0; i < n; i++) { print "\t.long " off; off += length(name[i]) + 1 }
	print "ksyms_names:"
	for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\""
}'
