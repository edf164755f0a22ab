# SPDX-License-Identifier: MIT
#
# Turn one boot's serial log, as stamped by linestamp ("<ms> <line>"), into
# result lines for report.awk:
#
#	metric <name> <value> <unit>	osbench's, plus boot_to_init (ms)
#	error <name> <reason>		osbench's, or a row this boot voids
#	skip <name> <reason>
#	status ok | status fail <why the boot fell short>
#
# Variables: lst, linestamp's exit status (3: init's first line did not
# come in time, 4: the output ended without it); qst, QEMU's exit status
# through timeout(1) (124: the boot ran out of time, 143: the harness ended
# it); wait, the start timeout in seconds; logfile, the log's path.

# The rows that need the ext2 disk: without it they would time the RAM
# file system, so a boot whose init could not mount the disk voids them.
function on_disk(name)
{
	return name ~ /^(file_|stat$|open_close$|seq_|dir_)/
}

function qemu_end()
{
	if (qst == 124)
		return "timed out after the boot's time limit"
	if (qst == 37)
		return "panicked (QEMU exit status 37)"
	if (qst == 143)
		return "stopped by the harness (no power-off)"
	return "QEMU exit status " qst
}

{
	ms = $1
	line = $0
	sub(/^ *[0-9.]+ /, "", line)
	if (line ~ /[^ ]/)
		lastline = line
}

!started && line ~ /^bench-init: start/ {
	started = 1
	printf "metric boot_to_init %.1f ms\n", ms
	next
}

line ~ /^bench-init: no-disk / {
	nodisk = substr(line, length("bench-init: no-disk ") + 1)
	next
}

line ~ /^osbench: start/ { running = 1; next }
line ~ /^osbench: done/ { done = 1; running = 0; next }

# Only whole, well-formed lines count: a kernel message written into the
# middle of a line spoils that line, never a number.
running && line ~ /^(metric|error|skip) / {
	n = split(line, f, " ")
	if (f[1] == "metric" && (n != 4 || f[3] !~ /^[0-9]+(\.[0-9]+)?$/))
		next
	last = f[2]
	if (nodisk != "" && on_disk(f[2]))
		print "error " f[2] " ran on the RAM file system (" nodisk ")"
	else
		print line
}

END {
	where = " (see " logfile ")"
	if (!started)
		where = (lastline == "" ? "; no console output" : \
			 "; last console line: \"" substr(lastline, 1, 80) "\"") where
	if (done)
		print "status ok"
	else if (running)
		print "status fail osbench stopped after " (last ? last : "its first line") \
			", " qemu_end() where
	else if (started)
		print "status fail init ran but osbench did not start, " qemu_end() where
	else if (lst == 3)
		print "status fail did not reach init's first line within " wait " s" where
	else
		print "status fail did not reach init's first line, " qemu_end() where
}
