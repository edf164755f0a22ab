// SPDX-License-Identifier: MIT
/* CPU identification through CPUID: the model string and feature bits. */
#include "arch/arch.h"
#include "lib/string.h"

struct feature {
	uint32_t leaf, sub;
	char reg;      /* 'b', 'c' or 'd' */
	int bit;
};

static const struct feature features[] = {
	[CPU_FEAT_NX]            = { 0x80000001, 0, 'd', 20 },
	[CPU_FEAT_PCID]          = { 1, 0, 'c', 17 },
	[CPU_FEAT_INVPCID]       = { 7, 0, 'b', 10 },
	[CPU_FEAT_1GPAGE]        = { 0x80000001, 0, 'd', 26 },
	[CPU_FEAT_X2APIC]        = { 1, 0, 'c', 21 },
	[CPU_FEAT_TSC_DEADLINE]  = { 1, 0, 'c', 24 },
	[CPU_FEAT_INVARIANT_TSC] = { 0x80000007, 0, 'd', 8 },
	[CPU_FEAT_XSAVE]         = { 1, 0, 'c', 26 },
	[CPU_FEAT_SVM]           = { 0x80000001, 0, 'c', 2 },
	[CPU_FEAT_FSGSBASE]      = { 7, 0, 'b', 0 },
	[CPU_FEAT_SMEP]          = { 7, 0, 'b', 7 },
	[CPU_FEAT_SMAP]          = { 7, 0, 'b', 20 },
	[CPU_FEAT_APIC]          = { 1, 0, 'd', 9 },
	[CPU_FEAT_HYPERVISOR]    = { 1, 0, 'c', 31 },
};

bool
arch_cpu_has(int f)
{
	uint32_t a, b, c, d, max;
	const struct feature *ft = &features[f];

	cpuid(ft->leaf & 0x80000000, 0, &max, &b, &c, &d);
	if (ft->leaf > max)
		return false;
	cpuid(ft->leaf, ft->sub, &a, &b, &c, &d);
	uint32_t r = ft->reg == 'b' ? b : ft->reg == 'c' ? c : d;
	return (r >> ft->bit) & 1;
}

void
arch_cpu_model(char *buf, size_t size)
{
	uint32_t regs[12], max, b, c, d;
	char s[49];

	cpuid(0x80000000, 0, &max, &b, &c, &d);
	if (max < 0x80000004) {
		strlcpy(buf, "unknown x86-64", size);
		return;
	}
	for (int i = 0; i < 3; i++)
		cpuid(0x80000002 + i, 0, &regs[4 * i], &regs[4 * i + 1],
		      &regs[4 * i + 2], &regs[4 * i + 3]);
	memcpy(s, regs, 48);
	s[48] = '\0';
	/* Trim leading and trailing blanks. */
	char *p = s;
	while (*p == ' ')
		p++;
	for (size_t n = strlen(p); n && p[n - 1] == ' '; n--)
		p[n - 1] = '\0';
	strlcpy(buf, p, size);
}
