// SPDX-License-Identifier: MIT
/*
 * The boot menu.  Its entries come from /boot/keel.cfg on the root volume,
 * a small text file in the spirit of GRUB's grub.cfg:
 *
 *     # comment
 *     timeout 3               seconds before the default boots (0: at once)
 *     default 1               which entry, counting from 0
 *     entry Keel | console=ttyS0
 *     entry Keel: kernel self-tests | console=ttyS0 keel.ktest=all
 *     a20-selftest            close and reopen A20 by each method first
 *
 * Without the file the three entries below are offered.  The menu shows on
 * the screen and on COM1; a digit boots that entry, Enter the default, and
 * any other key stops the countdown.
 */
#include "bios/bios.h"
#include "lib/string.h"

#define CFG_PATH "/boot/keel.cfg"
#define CFG_MAX  4096
#define TICK_MS  100

static const struct boot_entry builtin[] = {
	{ "Keel", "console=ttyS0" },
	{ "Keel: kernel self-tests", "console=ttyS0 keel.ktest=all" },
	{ "Keel: serial console only, quiet", "console=ttyS0 quiet" },
};

static char cfg[CFG_MAX + 1];

/* Copy s[0..n) to out without the blanks around it. */
static void
copy_trimmed(char *out, size_t size, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	n = MIN(n, size - 1);
	memcpy(out, s, n);
	out[n] = 0;
}

static bool
keyword(const char **line, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*line, word, n) != 0 || ((*line)[n] != ' ' && (*line)[n] != 0))
		return false;
	*line += n;
	return true;
}

static void
parse_line(struct boot_menu *m, const char *line, size_t len)
{
	char buf[400];
	const char *p = buf, *bar;

	copy_trimmed(buf, sizeof(buf), line, len);
	if (keyword(&p, "timeout")) {
		m->timeout = (unsigned)kstrtoull(p + 1, NULL, 10);
	} else if (keyword(&p, "default")) {
		m->deflt = (unsigned)kstrtoull(p + 1, NULL, 10);
	} else if (keyword(&p, "a20-selftest")) {
		m->a20_selftest = true;
	} else if (keyword(&p, "entry") && (bar = strchr(p, '|')) &&
		   m->count < ARRAY_SIZE(m->entries)) {
		struct boot_entry *e = &m->entries[m->count++];
		copy_trimmed(e->title, sizeof(e->title), p, bar - p);
		copy_trimmed(e->cmdline, sizeof(e->cmdline), bar + 1, strlen(bar + 1));
	} else if (buf[0] && buf[0] != '#') {
		con_printf("menu: " CFG_PATH ": ignoring \"%s\"\n", buf);
	}
}

void
menu_load(struct boot_menu *m)
{
	long n = root_read_file(CFG_PATH, cfg, CFG_MAX);

	*m = (struct boot_menu){ .timeout = 3 };
	if (n < 0) {
		con_printf("menu: no " CFG_PATH "; built-in entries\n");
		n = 0;
	}
	cfg[n] = 0;
	for (char *line = cfg, *end; *line; line = end + (*end != 0)) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		parse_line(m, line, end - line);
	}
	if (m->count == 0) {
		memcpy(m->entries, builtin, sizeof(builtin));
		m->count = ARRAY_SIZE(builtin);
	}
	if (m->deflt >= m->count)
		m->deflt = 0;
}

static void
show(const struct boot_menu *m)
{
	con_printf("\nKeel boot menu\n");
	for (unsigned i = 0; i < m->count; i++)
		con_printf(" %c %u. %s\n", i == m->deflt ? '*' : ' ', i + 1, m->entries[i].title);
	con_printf("Press 1-%u to boot an entry, Enter for the default (*); "
		   "any other key stops the countdown.\n", m->count);
}

const struct boot_entry *
menu_choose(const struct boot_menu *m)
{
	unsigned ticks = m->timeout * (1000 / TICK_MS);
	bool counting = true;

	show(m);
	while (!counting || ticks > 0) {
		int key = con_getkey();
		if (key >= '1' && key < '1' + (int)m->count)
			return &m->entries[key - '1'];
		if (key == '\r' || key == '\n')
			return &m->entries[m->deflt];
		if (key >= 0 && counting) {
			counting = false;
			con_printf("\rCountdown stopped.            \n");
		}
		if (counting && ticks % (1000 / TICK_MS) == 0)
			con_printf("\rBooting entry %u in %u s ", m->deflt + 1,
				   ticks / (1000 / TICK_MS));
		bios_sleep_ms(TICK_MS);
		if (counting)
			ticks--;
	}
	con_printf("\n");
	return &m->entries[m->deflt];
}
