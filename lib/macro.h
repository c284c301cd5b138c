/*
 * Small language helpers shared by every component.
 *
 * The _cleanup_ attributes follow systemd: a variable declared with
 * _cleanup_free_ (or another _cleanup_*_) is released when it goes out of
 * scope, so error paths need no goto ladder. TAKE_PTR() hands ownership on.
 */
#pragma once

#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>

#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _unused_       __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_	 _cleanup_(freep)
#define _cleanup_close_	 _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Return *p and set it to NULL, so a cleanup attribute no longer frees it. */
#define TAKE_PTR(p)                                                            \
	({                                                                     \
		typeof(p) _taken = (p);                                        \
		(p) = NULL;                                                    \
		_taken;                                                        \
	})
