/* SPDX-License-Identifier: MIT */
/* mount(2) and umount2(2) flags. */
#pragma once

#define MS_RDONLY      0x00000001
#define MS_NOSUID      0x00000002
#define MS_NODEV       0x00000004
#define MS_NOEXEC      0x00000008
#define MS_SYNCHRONOUS 0x00000010
#define MS_REMOUNT     0x00000020
#define MS_MANDLOCK    0x00000040
#define MS_DIRSYNC     0x00000080
#define MS_NOSYMFOLLOW 0x00000100
#define MS_NOATIME     0x00000400
#define MS_NODIRATIME  0x00000800
#define MS_BIND        0x00001000
#define MS_MOVE        0x00002000
#define MS_REC         0x00004000
#define MS_SILENT      0x00008000
#define MS_UNBINDABLE  0x00020000
#define MS_PRIVATE     0x00040000
#define MS_SLAVE       0x00080000
#define MS_SHARED      0x00100000
#define MS_RELATIME    0x00200000
#define MS_STRICTATIME 0x01000000
#define MS_LAZYTIME    0x02000000
#define MS_MGC_VAL     0xC0ED0000u   /* old programs put this in the top half */
#define MS_MGC_MSK     0xffff0000u

#define MNT_FORCE       0x1
#define MNT_DETACH      0x2
#define MNT_EXPIRE      0x4
#define UMOUNT_NOFOLLOW 0x8
