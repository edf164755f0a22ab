// SPDX-License-Identifier: MIT
/*
 * The CPU's own random numbers: RDSEED (raw entropy from the hardware
 * source) and RDRAND (a hardware DRBG seeded from it).  Either may fail
 * transiently (carry clear) when its pool is drained, so each is retried
 * a few times; a CPU without them reports false and the kernel's
 * generator seeds from timing alone.
 */
#include "arch/arch.h"

#define CPUID1_ECX_RDRAND (1u << 30)
#define CPUID7_EBX_RDSEED (1u << 18)
#define RETRIES 10

static int has_rdrand = -1, has_rdseed = -1;    /* -1: not asked yet */

/* Ask CPUID once whether RDRAND and RDSEED exist. */
static void
probe(void)
{
	uint32_t a, b, c, d, max;

	cpuid(0, 0, &max, &b, &c, &d);
	cpuid(1, 0, &a, &b, &c, &d);
	has_rdrand = (c & CPUID1_ECX_RDRAND) != 0;
	has_rdseed = 0;
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		has_rdseed = (b & CPUID7_EBX_RDSEED) != 0;
	}
}

/* One RDRAND; the carry flag says whether it delivered. */
static bool
rdrand64(uint64_t *v)
{
	uint8_t ok;

	__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) :: "cc");
	return ok;
}

/* One RDSEED; the carry flag says whether it delivered. */
static bool
rdseed64(uint64_t *v)
{
	uint8_t ok;

	__asm__ __volatile__("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) :: "cc");
	return ok;
}

/* A 64-bit number from the CPU's DRBG, retried a few times. */
bool
arch_random(uint64_t *v)
{
	if (has_rdrand < 0)
		probe();
	for (int i = 0; has_rdrand && i < RETRIES; i++)
		if (rdrand64(v))
			return true;
	return false;
}

/* A 64-bit seed from the CPU's entropy source, else from its DRBG. */
bool
arch_random_seed(uint64_t *v)
{
	if (has_rdseed < 0)
		probe();
	for (int i = 0; has_rdseed && i < RETRIES; i++)
		if (rdseed64(v))
			return true;
	return arch_random(v);
}
