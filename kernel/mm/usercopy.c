// SPDX-License-Identifier: MIT
/* Checked user-memory access over arch's fault-tolerant copies. */
#include "mm/usercopy.h"
#include "arch/arch.h"
#include "uapi/errno.h"

size_t arch_copy_user(void *dst, const void *src, size_t n);
long arch_strncpy_user(char *dst, const char *usrc, size_t max);
size_t arch_clear_user(void *dst, size_t n);
int arch_cmpxchg_user32(uint32_t *uaddr, uint32_t *expected, uint32_t newval);

bool
user_range_ok(uint64_t uaddr, size_t n)
{
	return uaddr + n >= uaddr && uaddr + n <= USER_TOP;
}

int
copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range_ok((uint64_t)usrc, n))
		return -EFAULT;
	return arch_copy_user(dst, usrc, n) ? -EFAULT : 0;
}

int
copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range_ok((uint64_t)udst, n))
		return -EFAULT;
	return arch_copy_user(udst, src, n) ? -EFAULT : 0;
}

int
clear_user(void *udst, size_t n)
{
	if (!user_range_ok((uint64_t)udst, n))
		return -EFAULT;
	return arch_clear_user(udst, n) ? -EFAULT : 0;
}

long
strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	uint64_t a = (uint64_t)usrc;
	long n;

	if (max == 0)
		return -ENAMETOOLONG;
	if (a >= USER_TOP)
		return -EFAULT;
	/* Never read past the top of user space, however large max is. */
	if (max > USER_TOP - a)
		max = USER_TOP - a;
	n = arch_strncpy_user(dst, usrc, max);
	if (n < 0)
		return -EFAULT;
	if ((size_t)n == max) {
		dst[max - 1] = '\0';
		return -ENAMETOOLONG;
	}
	return n;
}

int
cmpxchg_user32(uint32_t *uaddr, uint32_t *expected, uint32_t newval)
{
	int r;

	if (((uint64_t)uaddr & 3) || !user_range_ok((uint64_t)uaddr, 4))
		return -EFAULT;
	r = arch_cmpxchg_user32(uaddr, expected, newval);
	return r < 0 ? -EFAULT : r;
}
