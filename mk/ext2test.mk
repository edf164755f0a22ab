# The ext2 disk test's helper program (tests/ext2/ext2util.c), a static
# musl binary put on the test's root disk.  Included from the top-level
# Makefile; the stage is tests/stages/45-ext2-disk.sh.

EXT2UTIL := $(BUILD)/user/ext2util

.PHONY: ext2util
ext2util: $(EXT2UTIL)

$(EXT2UTIL): tests/ext2/ext2util.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MUSLCC  $<")
	$(Q)musl-gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -o $@ $<
