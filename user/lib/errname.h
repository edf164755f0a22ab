/* SPDX-License-Identifier: MIT */
/*
 * Symbolic names of errno values ("EFAULT" rather than "Bad address"), for
 * messages that must say exactly which error a system call returned.
 */
#pragma once

/* The name of an errno value, or "E?<n>" (in a static buffer) if unknown. */
const char *errname(int err);
