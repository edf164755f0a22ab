# SPDX-License-Identifier: MIT
#
# The table of `make bench`, from the result files parse.awk wrote, one per
# boot, named <kernel>-<run>.res.  For each metric and kernel: the median
# over the boots, and the spread (lowest and highest boot).  The last
# column compares the medians so that below 1 always means Keel is faster:
# Keel's time over Linux's, or for throughput rows (MiB/s) Linux's rate
# over Keel's.  A cell without numbers says n/a and points to a note that
# gives the reason; numbers are never filled in.
#
# Variables: runs, boots per kernel asked for.

BEGIN {
	# The rows in reading order; metrics not listed follow at the end.
	nrow = split("boot_to_init syscall_null syscall_unknown read_zero_1b write_null_1b " \
		"signal_handler fork_exit_wait fork_exec_wait pipe_pingpong " \
		"pipe_pingpong_pinned thread_create_join futex_pingpong condvar_pingpong " \
		"fault_zero_page fault_cow_page mmap_munmap_1m file_create_write_unlink " \
		"stat open_close seq_write_fsync seq_read_cached seq_read_uncached " \
		"dir_create dir_scan dir_unlink", row, " ")
	for (i = 1; i <= nrow; i++)
		known[row[i]] = 1
	nkern = split("linux keel", kern, " ")
	label["linux"] = "Linux"
	label["keel"] = "Keel"
}

# Fields from @from to the end of the line.
function rest(from,    s, i)
{
	s = $from
	for (i = from + 1; i <= NF; i++)
		s = s " " $i
	return s
}

function add_row(name)
{
	if (!(name in known)) {
		known[name] = 1
		row[++nrow] = name
	}
}

FNR == 1 {
	base = FILENAME
	sub(/.*\//, "", base)
	sub(/\.res$/, "", base)
	k = base
	sub(/-[0-9]+$/, "", k)
	boots[k]++
}

$1 == "metric" {
	add_row($2)
	n = ++cnt[k, $2]
	val[k, $2, n] = $3 + 0
	unit[$2] = $4
}

$1 == "error" || $1 == "skip" {
	add_row($2)
	if (!((k, $2) in why))
		why[k, $2] = ($1 == "skip" ? "skipped: " : "") rest(3)
}

$1 == "status" && $2 != "ok" && !(k in runwhy) {
	runwhy[k] = label[k] " " ($2 == "fail" ? rest(3) : rest(2))
}

# Sort val[k, name, 1..n] into s[1..n].
function sorted(k, name, n, s,    i, j, v)
{
	for (i = 1; i <= n; i++) {
		v = val[k, name, i]
		for (j = i - 1; j >= 1 && s[j] > v; j--)
			s[j + 1] = s[j]
		s[j + 1] = v
	}
}

function fmt(v)
{
	if (v >= 1000)
		return sprintf("%.0f", v)
	if (v >= 100)
		return sprintf("%.1f", v)
	if (v >= 10)
		return sprintf("%.2f", v)
	return sprintf("%.3f", v)
}

# A note's number, the same number for the same text.
function note(text)
{
	if (!(text in notenum)) {
		notenum[text] = ++nnotes
		notetext[nnotes] = text
	}
	return "n/a [" notenum[text] "]"
}

# Fill med[k], cell[k], spread[k] for one metric.
function cells(name,    i, k, n, s)
{
	for (i = 1; i <= nkern; i++) {
		k = kern[i]
		n = cnt[k, name]
		has[k] = n > 0
		spread[k] = ""
		if (n > 0) {
			split("", s)
			sorted(k, name, n, s)
			med[k] = n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
			cell[k] = fmt(med[k])
			spread[k] = fmt(s[1]) "-" fmt(s[n])
			if (n < boots[k])
				spread[k] = spread[k] " (" n "/" boots[k] ")"
		} else if (!boots[k]) {
			cell[k] = "not run"
		} else if ((k, name) in why) {
			cell[k] = note(label[k] ": " why[k, name])
		} else if (k in runwhy) {
			cell[k] = note(runwhy[k])
		} else {
			cell[k] = note(label[k] " printed no result for this metric")
		}
	}
}

function ratio(name)
{
	if (!has["linux"] || !has["keel"] || med["linux"] <= 0 || med["keel"] <= 0)
		return "n/a"
	if (unit[name] == "MiB/s")
		return sprintf("%.2f", med["linux"] / med["keel"])
	return sprintf("%.2f", med["keel"] / med["linux"])
}

END {
	fmtrow = "%-25s %-5s %10s %-19s %10s %-19s %s\n"
	printf fmtrow, "metric", "unit", "Linux", "min-max", "Keel", "min-max", "Keel/Linux"
	for (r = 1; r <= nrow; r++) {
		name = row[r]
		cells(name)
		printf fmtrow, name, (name in unit ? unit[name] : "-"), cell["linux"], spread["linux"],
			cell["keel"], spread["keel"], ratio(name)
	}
	print ""
	print "Medians over " runs " boot(s) per kernel; min-max is the lowest and highest boot,"
	print "(n/N) says only n of N boots gave that number.  Keel/Linux compares the medians:"
	print "time over time (us, ms), or for MiB/s rows Linux's rate over Keel's, so below 1"
	print "always means Keel is faster and above 1 that Linux is."
	for (i = 1; i <= nnotes; i++)
		print "[" i "] " notetext[i]
}
