/*
 * The seeded random source of the tests and test tools (cd-ipc-fuzz,
 * cd-cpg-garble, test-store, test-tree): splitmix64, so that a seed gives
 * the same sequence on every run and machine and a failure is reproduced
 * by its seed. The state is a plain uint64_t that callers keep where they
 * like (a struct member, a static) and may save and restore to replay a
 * stretch of the sequence. Header-only: each program uses a few lines.
 */
#pragma once

#include <stdint.h>
#include <string.h>

/* The next 64 random bits. */
static inline uint64_t test_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number below N (N > 0). */
static inline uint32_t test_rng_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(test_rng_next(state) % n);
}

/* A relative path of one to three components drawn from NAMES (N of them)
 * into BUF (room for 3 * (longest name + 1) bytes). */
static inline void test_rng_path(uint64_t *state, const char *const *names,
				 uint32_t n, char *buf)
{
	uint32_t depth = 1 + test_rng_below(state, 3);

	buf[0] = '\0';
	for (uint32_t i = 0; i < depth; i++) {
		if (i)
			strcat(buf, "/");
		strcat(buf, names[test_rng_below(state, n)]);
	}
}
