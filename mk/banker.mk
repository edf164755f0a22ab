# The Banker's algorithm library (tools/banker), kept apart from the kernel:
# only its host unit test uses it.  The unit-test rule tracks kernel sources;
# this tells it about the library's.
$(BUILD)/unit/test_banker: tools/banker/banker.c tools/banker/banker.h
