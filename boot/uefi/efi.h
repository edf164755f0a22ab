/* SPDX-License-Identifier: MIT */
/*
 * The slice of the UEFI specification Keel's loader uses: the system table,
 * boot services, and the protocols for the console, loaded images, file
 * systems and graphics.  Layouts and GUIDs are the specification's; tables
 * list every member up to the last one used, because a service is found by
 * its position.  Services the loader never calls are `void *`.
 *
 * UEFI calls use the Microsoft x64 convention; the loader is compiled for
 * x86_64-unknown-windows, where that is the default, so no attribute is
 * needed here.  Strings are UCS-2 (CHAR16).
 */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef uint16_t char16;

#define EFI_ERROR_BIT        (1ull << 63)
#define EFI_SUCCESS          0
#define EFI_LOAD_ERROR       (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED      (EFI_ERROR_BIT | 3)
#define EFI_BUFFER_TOO_SMALL (EFI_ERROR_BIT | 5)
#define EFI_OUT_OF_RESOURCES (EFI_ERROR_BIT | 9)
#define EFI_NOT_FOUND        (EFI_ERROR_BIT | 14)
#define EFI_IS_ERROR(s)      (((s) & EFI_ERROR_BIT) != 0)

struct efi_guid {
	uint32_t a;
	uint16_t b, c;
	uint8_t d[8];
};

struct efi_table_header {
	uint64_t signature;
	uint32_t revision, header_size, crc32, reserved;
};

/* Memory types (EFI_MEMORY_TYPE). */
enum {
	EFI_RESERVED_MEMORY = 0,
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BOOT_SERVICES_CODE = 3,
	EFI_BOOT_SERVICES_DATA = 4,
	EFI_RUNTIME_SERVICES_CODE = 5,
	EFI_RUNTIME_SERVICES_DATA = 6,
	EFI_CONVENTIONAL_MEMORY = 7,
	EFI_UNUSABLE_MEMORY = 8,
	EFI_ACPI_RECLAIM_MEMORY = 9,
	EFI_ACPI_MEMORY_NVS = 10,
	EFI_MEMORY_MAPPED_IO = 11,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
	EFI_PAL_CODE = 13,
	EFI_PERSISTENT_MEMORY = 14,
};

/* AllocatePages's allocation types. */
enum { EFI_ALLOCATE_ANY_PAGES = 0, EFI_ALLOCATE_MAX_ADDRESS = 1, EFI_ALLOCATE_ADDRESS = 2 };

#define EFI_PAGE_SIZE 4096

/*
 * One entry of the firmware's memory map.  Entries are `descriptor_size`
 * bytes apart, which may be more than sizeof(this): step by the size the
 * firmware reports.
 */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages;
	uint64_t attribute;
};

struct efi_simple_text_output {
	void *reset;
	efi_status (*output_string)(struct efi_simple_text_output *self, const char16 *s);
	void *test_string, *query_mode, *set_mode, *set_attribute;
	efi_status (*clear_screen)(struct efi_simple_text_output *self);
};

struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	efi_status (*allocate_pages)(uint32_t type, uint32_t memory_type, uint64_t pages,
				     uint64_t *address);
	efi_status (*free_pages)(uint64_t address, uint64_t pages);
	efi_status (*get_memory_map)(uint64_t *map_size, struct efi_memory_descriptor *map,
				     uint64_t *map_key, uint64_t *descriptor_size,
				     uint32_t *descriptor_version);
	efi_status (*allocate_pool)(uint32_t memory_type, uint64_t size, void **buffer);
	efi_status (*free_pool)(void *buffer);
	void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event;
	void *check_event;
	void *install_protocol_interface, *reinstall_protocol_interface;
	void *uninstall_protocol_interface;
	efi_status (*handle_protocol)(efi_handle handle, const struct efi_guid *protocol,
				      void **interface);
	void *reserved, *register_protocol_notify, *locate_handle, *locate_device_path;
	void *install_configuration_table;
	void *load_image, *start_image, *exit, *unload_image;
	efi_status (*exit_boot_services)(efi_handle image, uint64_t map_key);
	void *get_next_monotonic_count;
	efi_status (*stall)(uint64_t microseconds);
	efi_status (*set_watchdog_timer)(uint64_t timeout, uint64_t code, uint64_t data_size,
					 const char16 *data);
	void *connect_controller, *disconnect_controller;
	void *open_protocol, *close_protocol, *open_protocol_information;
	void *protocols_per_handle, *locate_handle_buffer;
	efi_status (*locate_protocol)(const struct efi_guid *protocol, void *registration,
				      void **interface);
};

struct efi_configuration_table {
	struct efi_guid vendor_guid;
	void *vendor_table;
};

struct efi_system_table {
	struct efi_table_header hdr;
	char16 *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	void *con_in;
	efi_handle console_out_handle;
	struct efi_simple_text_output *con_out;
	efi_handle standard_error_handle;
	struct efi_simple_text_output *std_err;
	void *runtime_services;
	struct efi_boot_services *boot_services;
	uint64_t number_of_table_entries;
	struct efi_configuration_table *configuration_table;
};

struct efi_loaded_image {
	uint32_t revision;
	efi_handle parent_handle;
	struct efi_system_table *system_table;
	efi_handle device_handle;
	void *file_path;
	void *reserved;
	uint32_t load_options_size;
	void *load_options;
	void *image_base;
	uint64_t image_size;
	uint32_t image_code_type, image_data_type;
	void *unload;
};

#define EFI_FILE_MODE_READ 1ull

struct efi_file {
	uint64_t revision;
	efi_status (*open)(struct efi_file *self, struct efi_file **out, const char16 *name,
			   uint64_t mode, uint64_t attributes);
	efi_status (*close)(struct efi_file *self);
	void *delete_;
	efi_status (*read)(struct efi_file *self, uint64_t *size, void *buffer);
	void *write, *get_position, *set_position;
	efi_status (*get_info)(struct efi_file *self, const struct efi_guid *type,
			       uint64_t *size, void *buffer);
};

struct efi_time {
	uint16_t year;
	uint8_t month, day, hour, minute, second, pad1;
	uint32_t nanosecond;
	int16_t time_zone;
	uint8_t daylight, pad2;
};

struct efi_file_info {
	uint64_t size, file_size, physical_size;
	struct efi_time create_time, last_access_time, modification_time;
	uint64_t attribute;
	char16 file_name[];
};

struct efi_simple_file_system {
	uint64_t revision;
	efi_status (*open_volume)(struct efi_simple_file_system *self, struct efi_file **root);
};

/* GOP pixel formats. */
enum {
	EFI_PIXEL_RGB_RESERVED_8BIT = 0,   /* byte 0 red, 1 green, 2 blue */
	EFI_PIXEL_BGR_RESERVED_8BIT = 1,   /* byte 0 blue, 1 green, 2 red */
	EFI_PIXEL_BIT_MASK = 2,            /* see pixel_information */
	EFI_PIXEL_BLT_ONLY = 3,            /* no linear framebuffer */
};

struct efi_gop_mode_info {
	uint32_t version;
	uint32_t horizontal_resolution, vertical_resolution;
	uint32_t pixel_format;
	uint32_t red_mask, green_mask, blue_mask, reserved_mask;
	uint32_t pixels_per_scan_line;
};

struct efi_gop_mode {
	uint32_t max_mode, mode;
	struct efi_gop_mode_info *info;
	uint64_t size_of_info;
	uint64_t frame_buffer_base;
	uint64_t frame_buffer_size;
};

struct efi_graphics_output {
	void *query_mode, *set_mode, *blt;
	struct efi_gop_mode *mode;
};

#define EFI_LOADED_IMAGE_GUID \
	{ 0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_SIMPLE_FILE_SYSTEM_GUID \
	{ 0x964e5b22, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_FILE_INFO_GUID \
	{ 0x09576e92, 0x6d3f, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_GRAPHICS_OUTPUT_GUID \
	{ 0x9042a9de, 0x23dc, 0x4a38, { 0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a } }
#define EFI_ACPI_20_TABLE_GUID \
	{ 0x8868e871, 0xe4f1, 0x11d3, { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } }
#define EFI_ACPI_10_TABLE_GUID \
	{ 0xeb9d2d30, 0x2d88, 0x11d3, { 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } }
