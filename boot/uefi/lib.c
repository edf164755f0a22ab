// SPDX-License-Identifier: MIT
/*
 * The UEFI loader's console and file access.
 *
 * Text goes through the firmware's Simple Text Output protocol, which takes
 * UCS-2 strings and wants "\r\n" line ends.  Files come from the volume the
 * loader itself was loaded from (the EFI system partition): the Loaded Image
 * protocol names that device, its Simple File System protocol opens the FAT
 * volume, and the File protocol reads it.
 */
#include <stdarg.h>
#include "uefi/loader.h"
#include "lib/format.h"
#include "lib/string.h"

struct efi_system_table *efi_st;
struct efi_boot_services *efi_bs;

static const struct efi_guid loaded_image_guid = EFI_LOADED_IMAGE_GUID;
static const struct efi_guid simple_fs_guid = EFI_SIMPLE_FILE_SYSTEM_GUID;
static const struct efi_guid file_info_guid = EFI_FILE_INFO_GUID;

void
con_printf(const char *fmt, ...)
{
	char line[256];
	char16 wide[2 * sizeof(line)];
	unsigned n = 0;
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (const char *p = line; *p; p++) {
		if (*p == '\n')
			wide[n++] = '\r';
		wide[n++] = (unsigned char)*p;
	}
	wide[n] = 0;
	efi_st->con_out->output_string(efi_st->con_out, wide);
}

const char *
efi_status_str(efi_status st)
{
	switch (st) {
	case EFI_SUCCESS: return "success";
	case EFI_LOAD_ERROR: return "load error";
	case EFI_INVALID_PARAMETER: return "invalid parameter";
	case EFI_UNSUPPORTED: return "unsupported";
	case EFI_BUFFER_TOO_SMALL: return "buffer too small";
	case EFI_OUT_OF_RESOURCES: return "out of resources";
	case EFI_NOT_FOUND: return "not found";
	default: return "error";
	}
}

efi_status
efi_alloc_low(uint32_t type, uint64_t bytes, void **out)
{
	uint64_t addr = 0xFFFFFFFFull;
	efi_status st;

	st = efi_bs->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, type,
				    (bytes + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE, &addr);
	if (!EFI_IS_ERROR(st))
		*out = (void *)(uintptr_t)addr;
	return st;
}

efi_status
vol_open_root(efi_handle image, struct efi_file **root)
{
	struct efi_loaded_image *li;
	struct efi_simple_file_system *fs;
	efi_status st;

	st = efi_bs->handle_protocol(image, &loaded_image_guid, (void **)&li);
	if (EFI_IS_ERROR(st))
		return st;
	st = efi_bs->handle_protocol(li->device_handle, &simple_fs_guid, (void **)&fs);
	if (EFI_IS_ERROR(st))
		return st;
	return fs->open_volume(fs, root);
}

/* UEFI paths use backslashes and UCS-2. */
static void
to_efi_path(char16 *out, size_t cap, const char *path)
{
	size_t i = 0;

	for (; path[i] && i + 1 < cap; i++)
		out[i] = path[i] == '/' ? '\\' : (unsigned char)path[i];
	out[i] = 0;
}

static efi_status
file_size(struct efi_file *f, uint64_t *size)
{
	uint64_t info[64];     /* struct efi_file_info and a name, 8-byte aligned */
	uint64_t len = sizeof(info);
	efi_status st;

	st = f->get_info(f, &file_info_guid, &len, info);
	if (!EFI_IS_ERROR(st))
		*size = ((struct efi_file_info *)info)->file_size;
	return st;
}

efi_status
vol_read_file(struct efi_file *root, const char *path, void **data, uint64_t *size)
{
	char16 wpath[128];
	struct efi_file *f;
	uint64_t len;
	efi_status st;

	to_efi_path(wpath, ARRAY_SIZE(wpath), path);
	st = root->open(root, &f, wpath, EFI_FILE_MODE_READ, 0);
	if (EFI_IS_ERROR(st))
		return st;
	st = file_size(f, size);
	if (!EFI_IS_ERROR(st))
		st = efi_alloc_low(EFI_LOADER_DATA, *size ? *size : 1, data);
	if (!EFI_IS_ERROR(st)) {
		len = *size;
		st = f->read(f, &len, *data);
		if (!EFI_IS_ERROR(st) && len != *size)
			st = EFI_LOAD_ERROR;
	}
	f->close(f);
	return st;
}
