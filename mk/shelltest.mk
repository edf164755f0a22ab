# serialdrive, the host program that drives a console (QEMU's serial port
# or a program on a pty) through a script: tests/shell/*.script.
# Included from the top-level Makefile.

SERIALDRIVE      := $(BUILD)/tools/serialdrive
SERIALDRIVE_SRCS := $(sort $(wildcard tools/serialdrive/*.c))

.PHONY: serialdrive
serialdrive: $(SERIALDRIVE)

$(SERIALDRIVE): $(SERIALDRIVE_SRCS) $(wildcard tools/serialdrive/*.h)
	@mkdir -p $(dir $@)
	$(Q)gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -o $@ $(SERIALDRIVE_SRCS)
