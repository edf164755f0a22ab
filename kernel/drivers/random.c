// SPDX-License-Identifier: MIT
/*
 * A ChaCha20 random number generator with fast key erasure.
 *
 * The state is one 256-bit key.  Each request first turns the key into a
 * ChaCha20 block (RFC 8439's 20-round function): half of the block becomes
 * the next key, the other half keys a ChaCha20 stream that produces the
 * caller's bytes.  The old key is gone before any output leaves, so a
 * later theft of the state reveals nothing already produced.  Entropy is
 * stirred in by XORing it into the key and replacing the key with a block
 * of itself; every request also stirs in the time-stamp counter.
 *
 * Seeding happens once at boot from RDSEED/RDRAND and from the jitter of
 * timing a short loop with the TSC.  This is the shape of Linux's and
 * OpenBSD's generators, kept small; it has not been reviewed as a
 * cryptographic design.
 *
 * Locks: rng_lock (a spinlock, a leaf) protects the key; the stream for a
 * request is made from a private key outside the lock.
 */
#include "drivers/random.h"
#include "fs/fs.h"
#include "fs/uio.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/poll.h"
#include "uapi/random.h"

static struct spinlock rng_lock = SPINLOCK_INIT("random");
static uint32_t rng_key[8];        /* [rng_lock] */
static uint64_t rng_gen;           /* [rng_lock] blocks taken from the key */

#define ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QR(a, b, c, d)                                                      \
	do {                                                                \
		a += b; d ^= a; d = ROTL(d, 16);                            \
		c += d; b ^= c; b = ROTL(b, 12);                            \
		a += b; d ^= a; d = ROTL(d, 8);                             \
		c += d; b ^= c; b = ROTL(b, 7);                             \
	} while (0)

/* RFC 8439's block function: 20 rounds over the state, then the state added back. */
void
chacha20_block(const uint32_t key[8], const uint32_t iv[4], uint32_t out[16])
{
	uint32_t in[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 }, x[16];

	memcpy(&in[4], key, 32);
	memcpy(&in[12], iv, 16);
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);    /* columns */
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);   /* diagonals */
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
	memset(x, 0, sizeof(x));
}

/* Replace the key by a block of itself.  => rng_lock held. */
static void
rekey_locked(uint32_t tag)
{
	uint32_t iv[4] = { (uint32_t)rng_gen, (uint32_t)(rng_gen >> 32), tag, 0 }, blk[16];

	rng_gen++;
	chacha20_block(rng_key, iv, blk);
	memcpy(rng_key, blk, 32);
	memset(blk, 0, sizeof(blk));
}

/* XOR bytes into the key 32 at a time, rekeying after each.  => rng_lock held. */
static void
mix_locked(const uint8_t *p, size_t n)
{
	while (n) {
		size_t c = MIN(n, (size_t)32);
		for (size_t i = 0; i < c; i++)
			((uint8_t *)rng_key)[i] ^= p[i];
		rekey_locked(0x6d6978);     /* "mix" */
		p += c;
		n -= c;
	}
}

/* Stir bytes into the key. */
void
random_add_entropy(const void *buf, size_t n)
{
	spin_lock(&rng_lock);
	mix_locked(buf, n);
	spin_unlock(&rng_lock);
}

/* Fast key erasure: take a private key from the state, replace the state, then stream. */
void
random_get_bytes(void *buf, size_t n)
{
	uint32_t k[8], blk[16], iv[4] = { 0, 0, 0x6f7574, 0 };     /* "out" */
	uint64_t tsc = arch_cycles();

	spin_lock(&rng_lock);
	mix_locked((const uint8_t *)&tsc, sizeof(tsc));
	memcpy(k, rng_key, 32);
	rekey_locked(0x6b6579);             /* "key": the old key is gone */
	spin_unlock(&rng_lock);
	for (uint64_t ctr = 0; n; ctr++) {
		size_t c = MIN(n, sizeof(blk));
		iv[0] = (uint32_t)ctr;
		iv[1] = (uint32_t)(ctr >> 32);
		chacha20_block(k, iv, blk);
		memcpy(buf, blk, c);
		buf = (char *)buf + c;
		n -= c;
	}
	memset(k, 0, sizeof(k));
	memset(blk, 0, sizeof(blk));
}

/* Jitter: how long a short loop takes varies with caches, interrupts and the host. */
static uint64_t
timing_sample(void)
{
	uint64_t t0 = arch_cycles();
	volatile uint32_t x = 0;

	for (int i = 0; i < 100; i++)
		x += (uint32_t)i;
	return arch_cycles() - t0;
}

/* Seed from RDSEED/RDRAND and timing jitter. */
void
random_init(void)
{
	uint64_t seed[40];
	unsigned hw = 0;

	for (int i = 0; i < 8; i++)
		if (arch_random_seed(&seed[i]))
			hw++;
	for (int i = 8; i < 40; i++)
		seed[i] = timing_sample() ^ (arch_cycles() << 17);
	random_add_entropy(seed, sizeof(seed));
	memset(seed, 0, sizeof(seed));
	pr_info("random: seeded from %s and timing jitter\n",
		hw ? "the CPU's random number generator" : "the TSC alone (no RDSEED/RDRAND)");
}

/* Fill a uio with random bytes; long requests stop early for a signal. */
static long
random_fill(struct uio *u)
{
	uint8_t buf[256];
	long done = 0;

	while (uio_resid(u)) {
		size_t n = MIN(uio_resid(u), sizeof(buf));
		long r;

		if (done && done % 4096 == 0 && current()->sig_pending)
			break;
		random_get_bytes(buf, n);
		r = uio_copy_out(u, buf, n);
		if (r <= 0) {
			done = done ? done : r;
			break;
		}
		done += r;
	}
	memset(buf, 0, sizeof(buf));
	return done;
}

/* /dev/random and /dev/urandom: the generator's bytes. */
static long
random_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return random_fill(u);
}

/* Writing to /dev/random stirs the bytes in (crediting nothing). */
static long
random_write(struct file *f, struct uio *u, uint64_t *pos)
{
	uint8_t buf[256];
	long done = 0;

	while (uio_resid(u)) {
		long r = uio_copy_in(u, buf, MIN(uio_resid(u), sizeof(buf)));
		if (r <= 0)
			return done ? done : r;
		random_add_entropy(buf, (size_t)r);
		done += r;
	}
	return done;
}

/* The generator never blocks: always readable and writable. */
static unsigned
random_poll(struct file *f, struct poll_table *pt)
{
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

const struct file_ops random_fops = {
	.read = random_read,
	.write = random_write,
	.poll = random_poll,
	.llseek = noop_llseek,
};

/* The generator is seeded at boot, so neither GRND_RANDOM nor GRND_NONBLOCK ever waits. */
long
sys_getrandom(void *ubuf, size_t count, unsigned flags)
{
	struct uio u;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
		return -EINVAL;
	if (count > 0x7fffffff)
		count = 0x7fffffff;
	if (!user_range_ok((uint64_t)ubuf, count))
		return -EFAULT;
	uio_init_user(&u, ubuf, count);
	return random_fill(&u);
}
