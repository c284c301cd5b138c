/*
 * Deliberately broken backend plugins for tests/unit/test-backend.c,
 * built three times: BROKEN_NOABI (no ABI symbol), BROKEN_BADABI (another
 * ABI version), BROKEN_NOSTART (no start operation).
 */
#include "backend.h"

#include <stddef.h>

static int init(const struct backend_env *env, void **state,
		struct backend_error *err)
{
	return 0;
}

static int op(void *state, const struct guest_conf *c,
	      struct backend_error *err)
{
	return 0;
}

static int shutdown_op(void *state, const struct guest_conf *c,
		       unsigned timeout_ms, struct backend_error *err)
{
	return 0;
}

static int status(void *state, const struct guest_conf *c,
		  struct guest_status *st, struct backend_error *err)
{
	return 0;
}

#if !defined(BROKEN_NOABI)
const uint32_t clusterd_backend_abi =
#if defined(BROKEN_BADABI)
    BACKEND_ABI_VERSION + 1;
#else
    BACKEND_ABI_VERSION;
#endif
#endif

const struct backend_ops clusterd_backend_ops = {
    .name = "broken",
    .init = init,
#if !defined(BROKEN_NOSTART)
    .start = op,
#endif
    .shutdown = shutdown_op,
    .stop = op,
    .status = status,
};
