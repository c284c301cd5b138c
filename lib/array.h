/*
 * Arrays that grow by doubling, for the places that collect an unknown
 * number of items (listings, sync shipments).
 */
#pragma once

#include <errno.h>
#include <stdlib.h>

/* Make room for element COUNT of *ARRAY (CAP elements of SIZE bytes are
 * allocated), doubling from MIN. 0, or -ENOMEM with the array unchanged. */
static inline int array_reserve(void **array, size_t *cap, size_t count,
				size_t size, size_t min)
{
	size_t n;
	void *grown;

	if (count < *cap)
		return 0;
	n = *cap ? *cap * 2 : min;
	grown = reallocarray(*array, n, size);
	if (!grown)
		return -ENOMEM;
	*array = grown;
	*cap = n;
	return 0;
}

#define ARRAY_RESERVE(ptr, cap, count, min)                                    \
	array_reserve((void **)&(ptr), &(cap), (count), sizeof(*(ptr)), (min))
