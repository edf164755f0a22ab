/* SPDX-License-Identifier: MIT */
/* Shared pieces of Keel's UEFI loader: the console and the boot volume. */
#pragma once

#include "uefi/efi.h"

extern struct efi_system_table *efi_st;
extern struct efi_boot_services *efi_bs;

/* printf to the firmware console (screen and, under OVMF, serial). */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A short name for an EFI status code, for messages. */
const char *efi_status_str(efi_status st);

/* Open the root directory of the volume this loader was read from. */
efi_status vol_open_root(efi_handle image, struct efi_file **root);
/*
 * Read a whole file into fresh pages below 4 GiB (EfiLoaderData, page
 * aligned, so it can be handed to the kernel as is).  EFI_NOT_FOUND if the
 * file is not there.
 */
efi_status vol_read_file(struct efi_file *root, const char *path, void **data,
			 uint64_t *size);
/* Pages below 4 GiB of the given memory type. */
efi_status efi_alloc_low(uint32_t type, uint64_t bytes, void **out);
