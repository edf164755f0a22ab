// SPDX-License-Identifier: MIT
/*
 * diskpattern: write or check the storage tests' sector pattern
 * (kernel/block/testpattern.h) in a disk image.
 *
 *   diskpattern fill  IMAGE TAG FIRST COUNT   write sectors FIRST.. of IMAGE
 *   diskpattern check IMAGE TAG FIRST COUNT   exit 0 if they hold the pattern
 *
 * TAG is one character.  fill extends the image as needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "block/testpattern.h"

static int
run(const char *mode, const char *path, uint8_t tag, uint64_t first, uint64_t count)
{
	FILE *f = fopen(path, strcmp(mode, "fill") == 0 ? "r+b" : "rb");
	unsigned char sec[512], want[512];

	if (!f && strcmp(mode, "fill") == 0)
		f = fopen(path, "w+b");
	if (!f || fseek(f, (long)(first * 512), SEEK_SET) != 0) {
		perror(path);
		return 2;
	}
	for (uint64_t s = first; s < first + count; s++) {
		blk_pattern_fill(want, tag, s, 1);
		if (strcmp(mode, "fill") == 0) {
			if (fwrite(want, 512, 1, f) != 1)
				return 2;
		} else if (fread(sec, 512, 1, f) != 1 || memcmp(sec, want, 512) != 0) {
			fprintf(stderr, "%s: sector %llu does not hold pattern '%c'\n", path,
				(unsigned long long)s, tag);
			fclose(f);
			return 1;
		}
	}
	return fclose(f) == 0 ? 0 : 2;
}

int
main(int argc, char **argv)
{
	if (argc != 6 || (strcmp(argv[1], "fill") && strcmp(argv[1], "check")) || !argv[3][0]) {
		fprintf(stderr, "usage: diskpattern fill|check IMAGE TAG FIRST COUNT\n");
		return 2;
	}
	return run(argv[1], argv[2], (uint8_t)argv[3][0], strtoull(argv[4], NULL, 0),
		   strtoull(argv[5], NULL, 0));
}
