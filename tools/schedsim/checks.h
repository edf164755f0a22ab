/* SPDX-License-Identifier: MIT */
/* schedsim --check: the simulator's assertions, printed as PASS/FAIL lines. */
#pragma once

#include <stdbool.h>

/* => true when every check passed. */
bool checks_run(void);
