/* SPDX-License-Identifier: MIT */
/* Shared by part.c (MBR) and part_gpt.c (GPT). */
#pragma once

#include "block/part.h"

#define PART_SECTOR 512

static inline uint16_t
part_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
part_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t
part_le64(const uint8_t *p)
{
	return part_le32(p) | (uint64_t)part_le32(p + 4) << 32;
}

/* Append an entry; false (and a message) when the table is full. */
bool part_add(const char *disk, struct part_table *t, const struct part_info *pi);
/* Parse a GPT (after a protective MBR).  => 0 or -errno for read errors. */
int part_parse_gpt(const char *disk, part_read_fn rd, void *ctx, uint64_t nsectors,
		   struct part_table *t);
