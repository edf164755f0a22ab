// SPDX-License-Identifier: MIT
/*
 * The 64-bit division helpers gcc calls from 32-bit code (`u64 / u32` in
 * number formatting and CHS arithmetic).  A freestanding 32-bit build has
 * no libgcc here, so stage 2 carries this shift-and-subtract long division.
 */
#include <stdint.h>

uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);

static uint64_t
divmod(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	if (d == 0) {           /* no trap to raise here: answer 0 */
		*rem = 0;
		return 0;
	}
	for (int i = 63; i >= 0; i--) {
		r = r << 1 | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	*rem = r;
	return q;
}

uint64_t
__udivdi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	return divmod(n, d, &r);
}

uint64_t
__umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	divmod(n, d, &r);
	return r;
}

uint64_t
__udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t r, q = divmod(n, d, &r);

	if (rem)
		*rem = r;
	return q;
}
