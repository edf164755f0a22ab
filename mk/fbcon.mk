# The framebuffer console's font (kernel/drivers/fbcon.c).  Included from the
# top-level Makefile.
#
# Keel carries no font data in its tree: tools/pf2font turns the printable
# ASCII glyphs of GRUB's 8x16 font (grub-common's ascii.pf2) into a C table
# at build time.

FBCON_FONT_PF2 := /usr/share/grub/ascii.pf2
FBCON_FONT_H   := $(BUILD)/gen/fbfont.h

$(BUILD)/tools/pf2font: tools/pf2font.c
	@mkdir -p $(dir $@)
	$(Q)gcc -O2 -Wall -Wextra -Werror -o $@ $<

$(FBCON_FONT_H): $(BUILD)/tools/pf2font $(FBCON_FONT_PF2)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FONT    $@")
	$(Q)$(BUILD)/tools/pf2font $(FBCON_FONT_PF2) > $@.tmp && mv $@.tmp $@

$(BUILD)/kernel/drivers/fbcon.o: $(FBCON_FONT_H)
$(BUILD)/kernel/drivers/fbcon.o: KCFLAGS += -I$(BUILD)/gen
