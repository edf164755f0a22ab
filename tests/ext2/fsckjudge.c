// SPDX-License-Identifier: MIT
/*
 * Judge `e2fsck -fn` output (stdin) after a crash: print each line that
 * soft updates should have made impossible, and exit 1 if there was one.
 * A host tool for tests/stages/45-ext2-disk.sh; the rules are the crash-cut
 * unit test's (tests/unit/fsck_benign.h).
 */
#include <stdlib.h>
#include "../unit/fsck_benign.h"

int
main(void)
{
	char line[1024];
	int bad = 0;

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (!fsck_line_ok(line)) {
			printf("after a crash: %s\n", line);
			bad = 1;
		}
	}
	return bad;
}
